/**
 * `attractor sweep`: vary graph parameters over values and seeds, one training run per
 * combination, run by a local worker pool or a Slurm job array (here, or over SSH on a
 * login node); cancel with Ctrl-C (or --cancel ID from elsewhere), continue with
 * --resume ID. `--task DIR` is what each of the sweep's processes runs (a pool's child, a
 * Slurm array task): one configuration, trained and recorded.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MANIFEST_FILE } from '../../train/checkpoint.js';
import { loadGraph } from '../../run/open.js';
import { RUN_CHECKPOINT_DIR } from '../../protocol/runs.js';
import { parseSweepValues, sweepSize, type SweepInfo, type SweepSpecInput } from '../../protocol/sweeps.js';
import { assignment, OverrideError, splitAssignment } from '../../experiments/overrides.js';
import { runsDirFor, sweepRunId } from '../../experiments/paths.js';
import { listRuns } from '../../experiments/run-folders.js';
import { selfCli } from '../../experiments/local-runner.js';
import { SlurmError } from '../../experiments/slurm.js';
import { SshError } from '../../experiments/ssh-shell.js';
import { cancelSweep, driveSweep } from '../../experiments/sweep-driver.js';
import { createSweep, readState, readSweep, runsByConfig, sweepDir, SweepError } from '../../experiments/sweep-folder.js';
import { intOption, onePositional, parse, type Options } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import { fileSource } from '../open.js';
import type { Interrupts } from '../interrupt.js';
import type { Io } from '../io.js';
import { trainCommand } from './train.js';
import { sweepTable } from '../sweep-report.js';

const USAGE = [
  'attractor sweep FILE --set PATH=V1,V2,… [--set …] [--seeds N] [--runner local|slurm] [--jobs N] [--json]',
  '        Slurm: [--partition P] [--time T] [--account A] [--gres G] [--cpus-per-task N] [--mem M] [--max-parallel K]',
  '               [--setup CMD …] [--attractor CMD] [--ssh USER@HOST[:PORT] --key FILE --remote-dir DIR] [--detach]',
  '       attractor sweep FILE --resume ID [--jobs N] [--detach] | --cancel ID',
  '  values: v1,v2,… or a range lo:hi:n (lo:hi:n:log for geometric steps); paths: training.optimizer.lr, settle.steps, NODE.param',
].join('\n');

const OPTIONS: Options = {
  set: { type: 'string', multiple: true },
  setup: { type: 'string', multiple: true },
  ...Object.fromEntries(
    ['seeds', 'runner', 'jobs', 'partition', 'time', 'account', 'gres', 'cpus-per-task', 'mem', 'max-parallel', 'attractor', 'ssh', 'key', 'remote-dir', 'resume', 'cancel', 'task', 'index', 'workers'].map((n) => [
      n,
      { type: 'string' as const },
    ]),
  ),
  json: { type: 'boolean' },
  detach: { type: 'boolean' },
};

export interface SweepDeps {
  readonly interrupts?: Interrupts;
}

export async function sweepCommand(argv: string[], io: Io, deps: SweepDeps = {}): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, USAGE);
  try {
    if (typeof values.task === 'string') return await taskCommand(values.task, values, io);
    const file = onePositional(positionals, 'graph file', USAGE);
    if (typeof values.cancel === 'string') {
      await cancelSweep(sweepDir(file, values.cancel));
      io.out(`sweep ${values.cancel}: cancelled (its runs checkpoint and stop; continue with --resume ${values.cancel})`);
      return EXIT.ok;
    }
    const dir = typeof values.resume === 'string' ? sweepDir(file, values.resume) : await create(file, values);
    return await drive(dir, values, io, deps);
  } catch (err) {
    // Said in the user's terms (a path, a value, a host, a Slurm that answered no): not an engine bug.
    if (err instanceof SweepError || err instanceof OverrideError || err instanceof SshError || err instanceof SlurmError) throw new InputError(err.message);
    throw err;
  }
}

function text(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** USER@HOST[:PORT] */
function sshTarget(raw: string): { user: string; host: string; port: number } {
  const m = /^([^@\s]+)@([^:\s]+)(?::(\d+))?$/.exec(raw);
  if (!m) throw new InputError(`--ssh: expected USER@HOST or USER@HOST:PORT, got ${JSON.stringify(raw)}`);
  return { user: m[1], host: m[2], port: m[3] ? Number(m[3]) : 22 };
}

function specFrom(values: Record<string, unknown>): SweepSpecInput {
  const sets = (values.set as string[] | undefined) ?? [];
  if (sets.length === 0) throw new InputError(`give at least one --set PATH=V1,V2,…\nusage: ${USAGE}`);
  const params = sets.map((s) => {
    const { path, raw } = splitAssignment(s);
    try {
      return { path, values: parseSweepValues(raw) };
    } catch (err) {
      throw new InputError(`--set ${path}: ${(err as Error).message}`);
    }
  });
  const runner = text(values, 'runner') ?? 'local';
  if (runner !== 'local' && runner !== 'slurm') throw new InputError(`--runner: expected local or slurm, got ${JSON.stringify(runner)}`);
  const ssh = text(values, 'ssh');
  if (ssh && runner !== 'slurm') throw new InputError('--ssh: the SSH path submits to Slurm; add --runner slurm');
  if (ssh && (!text(values, 'key') || !text(values, 'remote-dir'))) throw new InputError('--ssh needs --key FILE (a private key) and --remote-dir DIR (a folder on the cluster)');
  const slurm =
    runner === 'slurm'
      ? {
          partition: text(values, 'partition'),
          time: text(values, 'time'),
          account: text(values, 'account'),
          gres: text(values, 'gres'),
          cpusPerTask: intOption(values, 'cpus-per-task', 1),
          mem: text(values, 'mem'),
          maxParallel: intOption(values, 'max-parallel', 1),
          setup: (values.setup as string[] | undefined) ?? [],
          attractor: text(values, 'attractor'),
          ...(ssh ? { ssh: { ...sshTarget(ssh), key: resolve(text(values, 'key')!), remoteDir: text(values, 'remote-dir')! } } : {}),
        }
      : undefined;
  return { params, seeds: intOption(values, 'seeds', 1) ?? 1, runner, jobs: intOption(values, 'jobs', 1), ...(slurm ? { slurm } : {}) };
}

async function create(file: string, values: Record<string, unknown>): Promise<string> {
  const spec = specFrom(values);
  const loaded = await loadGraph(fileSource(file));
  if (loaded.graphPath === null) throw new InputError(`${file}: a sweep needs a graph file`);
  const { dir } = createSweep(file, loaded.graph, spec);
  return dir;
}

async function drive(dir: string, values: Record<string, unknown>, io: Io, deps: SweepDeps): Promise<number> {
  const sweep = readSweep(dir);
  const json = Boolean(values.json);
  const total = sweep.configs.length;
  const say = (line: string) => (json ? undefined : io.out(line));
  say(`sweep ${sweep.id}: ${total} run${total === 1 ? '' : 's'} (${sweep.spec.params.map((p) => `${p.path} × ${p.values.length}`).join(', ')}${sweep.spec.seeds > 1 ? `, ${sweep.spec.seeds} seeds` : ''}), ${sweep.spec.runner} runner; folder ${dir}`);
  if (sweepSize(sweep.spec) !== total) throw new SweepError(`${dir}: the sweep file's configurations do not match its spec`);
  let lastLine = '';
  const handle = await driveSweep(dir, {
    cli: selfCli(),
    jobs: intOption(values, 'jobs', 1),
    detach: Boolean(values.detach),
    onProgress: (info) => {
      const line = progressLine(info);
      if (line !== lastLine) say((lastLine = line));
    },
  });
  if (sweep.spec.runner === 'slurm') {
    const jobs = readState(dir)?.jobs ?? [];
    say(`submitted job array ${jobs.at(-1)?.jobId ?? '?'} (cancel: attractor sweep FILE --cancel ${sweep.id})`);
    if (values.detach) return EXIT.ok;
  }
  let interrupted = false;
  const release = deps.interrupts?.(() => {
    interrupted = true;
    void handle.cancel();
  }, 'batch');
  try {
    const info = await handle.done;
    if (json) io.out(JSON.stringify({ id: info.id, dir: info.dir, status: info.status, counts: info.counts, best: info.best, rows: info.rows }));
    else sweepTable(info).forEach((l) => io.out(l));
    if (interrupted || info.status === 'cancelled') {
      io.err(`sweep ${info.id} cancelled: continue it with attractor sweep FILE --resume ${info.id}`);
      return EXIT.interrupted;
    }
    return info.status === 'done' ? EXIT.ok : EXIT.failure;
  } finally {
    release?.();
  }
}

function progressLine(info: SweepInfo): string {
  const c = info.counts;
  const parts = [`${c.done}/${info.rows.length} done`, `${c.running} running`];
  for (const k of ['pending', 'cancelled', 'stopped', 'failed', 'interrupted'] as const) if (c[k] > 0) parts.push(`${c[k]} ${k}`);
  return `  ${parts.join(', ')}`;
}

/** SIGINT (a pool's cancel, Ctrl-C) and SIGTERM (Slurm's time limit, scancel) both stop the run at its next batch. */
const stopSignals: Interrupts = (stop) => {
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
};

/**
 * One configuration of a sweep, as its task: trained with its overrides and seed, its
 * checkpoints in its own run folder; a configuration cancelled before continues from its
 * checkpoint as a new run whose parent is the cancelled one.
 */
async function taskCommand(dir: string, values: Record<string, unknown>, io: Io): Promise<number> {
  const sweep = readSweep(dir);
  const index = intOption(values, 'index', 0) ?? intOption({ index: process.env.SLURM_ARRAY_TASK_ID }, 'index', 0);
  if (index === undefined) throw new InputError('--task: which configuration? give --index N (Slurm sets SLURM_ARRAY_TASK_ID)');
  const config = sweep.configs[index];
  if (!config) throw new InputError(`--index ${index}: the sweep has configurations 0 to ${sweep.configs.length - 1}`);
  const runsDir = runsDirFor(sweep.graph.file);
  const earlier = runsByConfig(await listRuns(runsDir), sweep.id).get(index) ?? [];
  const newest = earlier[0];
  if (newest && (newest.status === 'done' || newest.status === 'stopped')) {
    io.out(`sweep ${sweep.id} configuration ${index}: already ${newest.status} (run ${newest.record.id})`);
    return EXIT.ok;
  }
  const id = sweepRunId(sweep.id, index, earlier.length);
  const from = newest ? join(newest.dir, RUN_CHECKPOINT_DIR) : null;
  const resume = from && existsSync(join(from, MANIFEST_FILE)) ? ['--resume-from', from] : [];
  const workers = typeof values.workers === 'string' ? values.workers : '0';
  const argv = [sweep.graph.file, ...Object.entries(config.set).flatMap(([p, v]) => ['--set', assignment(p, v)]), '--seed', String(config.seed), '--out', join(runsDir, id, RUN_CHECKPOINT_DIR), '--workers', workers, '--json', ...resume];
  // The task exists to leave a record, whatever the environment that started it says.
  process.env.ATTRACTOR_RUNS = 'on';
  io.out(`sweep ${sweep.id} configuration ${index} (${Object.keys(config.set).length > 0 ? Object.entries(config.set).map(([p, v]) => assignment(p, v)).join(' ') : 'defaults'}, seed ${config.seed}): run ${id}${resume.length > 0 ? `, continuing ${newest!.record.id}` : ''}`);
  return trainCommand(argv, io, { interrupts: stopSignals, record: { origin: 'sweep', id, sweep: { id: sweep.id, index }, set: config.set } });
}
