/**
 * A sweep's folder (`NAME.sweeps/<id>/`, engine/protocol/sweeps.ts): creating it from a
 * spec — every configuration checked against the graph first, so a bad path or value is
 * refused before a single run starts — and reading back where each configuration
 * stands, from the run folders its tasks wrote, whichever runner ran them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { GraphDoc } from '../../nodes/graph.js';
import type { RunInfo } from '../protocol/runs.js';
import {
  RESULTS_CSV,
  RESULTS_JSON,
  SWEEP_FILE,
  SWEEP_FORMAT,
  SWEEP_STATE_FILE,
  SWEEP_VERSION,
  expandSweep,
  resultsCsv,
  resultsJson,
  sweepSpecSchema,
  type ConfigStatus,
  type SweepFile,
  type SweepInfo,
  type SweepRow,
  type SweepSpecInput,
  type SweepState,
  type SweepStatus,
} from '../protocol/sweeps.js';
import { applyOverrides, OverrideError } from './overrides.js';
import { isSafeId, newSweepId, runsDirFor, sweepsDirFor } from './paths.js';
import { listRuns } from './run-folders.js';

export class SweepError extends Error {
  override name = 'SweepError';
}

export function logsDir(sweepDir: string): string {
  return join(sweepDir, 'logs');
}

export function logFile(sweepDir: string, index: number): string {
  return join(logsDir(sweepDir), `${index}.log`);
}

/**
 * Validates `spec`, expands it and checks every configuration against the graph; writes
 * sweep.json in a new folder. `graph` is the graph file's document as loaded.
 */
export function createSweep(graphFile: string, graph: GraphDoc, input: SweepSpecInput, id = newSweepId()): { dir: string; sweep: SweepFile } {
  const parsed = sweepSpecSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SweepError(`sweep: ${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid'}`);
  }
  const spec = parsed.data;
  const configs = expandSweep(spec, graph.training.seed);
  // One check per distinct setting (the seeds do not change the graph).
  const seen = new Set<string>();
  for (const c of configs) {
    const key = JSON.stringify(c.set);
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      applyOverrides(graph, c.set, graphFile);
    } catch (err) {
      if (err instanceof OverrideError) throw new SweepError(`sweep: ${err.message}`);
      throw err;
    }
  }
  const sweep: SweepFile = {
    format: SWEEP_FORMAT,
    version: SWEEP_VERSION,
    id,
    graph: { file: resolve(graphFile), name: graph.name },
    created: new Date().toISOString(),
    spec,
    configs,
  };
  const dir = join(sweepsDirFor(resolve(graphFile)), id);
  mkdirSync(logsDir(dir), { recursive: true });
  writeFileSync(join(dir, SWEEP_FILE), `${JSON.stringify(sweep, null, 2)}\n`);
  return { dir, sweep };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function readSweep(dir: string): SweepFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(dir, SWEEP_FILE), 'utf8'));
  } catch (err) {
    throw new SweepError(`no sweep in ${dir}: ${(err as Error).message}`);
  }
  if (!isObject(json) || json.format !== SWEEP_FORMAT || !Array.isArray(json.configs) || !isObject(json.graph)) throw new SweepError(`${join(dir, SWEEP_FILE)} is not a sweep file`);
  return json as unknown as SweepFile;
}

export function readState(dir: string): SweepState | null {
  try {
    const json = JSON.parse(readFileSync(join(dir, SWEEP_STATE_FILE), 'utf8')) as unknown;
    return isObject(json) && typeof json.runner === 'string' ? (json as unknown as SweepState) : null;
  } catch {
    return null;
  }
}

export function writeState(dir: string, change: Partial<SweepState> & Pick<SweepState, 'runner'>): SweepState {
  const old = readState(dir);
  const state: SweepState = { host: hostname(), pid: process.pid, cancelled: false, jobs: [], ...old, ...change, updated: new Date().toISOString() };
  writeFileSync(join(dir, SWEEP_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

/** The sweep folder of `id` for a graph; refuses ids that are not plain names. */
export function sweepDir(graphFile: string, id: string): string {
  if (!isSafeId(id)) throw new SweepError(`"${id}" is not a sweep id`);
  const dir = join(sweepsDirFor(resolve(graphFile)), id);
  if (!existsSync(join(dir, SWEEP_FILE))) throw new SweepError(`no sweep "${id}" for ${graphFile} (in ${sweepsDirFor(graphFile)})`);
  return dir;
}

/** The runs of a sweep by configuration, newest first within each. */
export function runsByConfig(runs: readonly RunInfo[], sweepId: string): Map<number, RunInfo[]> {
  const out = new Map<number, RunInfo[]>();
  for (const r of runs) {
    const s = r.record.sweep;
    if (!s || s.id !== sweepId) continue;
    out.set(s.index, [...(out.get(s.index) ?? []), r]);
  }
  return out;
}

function processAlive(host: string, pid: number): boolean {
  if (host !== hostname()) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Where the sweep stands. `activeJobs`: the Slurm jobs still queued or running (from
 * squeue), or null when that is not known; a run on another machine whose job has left
 * the queue without a summary was interrupted.
 */
export async function sweepInfo(dir: string, activeJobs: ReadonlySet<string> | null = null): Promise<SweepInfo> {
  const sweep = readSweep(dir);
  const state = readState(dir);
  const runs = await listRuns(runsDirFor(sweep.graph.file));
  const byConfig = runsByConfig(runs, sweep.id);
  const slurmActive = state?.runner === 'slurm' && activeJobs !== null ? state.jobs.some((j) => activeJobs.has(j.jobId)) : null;
  const rows: SweepRow[] = sweep.configs.map((c) => {
    const newest = byConfig.get(c.index)?.[0];
    let status: ConfigStatus = newest ? newest.status : 'pending';
    if (status === 'running' && slurmActive === false) status = 'interrupted';
    const t = newest?.summary?.train;
    return {
      index: c.index,
      set: c.set,
      seed: c.seed,
      status,
      runId: newest?.record.id ?? null,
      heldOutLoss: t?.heldOutLoss ?? null,
      lastLoss: t?.lastLoss ?? null,
      accuracy: t?.accuracy ?? null,
      steps: t?.steps ?? null,
      ms: newest?.summary?.ms ?? null,
    };
  });
  const counts = { pending: 0, running: 0, done: 0, cancelled: 0, stopped: 0, failed: 0, interrupted: 0 } satisfies Record<ConfigStatus, number>;
  for (const r of rows) counts[r.status]++;
  let best: number | null = null;
  for (const r of rows) if (r.status === 'done' && r.heldOutLoss !== null && (best === null || r.heldOutLoss < rows[best].heldOutLoss!)) best = r.index;
  const managerAlive = state ? (state.runner === 'local' ? processAlive(state.host, state.pid) : slurmActive !== false) : false;
  const open = counts.pending + counts.running > 0;
  let status: SweepStatus;
  if (!open) status = counts.done + counts.stopped === rows.length ? 'done' : state?.cancelled ? 'cancelled' : counts.failed + counts.stopped > 0 ? 'failed' : counts.cancelled > 0 ? 'cancelled' : 'interrupted';
  else if (state?.cancelled && !(counts.running > 0 && managerAlive)) status = 'cancelled';
  else status = managerAlive ? 'running' : 'interrupted';
  return { id: sweep.id, dir, created: sweep.created, graph: sweep.graph, spec: sweep.spec, status, counts, rows, best, state };
}

/** Every sweep of a graph, newest first. */
export async function listSweeps(graphFile: string, activeJobs: ReadonlySet<string> | null = null): Promise<SweepInfo[]> {
  const root = sweepsDirFor(resolve(graphFile));
  const names = (await readdir(root).catch(() => [] as string[])).filter((n) => isSafeId(n) && existsSync(join(root, n, SWEEP_FILE)));
  const infos = await Promise.all(names.map((n) => sweepInfo(join(root, n), activeJobs).catch(() => null)));
  return infos.filter((i): i is SweepInfo => i !== null).sort((a, b) => b.created.localeCompare(a.created));
}

/** results.csv and results.json in the sweep folder. */
export function writeResults(info: SweepInfo): void {
  writeFileSync(join(info.dir, RESULTS_CSV), resultsCsv(info));
  writeFileSync(join(info.dir, RESULTS_JSON), resultsJson(info));
}

/**
 * Configurations still to run: a cancelled, failed or interrupted one runs again (from its
 * checkpoint where it has one); done ones and those stopped by a loss that is not finite
 * (it would diverge again) do not.
 */
export function unfinished(info: SweepInfo): number[] {
  return info.rows.filter((r) => r.status !== 'done' && r.status !== 'stopped' && r.status !== 'running').map((r) => r.index);
}
