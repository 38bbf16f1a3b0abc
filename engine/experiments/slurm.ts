/**
 * The Slurm runner: a sweep goes out as one job array (`sbatch --array=…%K`) whose task
 * N runs `attractor sweep --task DIR` — the task reads configuration
 * $SLURM_ARRAY_TASK_ID from the sweep file and writes its run folder beside the graph, on
 * the cluster's shared file system. Status comes from squeue (this Slurm may keep no
 * accounting, so sacct is not relied on) and from the run folders; a cancel removes the
 * pending tasks and sends SIGINT to the running ones, which checkpoint and record
 * `cancelled` like a Ctrl-C.
 */
import { join } from 'node:path';
import type { SlurmOptions, SweepFile } from '../protocol/sweeps.js';
import { quote, type Shell } from './shell.js';

export class SlurmError extends Error {
  override name = 'SlurmError';
}

/** "0-3,5,7-9" (+ "%K"): the indices as sbatch's --array takes them. */
export function arraySpec(indices: readonly number[], maxParallel?: number): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return `${parts.join(',')}${maxParallel ? `%${maxParallel}` : ''}`;
}

/** The batch script of one array: Slurm options, the setup lines, then the task. */
export function sbatchScript(sweep: SweepFile, sweepDir: string, indices: readonly number[], options: SlurmOptions, attractor: string): string {
  const lines = ['#!/bin/bash', `#SBATCH --job-name=attractor-${sweep.id}`, `#SBATCH --array=${arraySpec(indices, options.maxParallel)}`];
  // %a: the array index, so each configuration has one log however often it is resumed.
  lines.push(`#SBATCH --output=${join(sweepDir, 'logs', '%a.log')}`, '#SBATCH --open-mode=append');
  if (options.partition) lines.push(`#SBATCH --partition=${options.partition}`);
  if (options.time) lines.push(`#SBATCH --time=${options.time}`);
  if (options.account) lines.push(`#SBATCH --account=${options.account}`);
  if (options.gres) lines.push(`#SBATCH --gres=${options.gres}`);
  if (options.cpusPerTask) lines.push(`#SBATCH --cpus-per-task=${options.cpusPerTask}`);
  if (options.mem) lines.push(`#SBATCH --mem=${options.mem}`);
  // Slurm sends SIGTERM at the time limit: the task takes it as a cancel (checkpoint, then exit).
  lines.push('set -eo pipefail', ...options.setup);
  const workers = Math.max(0, (options.cpusPerTask ?? 1) - 1);
  lines.push(`exec ${attractor} sweep --task ${quote(sweepDir)} --workers ${workers}`, '');
  return lines.join('\n');
}

function failure(shell: Shell, what: string, r: { code: number; stderr: string; stdout: string }): SlurmError {
  const said = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ');
  if (r.code === 127) return new SlurmError(`${what}: Slurm's commands are not on ${shell.where} (${said}); on a machine without a cluster, scripts/slurm-local.sh start sets up a one-node Slurm`);
  return new SlurmError(`${what} failed on ${shell.where} (exit ${r.code}): ${said}`);
}

/** Writes the script next to the sweep and submits it; the job id. */
export async function submitArray(shell: Shell, sweep: SweepFile, sweepDir: string, indices: readonly number[], options: SlurmOptions, attractor: string): Promise<string> {
  if (indices.length === 0) throw new SlurmError('nothing to submit: every configuration of the sweep is done');
  const script = join(sweepDir, 'slurm', `array-${Date.now()}.sh`);
  await shell.writeFile(script, sbatchScript(sweep, sweepDir, indices, options, attractor));
  const r = await shell.exec(`sbatch --parsable ${quote(script)}`);
  if (r.code !== 0) throw failure(shell, 'sbatch', r);
  const jobId = r.stdout.trim().split(/[;\s]/)[0];
  if (!/^\d+$/.test(jobId)) throw new SlurmError(`sbatch on ${shell.where} answered ${JSON.stringify(r.stdout.trim())}, not a job id`);
  return jobId;
}

/** The jobs among `jobIds` that squeue still lists (pending or running). */
export async function activeJobs(shell: Shell, jobIds: readonly string[]): Promise<Set<string>> {
  if (jobIds.length === 0) return new Set();
  const r = await shell.exec(`squeue -h -o %F -j ${jobIds.join(',')}`);
  // A job id squeue no longer knows is an error, not an empty list: nothing of it is queued.
  if (r.code !== 0 && !/invalid job id/i.test(r.stderr)) throw failure(shell, 'squeue', r);
  return new Set(r.stdout.split('\n').map((l) => l.trim()).filter((l) => jobIds.includes(l)));
}

/** One line per array task still queued or running: "JOBID_TASK STATE REASON". */
export async function queueLines(shell: Shell, jobIds: readonly string[]): Promise<string[]> {
  if (jobIds.length === 0) return [];
  const r = await shell.exec(`squeue -h -r -o '%i %T %r' -j ${jobIds.join(',')}`);
  return r.code === 0 ? r.stdout.split('\n').filter((l) => l.trim() !== '') : [];
}

/** Pending tasks are removed; running ones get SIGINT (checkpoint, `cancelled` summary, exit). */
export async function cancelJobs(shell: Shell, jobIds: readonly string[]): Promise<void> {
  if (jobIds.length === 0) return;
  const ids = jobIds.join(' ');
  const pending = await shell.exec(`scancel --state=PENDING ${ids}`);
  if (pending.code !== 0 && !/invalid job id|already completing or completed/i.test(pending.stderr)) throw failure(shell, 'scancel', pending);
  // The batch step is our task (the script execs it); without --batch Slurm signals only job steps.
  const running = await shell.exec(`scancel --batch --signal=INT ${ids}`);
  if (running.code !== 0 && !/invalid job id|already completing or completed|no active jobs/i.test(running.stderr)) throw failure(shell, 'scancel', running);
}
