/**
 * Running a sweep, whatever the runner, for the CLI and the app alike: start (or resume)
 * its unfinished configurations, follow them until none is open, write the results, and
 * cancel on request — from this process, or from another one that only has the folder.
 *
 * - local: a LocalSweep pool of CLI processes on this machine.
 * - slurm: one job array on this machine's Slurm, polled with squeue.
 * - slurm over SSH: the sweep folder is mirrored to the login node (./remote-sweep.ts),
 *   submitted there, polled there, and its run folders and logs copied back as they change.
 */
import { hostname } from 'node:os';
import type { SweepInfo } from '../protocol/sweeps.js';
import { LocalSweep, defaultJobs, type CliCommand } from './local-runner.js';
import { RemoteSweep } from './remote-sweep.js';
import { quote, localShell } from './shell.js';
import { activeJobs, cancelJobs, submitArray } from './slurm.js';
import { readState, readSweep, sweepInfo, unfinished, writeResults, writeState } from './sweep-folder.js';
import { listRuns } from './run-folders.js';
import { runsDirFor } from './paths.js';

export interface DriveOptions {
  /** How this machine starts the CLI: the local runner's tasks, and Slurm's default command. */
  readonly cli: CliCommand;
  /** Local runner: tasks at once (default the spec's, else the cores). */
  readonly jobs?: number;
  /** How often a Slurm sweep is polled. */
  readonly pollMs?: number;
  /** After each change seen (a task ended, a poll). */
  readonly onProgress?: (info: SweepInfo) => void;
  /** Slurm: submit and return; `done` is the state right after submitting (nothing follows the jobs). */
  readonly detach?: boolean;
}

export interface SweepHandle {
  readonly dir: string;
  /** Resolves with the final state once no configuration is open; results are written by then. */
  readonly done: Promise<SweepInfo>;
  cancel(): Promise<void>;
}

const DEFAULT_POLL_MS = 2000;

/** The CLI as a shell command line (what a local Slurm task runs). */
export function cliCommandLine(cli: CliCommand): string {
  return [cli.command, ...cli.args].map(quote).join(' ');
}

/** Starts the sweep in `dir` (a new one, or a resume: only configurations not yet done run). */
export async function driveSweep(dir: string, options: DriveOptions): Promise<SweepHandle> {
  const sweep = readSweep(dir);
  const indices = unfinished(await sweepInfo(dir));
  const { spec } = sweep;
  const progress = async () => {
    const info = await sweepInfo(dir, null);
    options.onProgress?.(info);
    return info;
  };
  const finish = async (activeJobIds: ReadonlySet<string> | null) => {
    const info = await sweepInfo(dir, activeJobIds);
    writeResults(info);
    options.onProgress?.(info);
    return info;
  };

  if (spec.runner === 'local') {
    const pool = new LocalSweep({ dir, indices, jobs: options.jobs ?? spec.jobs ?? defaultJobs(), cli: options.cli, onTaskEnd: () => void progress() });
    const done = pool.start().then(() => finish(null));
    return { dir, done, cancel: async () => pool.cancel() };
  }

  const slurm = spec.slurm ?? { setup: [] };
  if (slurm.ssh) {
    const remote = await RemoteSweep.open(dir, sweep, slurm.ssh);
    try {
      const jobId = await remote.submit(indices, slurm);
      writeState(dir, { runner: 'slurm', cancelled: false, jobs: [...(readState(dir)?.jobs ?? []), { jobId, indices, submitted: new Date().toISOString() }], remote: { host: slurm.ssh.host, dir: remote.sweepDir, hostKey: remote.shell.hostKey } });
    } catch (err) {
      await remote.close();
      throw err;
    }
    if (options.detach) {
      await remote.close();
      return { dir, done: sweepInfo(dir, null), cancel: () => cancelSweep(dir) };
    }
    const done = follow(dir, options, async () => {
      const active = await activeJobs(remote.shell, jobIdsOf(dir));
      // After the last task, once more with the checkpoints.
      await remote.pull(active.size === 0);
      return active;
    }).finally(() => remote.close());
    return { dir, done, cancel: () => cancelJobs(remote.shell, jobIdsOf(dir)).then(() => void writeState(dir, { runner: 'slurm', cancelled: true })) };
  }

  const attractor = slurm.attractor ?? cliCommandLine(options.cli);
  const jobId = await submitArray(localShell, sweep, dir, indices, slurm, attractor);
  writeState(dir, { runner: 'slurm', host: hostname(), pid: process.pid, cancelled: false, jobs: [...(readState(dir)?.jobs ?? []), { jobId, indices, submitted: new Date().toISOString() }] });
  if (options.detach) return { dir, done: sweepInfo(dir, null), cancel: () => cancelSweep(dir) };
  const done = follow(dir, options, () => activeJobs(localShell, jobIdsOf(dir)));
  return { dir, done, cancel: () => cancelSweep(dir) };
}

function jobIdsOf(dir: string): string[] {
  return (readState(dir)?.jobs ?? []).map((j) => j.jobId);
}

/** Polls until no job of the sweep is queued, reporting each time something changed. */
async function follow(dir: string, options: DriveOptions, poll: () => Promise<ReadonlySet<string>>): Promise<SweepInfo> {
  let last = '';
  for (;;) {
    const active = await poll();
    const info = await sweepInfo(dir, active);
    const key = JSON.stringify(info.counts);
    if (key !== last) {
      last = key;
      options.onProgress?.(info);
    }
    if (active.size === 0) {
      writeResults(info);
      return info;
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? DEFAULT_POLL_MS));
  }
}

/**
 * Cancels a sweep from any process that has its folder: marks it cancelled, then stops
 * what runs — SIGINT to the local tasks of this machine (their pool stops starting new
 * ones when it sees the mark), or scancel on the Slurm that has its jobs.
 */
export async function cancelSweep(dir: string): Promise<void> {
  const sweep = readSweep(dir);
  const state = readState(dir);
  const runner = state?.runner ?? sweep.spec.runner;
  writeState(dir, { runner, cancelled: true });
  if (runner === 'slurm') {
    const ssh = sweep.spec.slurm?.ssh;
    if (ssh) {
      const remote = await RemoteSweep.open(dir, sweep, ssh);
      try {
        await cancelJobs(remote.shell, jobIdsOf(dir));
      } finally {
        await remote.close();
      }
    } else await cancelJobs(localShell, jobIdsOf(dir));
    return;
  }
  const runs = await listRuns(runsDirFor(sweep.graph.file));
  for (const r of runs) {
    if (r.record.sweep?.id !== sweep.id || r.status !== 'running' || r.record.host !== hostname()) continue;
    try {
      process.kill(r.record.pid, 'SIGINT');
    } catch {
      // ended meanwhile
    }
  }
}
