/**
 * Sweeps: a graph, parameters to vary (any node parameter or training/settle setting, by
 * path) with their values, and a number of seeds, expanded into one training run per
 * combination and executed by a runner — a local worker pool, or one Slurm job array (on
 * this machine, or over SSH on a login node). A sweep folder (`NAME.sweeps/<id>/`) holds
 * its spec and configurations (sweep.json), the runner's state (state.json), one log per
 * configuration (logs/<index>.log) and the results (results.csv, results.json); the runs
 * themselves are ordinary run folders in `NAME.runs/` (engine/protocol/runs.ts).
 *
 * Plain data and Zod schemas only: the renderer builds specs with these.
 */
import { z, positiveInt } from '../../nodes/schema.js';
import type { RunStatus } from './runs.js';

export const SWEEP_FORMAT = 'attractor-sweep';
export const SWEEP_VERSION = 1;
export const SWEEP_FILE = 'sweep.json';
export const SWEEP_STATE_FILE = 'state.json';
export const RESULTS_CSV = 'results.csv';
export const RESULTS_JSON = 'results.json';

/** Most runs one sweep expands to: beyond this a typo (a range of 1e6 values) is more likely than a plan. */
export const MAX_SWEEP_RUNS = 2000;

export type SweepValue = number | string | boolean;
const sweepValue = z.union([z.number().refine(Number.isFinite, { error: 'expected a finite number' }), z.string().max(200), z.boolean()]);

/**
 * A parameter path: `training.PATH` or `settle.PATH` for the graph's sections
 * (`training.optimizer.lr`), `NODE.PATH` for a node's parameters (`W.init.gain`,
 * `hidden.shape.size`).
 */
export const paramPathSchema = z
  .string({ error: 'expected a parameter path such as training.optimizer.lr or W.init.gain' })
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+$/, { error: 'expected a parameter path such as training.optimizer.lr or W.init.gain (dot-separated names)' })
  .max(300);

export const sweepParamSchema = z.object({ path: paramPathSchema, values: z.array(sweepValue).min(1, { error: 'expected at least one value' }).max(MAX_SWEEP_RUNS) }).strict();

const text = (what: string, max = 200) => z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` }).max(max);

/** Reaching a login node over SSH (npm ssh2): the sweep folder is mirrored to `remoteDir` there and its run folders copied back. */
export const sshOptionsSchema = z
  .object({
    host: text('a host name'),
    port: z.number().int().min(1).max(65535).default(22),
    user: text('a user name', 100),
    /** A private key file on this machine (OpenSSH or PEM format). */
    key: text('a private key file', 4096),
    /** A folder on the cluster's shared file system: the graph goes there, with its sweeps and runs beside it. */
    remoteDir: text('a folder on the cluster', 4096),
    /** The login node's host key, "SHA256:…" as ssh-keygen -lf prints it; absent: trusted on first use and kept in the sweep's state. */
    hostKey: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, { error: 'expected a host key fingerprint such as SHA256:…' }).optional(),
  })
  .strict();

export const slurmOptionsSchema = z
  .object({
    partition: text('a partition').optional(),
    /** Per task, as sbatch takes it: "30", "1:00:00", "1-00:00:00". */
    time: z.string().regex(/^\d+(-\d+)?(:\d+){0,2}$/, { error: 'expected a time limit such as 30, 1:00:00 or 1-00:00:00' }).optional(),
    account: text('an account').optional(),
    /** Generic resources per task, e.g. "gpu:1". */
    gres: text('a --gres request such as gpu:1').optional(),
    cpusPerTask: positiveInt().max(1024).optional(),
    mem: z.string().regex(/^\d+[KMGT]?$/, { error: 'expected memory such as 4G' }).optional(),
    /** Most array tasks running at once (sbatch --array=…%K). */
    maxParallel: positiveInt().max(10_000).optional(),
    /** Shell lines each task runs first (module load …, source venv …). */
    setup: z.array(z.string().max(1000)).max(50).default([]),
    /** How the cluster runs the attractor CLI (default: this installation's node and bin/attractor.mjs). */
    attractor: z.string().min(1).max(1000).optional(),
    ssh: sshOptionsSchema.optional(),
  })
  .strict();

export const sweepSpecSchema = z
  .object({
    params: z.array(sweepParamSchema).max(10, { error: 'expected at most 10 parameters' }),
    /** Seeds per combination: the graph's training seed, then the next ones. */
    seeds: positiveInt().max(1000).default(1),
    runner: z.enum(['local', 'slurm'], { error: 'expected "local" or "slurm"' }).default('local'),
    /** Local runner: runs at once (default: the cores). */
    jobs: positiveInt().max(256).optional(),
    slurm: slurmOptionsSchema.optional(),
  })
  .strict()
  .refine((s) => new Set(s.params.map((p) => p.path)).size === s.params.length, { error: 'a parameter path is named twice', path: ['params'] })
  .refine((s) => sweepSize(s) <= MAX_SWEEP_RUNS, { error: `expected at most ${MAX_SWEEP_RUNS} runs in a sweep`, path: ['params'] });

export type SweepSpec = z.output<typeof sweepSpecSchema>;
export type SweepSpecInput = z.input<typeof sweepSpecSchema>;
export type SlurmOptions = z.output<typeof slurmOptionsSchema>;
export type SshOptions = z.output<typeof sshOptionsSchema>;

export function sweepSize(spec: { params: readonly { values: readonly unknown[] }[]; seeds?: number }): number {
  return spec.params.reduce((n, p) => n * p.values.length, 1) * (spec.seeds ?? 1);
}

/** One run of a sweep: the overrides and the seed. */
export interface SweepConfig {
  readonly index: number;
  readonly set: Readonly<Record<string, SweepValue>>;
  readonly seed: number;
}

/** sweep.json */
export interface SweepFile {
  readonly format: typeof SWEEP_FORMAT;
  readonly version: typeof SWEEP_VERSION;
  readonly id: string;
  readonly graph: { readonly file: string; readonly name: string };
  readonly created: string;
  readonly spec: SweepSpec;
  readonly configs: readonly SweepConfig[];
}

/** state.json: what the runner did. */
export interface SweepState {
  readonly runner: 'local' | 'slurm';
  /** Local: the process that runs the pool (a CLI, or the app's services). */
  readonly host: string;
  readonly pid: number;
  readonly updated: string;
  readonly cancelled: boolean;
  /** Slurm: the job arrays submitted, newest last (a resume submits another). */
  readonly jobs: readonly { readonly jobId: string; readonly indices: readonly number[]; readonly submitted: string }[];
  /** Slurm over SSH: where the sweep folder is on the cluster, and the host key seen first. */
  readonly remote?: { readonly host: string; readonly dir: string; readonly hostKey: string };
}

/** Where a configuration stands: its newest run's status, or pending (not started yet). */
export type ConfigStatus = RunStatus | 'pending';

export interface SweepRow {
  readonly index: number;
  readonly set: Readonly<Record<string, SweepValue>>;
  readonly seed: number;
  readonly status: ConfigStatus;
  /** The newest run of this configuration (a resumed one has its predecessors as parents). */
  readonly runId: string | null;
  readonly heldOutLoss: number | null;
  readonly lastLoss: number | null;
  readonly accuracy: number | null;
  readonly steps: number | null;
  readonly ms: number | null;
}

export type SweepStatus = 'running' | 'done' | 'cancelled' | 'failed' | 'interrupted';

export interface SweepInfo {
  readonly id: string;
  readonly dir: string;
  readonly created: string;
  readonly graph: SweepFile['graph'];
  readonly spec: SweepSpec;
  readonly status: SweepStatus;
  readonly counts: Readonly<Record<ConfigStatus, number>>;
  readonly rows: readonly SweepRow[];
  /** The row with the lowest held-out loss among those done. */
  readonly best: number | null;
  readonly state: SweepState | null;
}

/**
 * The values of a `--set PATH=…` as typed: `v1,v2,…` (numbers, true/false, else text),
 * or a range `lo:hi:n` (n evenly spaced values, ends included) or `lo:hi:n:log`
 * (geometric). Throws with what was wrong.
 */
export function parseSweepValues(raw: string): SweepValue[] {
  const range = /^([^:,]+):([^:,]+):(\d+)(?::(log))?$/.exec(raw.trim());
  if (range) {
    const [lo, hi, n] = [Number(range[1]), Number(range[2]), Number(range[3])];
    const log = range[4] === 'log';
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`"${raw}": a range needs numbers at both ends (lo:hi:n)`);
    if (n < 1 || n > MAX_SWEEP_RUNS) throw new Error(`"${raw}": a range needs 1 to ${MAX_SWEEP_RUNS} values`);
    if (log && (lo <= 0 || hi <= 0)) throw new Error(`"${raw}": a log range needs both ends > 0`);
    return Array.from({ length: n }, (_, i) => {
      const f = n === 1 ? 0 : i / (n - 1);
      const v = log ? Math.exp(Math.log(lo) + f * (Math.log(hi) - Math.log(lo))) : lo + f * (hi - lo);
      return Number(v.toPrecision(12));
    });
  }
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new Error(`"${raw}": expected values separated by commas (v1,v2,…) or a range lo:hi:n`);
  return parts.map((p) => {
    if (p === 'true' || p === 'false') return p === 'true';
    const n = Number(p);
    return Number.isFinite(n) ? n : p;
  });
}

/** The configurations of a spec: every combination of the values (the first parameter varies slowest), times the seeds. */
export function expandSweep(spec: Pick<SweepSpec, 'params' | 'seeds'>, baseSeed: number): SweepConfig[] {
  let combos: Record<string, SweepValue>[] = [{}];
  for (const p of spec.params) combos = combos.flatMap((c) => p.values.map((v) => ({ ...c, [p.path]: v })));
  const out: SweepConfig[] = [];
  for (const set of combos) for (let s = 0; s < spec.seeds; s++) out.push({ index: out.length, set, seed: baseSeed + s });
  return out;
}

/** CSV: one row per configuration, the parameters as columns (results.csv, and the Sweep view's export). */
export function resultsCsv(info: SweepInfo): string {
  const paths = info.spec.params.map((p) => p.path);
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const head = ['index', 'seed', ...paths, 'status', 'held_out_loss', 'last_loss', 'accuracy', 'batches', 'ms', 'best', 'run'];
  const lines = info.rows.map((r) =>
    [r.index, r.seed, ...paths.map((p) => r.set[p]), r.status, r.heldOutLoss, r.lastLoss, r.accuracy, r.steps, r.ms, r.index === info.best ? 1 : 0, r.runId].map(cell).join(','),
  );
  return `${[head.join(','), ...lines].join('\n')}\n`;
}

/** results.json */
export function resultsJson(info: SweepInfo): string {
  const { rows, best, status, counts, id, spec } = info;
  return `${JSON.stringify({ id, status, counts, best, params: spec.params.map((p) => p.path), rows }, null, 2)}\n`;
}
