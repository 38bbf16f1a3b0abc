/**
 * Writing a run folder (engine/protocol/runs.ts) while a run happens. The run driver
 * (engine/run/) makes a RunRecorder when its caller asks for a record, tees its events
 * into it, and finishes it however the run ends; the CLI and the run-protocol server only
 * say where records go. The folder appears with `run.started`, so input refused before
 * a run begins leaves nothing behind.
 *
 * Writing a record never stops a run: a folder that cannot be written is reported once
 * (`warn`) and the run goes on unrecorded.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunEvent } from '../protocol/run.js';
import {
  METRICS_FILE,
  RUN_CHECKPOINT_DIR,
  RUN_FILE,
  RUN_FORMAT,
  RUN_VERSION,
  SNAPSHOT_FILE,
  SUMMARY_FILE,
  type EndStatus,
  type EvalResult,
  type MetricLine,
  type RunKind,
  type RunOrigin,
  type RunRecord,
  type RunSummary,
  type SettleResult,
  type TrainResult,
} from '../protocol/runs.js';
import { writeFileAtomic } from '../format/save.js';
import { newRunId, runsDirFor } from './paths.js';
import { readRecord } from './run-folders.js';

/** Where records go and what to note in them: decided by whoever starts the run. */
export interface RecordOptions {
  /** The graph's runs folder (`NAME.runs`). */
  readonly runsDir: string;
  readonly origin: RunOrigin;
  /** A chosen id (a sweep's task); default a new one. */
  readonly id?: string;
  readonly sweep?: { readonly id: string; readonly index: number };
  readonly set?: Readonly<Record<string, unknown>>;
  readonly command?: readonly string[];
  /** A record that cannot be written is said here, once. */
  readonly warn?: (message: string) => void;
}

/** What the run driver knows before the run starts. */
export interface RecordStart {
  readonly kind: RunKind;
  readonly graphFile: string;
  /** The document that runs (overrides applied): the folder's snapshot. */
  readonly graph: { readonly name: string };
  readonly seed: number;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly checkpointDir?: string;
}

/** Off switch for places that run the engine on shared files (the test suites): ATTRACTOR_RUNS=off. */
export function recordsDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ATTRACTOR_RUNS === 'off';
}

export class RunRecorder {
  readonly id: string;
  readonly dir: string;
  private began = performance.now();
  private opened = false;
  private broken = false;
  private finished = false;
  private readonly train = { steps: 0, startStep: 0, lastLoss: null as number | null, tossed: 0, cycle2: 0, unsettled: 0 };
  private lastEval: Extract<MetricLine, { type: 'train.eval' }> | null = null;
  private settle: { iterations: number; examples: number; converged: number; cycling: number; energy: number[]; rises: number } | null = null;

  constructor(
    private readonly options: RecordOptions,
    private readonly start: RecordStart,
  ) {
    this.id = options.id ?? newRunId(start.kind);
    this.dir = join(options.runsDir, this.id);
  }

  /** The checkpoint folder a train run should write to when it has none of its own choosing. */
  get checkpointDir(): string {
    return join(this.dir, RUN_CHECKPOINT_DIR);
  }

  /** Tees `emit`: every event goes on to it, and into the record. */
  wrap(emit: (ev: RunEvent) => void): (ev: RunEvent) => void {
    return (ev) => {
      this.take(ev);
      emit(ev);
    };
  }

  take(ev: RunEvent): void {
    const t = Math.round(performance.now() - this.began);
    switch (ev.type) {
      case 'run.started': {
        const totals = ev.totals;
        const resumedFrom = 'resumedFrom' in totals ? totals.resumedFrom : null;
        const startStep = 'startStep' in totals ? totals.startStep : 0;
        this.train.startStep = startStep;
        this.train.steps = startStep;
        if ('examples' in totals) this.settle = { iterations: 0, examples: totals.examples.length, converged: 0, cycling: 0, energy: [], rises: 0 };
        this.begin({ name: ev.backend.name, detail: ev.backend.detail }, resumedFrom, startStep);
        return;
      }
      case 'train.batch':
        Object.assign(this.train, { steps: ev.step, lastLoss: ev.loss });
        this.train.tossed += ev.tossed;
        this.train.cycle2 += ev.cycle2;
        this.train.unsettled += ev.unsettled;
        return this.append({ type: ev.type, t, step: ev.step, epoch: ev.epoch, loss: ev.loss, meanTStar: ev.meanTStar, unsettled: ev.unsettled, tossed: ev.tossed, cycle2: ev.cycle2, ms: Math.round(ev.ms) });
      case 'train.eval':
        this.lastEval = { type: ev.type, t, step: ev.step, heldOutLoss: ev.heldOutLoss, accuracy: ev.accuracy, meanTStar: ev.meanTStar, cycle2: ev.cycle2, examples: ev.examples };
        return this.append(this.lastEval);
      case 'train.checkpoint':
        return this.append({ type: ev.type, t, step: ev.step, dir: ev.dir });
      case 'settle.iteration':
        if (this.settle) Object.assign(this.settle, { iterations: ev.iter, converged: ev.converged, cycling: ev.cycling, energy: ev.energy });
        return this.append({ type: ev.type, t, iter: ev.iter, energy: ev.energy, maxChange: ev.maxChange, converged: ev.converged, cycling: ev.cycling });
      case 'settle.done':
        if (this.settle) this.settle.rises = ev.energyRises.length;
        return;
      case 'run.paused':
      case 'run.resumed':
        return this.append({ type: ev.type, t, at: ev.at });
      default:
        return;
    }
  }

  /**
   * Creates the folder: run.json, the graph snapshot, an empty metrics file. Called by
   * `run.started`, or directly by runs that send no events (eval).
   */
  begin(backend: RunRecord['backend'], resumedFrom: string | null = null, startStep = 0, snapshot?: unknown): void {
    if (this.opened || this.broken) return;
    this.began = performance.now();
    const { options, start } = this;
    const parent = resumedFrom ? findParent(options.runsDir, resumedFrom, startStep) : undefined;
    const jobId = process.env.SLURM_ARRAY_JOB_ID ?? process.env.SLURM_JOB_ID;
    const record: RunRecord = {
      format: RUN_FORMAT,
      version: RUN_VERSION,
      id: this.id,
      kind: start.kind,
      origin: options.origin,
      graph: { file: resolve(start.graphFile), name: start.graph.name },
      started: new Date().toISOString(),
      host: hostname(),
      pid: process.pid,
      backend,
      seed: start.seed,
      settings: start.settings,
      set: options.set ?? {},
      ...(options.command ? { command: options.command } : {}),
      ...(options.sweep ? { sweep: options.sweep } : {}),
      ...(parent ? { parent: { run: parent, step: startStep } } : {}),
      ...(start.checkpointDir ? { checkpointDir: resolve(start.checkpointDir) } : {}),
      ...(jobId ? { slurm: { jobId, taskId: process.env.SLURM_ARRAY_TASK_ID ?? null } } : {}),
    };
    this.guard(() => {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(join(this.dir, RUN_FILE), `${JSON.stringify(record, null, 2)}\n`);
      writeFileSync(join(this.dir, SNAPSHOT_FILE), `${JSON.stringify(snapshot ?? start.graph, null, 2)}\n`);
      writeFileSync(join(this.dir, METRICS_FILE), '');
      this.opened = true;
    });
  }

  /**
   * Writes summary.json once; a train run's last checkpoint is copied into the folder
   * first (unless it was written there), so the run keeps its weights whatever later
   * runs write to the graph's checkpoint folder.
   */
  async finish(status: EndStatus, extra: { message?: string; eval?: EvalResult } = {}): Promise<void> {
    if (!this.opened || this.finished) return;
    this.finished = true;
    const { start } = this;
    let checkpoint: string | null = null;
    if (start.kind === 'train' && start.checkpointDir && existsSync(join(start.checkpointDir, 'checkpoint.json'))) {
      checkpoint = this.checkpointDir;
      if (resolve(start.checkpointDir) !== resolve(checkpoint)) {
        await copyCheckpoint(start.checkpointDir, checkpoint).catch((err: unknown) => {
          this.say(`the checkpoint of run ${this.id} could not be copied into its folder: ${(err as Error).message}`);
          checkpoint = resolve(start.checkpointDir!);
        });
      }
    }
    const summary: RunSummary = {
      status,
      finished: new Date().toISOString(),
      ms: Math.round(performance.now() - this.began),
      ...(extra.message ? { message: extra.message } : {}),
      ...(start.kind === 'train' ? { train: this.trainResult(checkpoint) } : {}),
      ...(start.kind === 'settle' && this.settle ? { settle: this.settleResult() } : {}),
      ...(extra.eval ? { eval: extra.eval } : {}),
    };
    await writeFileAtomic(join(this.dir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`).catch((err: unknown) =>
      this.say(`the summary of run ${this.id} could not be written: ${(err as Error).message}`),
    );
  }

  private trainResult(checkpoint: string | null): TrainResult {
    const e = this.lastEval;
    return { ...this.train, heldOutLoss: e?.heldOutLoss ?? null, accuracy: e?.accuracy ?? null, meanTStar: e?.meanTStar ?? null, checkpoint };
  }

  private settleResult(): SettleResult {
    const s = this.settle!;
    const mean = s.energy.length > 0 ? s.energy.reduce((a, b) => a + b, 0) / s.energy.length : null;
    return { iterations: s.iterations, examples: s.examples, converged: s.converged, cycling: s.cycling, meanFinalEnergy: mean, energyRises: s.rises };
  }

  private append(line: MetricLine): void {
    if (!this.opened || this.broken) return;
    this.guard(() => appendFileSync(join(this.dir, METRICS_FILE), `${JSON.stringify(line)}\n`));
  }

  private guard(write: () => void): void {
    try {
      write();
    } catch (err) {
      this.broken = true;
      this.say(`run record ${this.dir} could not be written (${(err as Error).message}); the run goes on unrecorded`);
    }
  }

  private say(message: string): void {
    (this.options.warn ?? ((m: string) => console.warn(m)))(message);
  }
}

/** The run that last wrote the checkpoint a resumed run starts from (the newest one whose checkpoints went there). */
function findParent(runsDir: string, resumedFrom: string, step: number): string | undefined {
  const from = resolve(resumedFrom);
  let names: string[];
  try {
    names = readdirSync(runsDir).sort().reverse();
  } catch {
    return undefined;
  }
  for (const name of names) {
    const dir = join(runsDir, name);
    const record = readRecord(dir);
    if (!record || record.kind !== 'train') continue;
    const wrote = record.checkpointDir === from || resolve(dir, RUN_CHECKPOINT_DIR) === from;
    if (wrote && record.started !== undefined && step > 0) return record.id;
  }
  return undefined;
}

/** The manifest and its tensor files; leftovers of interrupted saves stay behind. */
async function copyCheckpoint(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await cp(from, to, { recursive: true, filter: (src) => !src.endsWith('.tmp') });
}

/**
 * Runs `work` with its events teed into `recorder`, and finishes the record however it
 * ends: with the status `ended` reads off the outcome, or `failed` when it throws (the
 * error goes on to the caller).
 */
export async function recorded<C extends { readonly emit: (ev: RunEvent) => void }, T>(
  recorder: RunRecorder,
  ctx: C,
  work: (ctx: C) => Promise<T>,
  ended: (outcome: T) => { status: EndStatus; message?: string },
): Promise<T> {
  let outcome: T;
  try {
    outcome = await work({ ...ctx, emit: recorder.wrap(ctx.emit) });
  } catch (err) {
    await recorder.finish('failed', { message: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  await recorder.finish(ended(outcome).status, ended(outcome));
  return outcome;
}

/** Records of runs the app starts (the run-protocol server): beside the graph when it has a file. */
export function appRecord(graphPath: string | null): RecordOptions | undefined {
  if (graphPath === null || recordsDisabled()) return undefined;
  return { runsDir: runsDirFor(resolve(graphPath)), origin: 'app' };
}
