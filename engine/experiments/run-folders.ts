/**
 * Reading run folders back (engine/protocol/runs.ts): the runs of a graph with their
 * status, one run's curves with its history through the runs it resumed, and the
 * settings of several runs side by side. Whatever wrote them (the CLI, the app, a local
 * sweep, a Slurm job), they read the same way. A folder that is not a run, or a torn
 * last line of a metrics file (a run killed mid-write), is skipped, never an error.
 */
import { processAlive } from '../format/temp-files.js';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  METRICS_FILE,
  RUN_FILE,
  RUN_FORMAT,
  SUMMARY_FILE,
  type MetricLine,
  type RunCurves,
  type RunInfo,
  type RunRecord,
  type RunStatus,
  type RunSummary,
  type SettingsTable,
} from '../protocol/runs.js';
import { isSafeId } from './paths.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function parseRecord(text: string): RunRecord | null {
  try {
    const json = JSON.parse(text) as unknown;
    if (!isRecord(json) || json.format !== RUN_FORMAT || typeof json.id !== 'string' || typeof json.kind !== 'string' || !isRecord(json.graph)) return null;
    return json as unknown as RunRecord;
  } catch {
    return null;
  }
}

/** run.json of `dir`, or null when it is not a run folder. */
export function readRecord(dir: string): RunRecord | null {
  try {
    return parseRecord(readFileSync(join(dir, RUN_FILE), 'utf8'));
  } catch {
    return null;
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** A run without a summary runs while its process lives; one on another machine is taken to run (a sweep knows better). */
export function statusOf(record: RunRecord, summary: RunSummary | null): RunStatus {
  if (summary) return summary.status;
  if (record.host !== hostname()) return 'running';
  return processAlive(record.pid) ? 'running' : 'interrupted';
}

export async function readRun(dir: string): Promise<RunInfo | null> {
  const text = await readFile(join(dir, RUN_FILE), 'utf8').catch(() => null);
  const record = text === null ? null : parseRecord(text);
  if (!record) return null;
  const raw = await readJson(join(dir, SUMMARY_FILE));
  const summary = isRecord(raw) && typeof raw.status === 'string' ? (raw as unknown as RunSummary) : null;
  return { dir, record, summary, status: statusOf(record, summary) };
}

/** Every run in a runs folder, newest first. */
export async function listRuns(runsDir: string): Promise<RunInfo[]> {
  const names = await readdir(runsDir).catch(() => [] as string[]);
  const runs = await Promise.all(names.filter(isSafeId).map((name) => readRun(join(runsDir, name))));
  return runs.filter((r): r is RunInfo => r !== null).sort((a, b) => b.record.started.localeCompare(a.record.started) || b.record.id.localeCompare(a.record.id));
}

/** The lines of a metrics file; a torn or foreign line is skipped. */
export async function readMetrics(dir: string): Promise<MetricLine[]> {
  const text = await readFile(join(dir, METRICS_FILE), 'utf8').catch(() => '');
  const out: MetricLine[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (isRecord(v) && typeof v.type === 'string') out.push(v as unknown as MetricLine);
    } catch {
      // a line cut short by a killed process
    }
  }
  return out;
}

/** Most parents followed: a chain longer than this is a loop in hand-edited records. */
const MAX_CHAIN = 100;

/**
 * The curves of run `id`: its parents' lines up to the batch it resumed from, then its
 * own, so a resumed run's loss history goes back to the first batch.
 */
export async function readCurves(runsDir: string, id: string): Promise<RunCurves | null> {
  if (!isSafeId(id)) return null;
  const own = readRecord(join(runsDir, id));
  if (!own) return null;
  const chain: { record: RunRecord; upTo: number }[] = [{ record: own, upTo: Infinity }];
  for (let r = own; r.parent && chain.length < MAX_CHAIN; ) {
    const parent = isSafeId(r.parent.run) ? readRecord(join(runsDir, r.parent.run)) : null;
    if (!parent || chain.some((c) => c.record.id === parent.id)) break;
    chain.unshift({ record: parent, upTo: r.parent.step });
    r = parent;
  }
  const curves: RunCurves = { id, steps: [], loss: [], meanTStar: [], evalSteps: [], heldOutLoss: [], evalTStar: [], iters: [], energy: [], chain: chain.map((c) => c.record.id) };
  for (const { record, upTo } of chain) {
    for (const m of await readMetrics(join(runsDir, record.id))) {
      if (m.type === 'train.batch' && m.step <= upTo) {
        curves.steps.push(m.step);
        curves.loss.push(m.loss);
        curves.meanTStar.push(m.meanTStar);
      } else if (m.type === 'train.eval' && m.step <= upTo) {
        curves.evalSteps.push(m.step);
        curves.heldOutLoss.push(m.heldOutLoss);
        curves.evalTStar.push(m.meanTStar);
      } else if (m.type === 'settle.iteration') {
        curves.iters.push(m.iter);
        curves.energy.push(m.energy.length > 0 ? m.energy.reduce((a, b) => a + b, 0) / m.energy.length : NaN);
      }
    }
  }
  return curves;
}

/** `{a: {b: 1}}` → `[["a.b", 1]]`; arrays are values, not branches. */
export function flatten(value: unknown, prefix = '', out: [string, unknown][] = []): [string, unknown][] {
  if (isRecord(value)) {
    for (const key of Object.keys(value).sort()) flatten(value[key], prefix ? `${prefix}.${key}` : key, out);
  } else out.push([prefix, value]);
  return out;
}

/** What a run's settings are, flattened: its settings, its overrides, backend and seed. */
function settingsOf(record: RunRecord): Map<string, unknown> {
  const map = new Map(flatten(record.settings));
  for (const [path, value] of Object.entries(record.set)) map.set(`set.${path}`, value);
  map.set('backend', record.backend.name);
  map.set('seed', record.seed);
  map.set('kind', record.kind);
  return map;
}

/** Settings side by side; rows that differ first. */
export function settingsTable(records: readonly RunRecord[]): SettingsTable {
  const maps = records.map(settingsOf);
  const paths = [...new Set(maps.flatMap((m) => [...m.keys()]))];
  const rows = paths.map((path) => {
    const values = maps.map((m) => (m.has(path) ? m.get(path) : null));
    const first = JSON.stringify(values[0]);
    return { path, values, differs: values.some((v) => JSON.stringify(v) !== first) };
  });
  rows.sort((a, b) => Number(b.differs) - Number(a.differs) || a.path.localeCompare(b.path));
  return { runs: records.map((r) => r.id), rows };
}

export function hasRuns(runsDir: string): boolean {
  return existsSync(runsDir);
}
