/**
 * A training run: trainer.trainStep per batch (the same seeded batches whoever starts the
 * run), checkpoints, resume, and a gate between batches for pause, step and cancel. Along
 * the way it emits a train.batch per batch and, as asked, held-out evaluations, completion
 * galleries and weight views. A cancel finishes the batch in flight, writes a checkpoint
 * (resume continues from it) and frees every tensor; so does a loss that stops being finite.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TrainingConfig } from '../../nodes/config.js';
import { summarizePlan } from '../compile/check.js';
import { confinement, grantedFolders, ensureInside } from '../format/confine.js';
import { Network } from '../runtime/network.js';
import { createOptimizer } from '../train/optimizers.js';
import { MANIFEST_FILE, disposeCheckpoint, saveCheckpoint } from '../train/checkpoint.js';
import { TrainingDiverged, batchesPerEpoch, totalBatches, trainIndices, trainStep, type BatchReport, type TrainerInput } from '../train/trainer.js';
import { heldOutIndices } from '../train/evaluate.js';
import { HebbianError, storeHebbian } from '../train/hebbian.js';
import { GradientPool } from '../parallel/pool.js';
import { weightViews } from '../runtime/weight-views.js';
import type { TrainTotals } from '../protocol/run.js';
import type { RunContext } from './context.js';
import { acceptChanges, liveSettings, type LiveTraining } from './live-settings.js';
import { evaluateHeldOut, gallery, type HeldOutOptions, type HeldOutReport } from './held-out.js';
import { RunInputError } from './input-error.js';
import { doingText, ensureRunFits } from './memory-check.js';
import type { OpenedRun } from './open.js';
import { checkFolderFree, checkTrainable, optimizerMisfit, trainingConfig, workerCount, type OptionWords, type TrainOverrides } from './train-setup.js';
import { openCheckpoint } from './weights.js';
import { recorded, RunRecorder, type RecordOptions } from '../experiments/records.js';

/** Weight views are the largest events: at most one per this many ms, except the last. */
const WEIGHTS_MIN_GAP_MS = 1000;

export interface TrainRequest {
  readonly overrides: TrainOverrides;
  readonly checkpointDir: string;
  /** A checkpoint folder to continue from (weights, optimiser state, step). */
  readonly resumeFrom: string | null;
  /** Replace a checkpoint already in checkpointDir. */
  readonly overwrite: boolean;
  readonly workers: number | 'auto';
  readonly words: OptionWords;
  /** Held-out evaluations: every `every` batches when given, and always once at the end. */
  readonly evaluation: HeldOutOptions & { readonly every?: number };
  /** Completion galleries of `count` held-out examples, every `every` batches and at the end. */
  readonly gallery?: { readonly every: number; readonly count: number };
  /** Weight views every `every` batches and at the end. */
  readonly weights?: { readonly every: number };
  /** Each batch's whole report (train.batch carries most of it, not the adjoint's steps). */
  readonly onBatch?: (report: BatchReport) => void;
  /** Write a run folder (engine/experiments/records.ts) for a graph with a file. */
  readonly runRecord?: RecordOptions;
}

export type TrainOutcome =
  | {
      readonly status: 'done';
      readonly method: TrainingConfig['method'];
      readonly steps: number;
      readonly lastLoss: number | null;
      readonly totals: { readonly tossed: number; readonly cycle2: number; readonly unsettled: number };
      readonly heldOut: HeldOutReport;
      /** Hebbian storage: patterns stored per coupling. */
      readonly stored: ReadonlyMap<string, number> | null;
      readonly checkpoint: string;
      readonly ms: number;
    }
  | { readonly status: 'cancelled'; readonly at: number; readonly checkpoint: string }
  /** The loss or a gradient stopped being finite: the weights of that batch were not applied. */
  | { readonly status: 'stopped'; readonly reason: string; readonly checkpointWritten: boolean; readonly checkpoint: string };

interface TrainingBase {
  readonly opened: OpenedRun;
  readonly request: TrainRequest;
  readonly ctx: RunContext;
  readonly train: number[];
  readonly network: Network;
}

/** What a paused run's settings change replaces (live-settings.ts). */
type Training = TrainingBase & LiveTraining;

export async function trainRun(opened: OpenedRun, request: TrainRequest, ctx: RunContext): Promise<TrainOutcome> {
  const config = trainingConfig(opened.graph.training, request.overrides);
  if (!request.runRecord || opened.graphPath === null) return train(opened, request, ctx, config);
  const settings = { training: config, settle: opened.plan.settle, workers: request.workers };
  const recorder = new RunRecorder(request.runRecord, { kind: 'train', graphFile: opened.graphPath, graph: opened.graph, seed: config.seed, settings, checkpointDir: request.checkpointDir });
  return recorded(recorder, ctx, (c) => train(opened, request, c, config), (o) => (o.status === 'stopped' ? { status: 'stopped', message: o.reason } : { status: o.status }));
}

async function train(opened: OpenedRun, request: TrainRequest, ctx: RunContext, config: TrainingConfig): Promise<TrainOutcome> {
  const { plan, datasets, source } = opened;
  const train = trainIndices(datasets);
  checkTrainable(plan, config, train.length, source, request.words);
  // In the web mode both folders must be in the workspace before anything is looked up there.
  for (const dir of [request.checkpointDir, request.resumeFrom]) if (dir !== null) await ensureInside(resolve(dir), dir);
  checkFolderFree(request.checkpointDir, request.resumeFrom !== null, request.overwrite, request.words);

  // bptt and every-step keep every iteration of the unroll; the others a few states.
  const unrolled = config.method === 'bptt' || config.method === 'every-step' ? config.steps : 1;
  ensureRunFits(plan, { batch: config.batch, unrolled, training: true }, ctx.backendName, doingText(`training (${config.method}) on`, config.batch));
  const network = Network.create(plan, config.seed, datasets, opened.initFiles);
  const optimizer = createOptimizer(config.optimizer, config.weightDecay);
  const t: Training = { opened, request, ctx, config, theta: plan.settle.theta, train, network, optimizer };
  let pool: GradientPool | undefined;
  try {
    const start = request.resumeFrom ? await resume(t, request.resumeFrom) : 0;
    if (config.method === 'hebbian') return await hebbian(t);
    const total = totalBatches(config, train);
    if (start >= total) throw new RunInputError(`${request.resumeFrom ?? request.checkpointDir} is already at batch ${start} of ${total}: nothing left to train (${request.words.moreBatches})`);
    const workers = workerCount(request.workers, ctx.backendName, config);
    if (workers > 0) {
      const workspace = confinement();
      const folders = grantedFolders();
      const confined = workspace ? { workspace } : folders ? { folders } : {};
      pool = await GradientPool.start(workers, { graph: opened.graph, baseDir: opened.baseDir, backend: ctx.backendName, config, theta: plan.settle.theta, ...confined });
    }
    started(t, {
      method: config.method,
      batches: total,
      startStep: start,
      batchSize: config.batch,
      batchesPerEpoch: batchesPerEpoch(train, config.batch),
      trainExamples: train.length,
      heldOutExamples: heldOutIndices(datasets).length,
      checkpointDir: request.checkpointDir,
      resumedFrom: request.resumeFrom,
      workers,
      ...liveSettings(t),
    });
    return await loop(t, start, total, pool);
  } finally {
    await pool?.close();
    t.optimizer.dispose();
    network.dispose();
  }
}

/** Loads weights and optimiser state into the run; the step to go on from. A checkpoint without the state to go on is refused. */
async function resume(t: Training, dir: string): Promise<number> {
  const c = await openCheckpoint(t.opened.plan, dir);
  try {
    const misfit = optimizerMisfit(t.opened.plan, c, t.config);
    if (misfit) throw new RunInputError(misfit);
    for (const [name, value] of c.params) t.network.params.get(name)!.assign(value);
    if (c.optimizer) t.optimizer.load(c.optimizer.step, c.optimizer.state);
    return c.step;
  } finally {
    disposeCheckpoint(c);
  }
}

function started(t: Training, totals: TrainTotals): void {
  const { ctx, opened } = t;
  ctx.emit({ type: 'run.started', runId: ctx.control.runId, kind: 'train', backend: ctx.backend, plan: summarizePlan(opened.plan), warnings: [...opened.warnings], totals });
}

async function loop(t: Training, start: number, total: number, pool: GradientPool | undefined): Promise<TrainOutcome> {
  const { ctx, opened, network, request } = t;
  const runId = ctx.control.runId;
  const dir = request.checkpointDir;
  const changes = acceptChanges(t, ctx, pool !== undefined);
  const began = performance.now();
  const totals = { tossed: 0, cycle2: 0, unsettled: 0 };
  let last: BatchReport | undefined;
  let lastWeights = -Infinity;
  ctx.control.position = start;
  for (let step = start; step < total; step++) {
    if ((await ctx.control.gate()) === 'cancel') {
      const at = last?.step ?? start;
      await save(t, at, last?.epoch ?? Math.floor(at / batchesPerEpoch(t.train, t.config.batch)), last?.loss ?? null);
      return { status: 'cancelled', at, checkpoint: dir };
    }
    changes.apply();
    const { config } = t;
    const input: TrainerInput = { plan: opened.plan, network, optimizer: t.optimizer, datasets: opened.datasets, config, theta: t.theta };
    try {
      last = await trainStep(input, step, pool);
    } catch (err) {
      if (!(err instanceof TrainingDiverged)) throw err;
      return { status: 'stopped', reason: err.message, checkpointWritten: existsSync(join(dir, MANIFEST_FILE)), checkpoint: dir };
    }
    ctx.control.position = last.step;
    totals.tossed += last.tossed;
    totals.cycle2 += last.cycle2;
    totals.unsettled += last.unsettled;
    const { step: done, epoch, loss, meanTStar, unsettled, tossed, cycle2, ms } = last;
    ctx.emit({ type: 'train.batch', runId, step: done, total, epoch, loss, meanTStar, unsettled, tossed, cycle2, ms, examplesPerSec: ms > 0 ? (config.batch * 1000) / ms : 0 });
    request.onBatch?.(last);
    if (done === total) break;
    if (done % config.checkpointEvery === 0) await save(t, done, epoch, loss);
    if (request.gallery && done % request.gallery.every === 0) await showGallery(t, done);
    if (request.weights && done % request.weights.every === 0 && performance.now() - lastWeights >= WEIGHTS_MIN_GAP_MS) {
      lastWeights = performance.now();
      await showWeights(t, done);
    }
    if (request.evaluation.every !== undefined && done % request.evaluation.every === 0) await evaluate(t, done);
  }
  ctx.control.updater = undefined;
  const { step, epoch, loss } = last!;
  await save(t, step, epoch, loss);
  if (request.gallery) await showGallery(t, step);
  if (request.weights) await showWeights(t, step);
  const heldOut = await evaluate(t, step);
  if (!heldOut) return { status: 'cancelled', at: step, checkpoint: dir };
  return { status: 'done', method: t.config.method, steps: step, lastLoss: loss, totals, heldOut, stored: null, checkpoint: dir, ms: performance.now() - began };
}

/** Outer-product storage in one go: nothing to pause between. */
async function hebbian(t: Training): Promise<TrainOutcome> {
  const { opened, request } = t;
  const began = performance.now();
  let stored: Map<string, number>;
  try {
    stored = storeHebbian(opened.plan, t.network, opened.datasets, t.train.length > 0 ? t.train : [0]);
  } catch (err) {
    if (err instanceof HebbianError) throw new RunInputError(`${opened.source}: ${err.message}`);
    throw err;
  }
  const examples = t.train.length;
  started(t, { method: 'hebbian', batches: 1, startStep: 0, batchSize: examples, batchesPerEpoch: 1, trainExamples: examples, heldOutExamples: heldOutIndices(opened.datasets).length, checkpointDir: request.checkpointDir, resumedFrom: null, workers: 0, ...liveSettings(t) });
  await save(t, 1, 0, null);
  if (request.weights) await showWeights(t, 1);
  const heldOut = await evaluate(t, 1);
  if (!heldOut) return { status: 'cancelled', at: 1, checkpoint: request.checkpointDir };
  const totals = { tossed: 0, cycle2: 0, unsettled: 0 };
  return { status: 'done', method: 'hebbian', steps: 1, lastLoss: null, totals, heldOut, stored, checkpoint: request.checkpointDir, ms: performance.now() - began };
}

async function showGallery(t: Training, step: number): Promise<void> {
  const { opened, ctx } = t;
  const items = await gallery(opened.plan, t.network, opened.datasets, t.request.gallery!.count);
  ctx.emit({ type: 'train.gallery', runId: ctx.control.runId, step, items });
}

async function showWeights(t: Training, step: number): Promise<void> {
  t.ctx.emit({ type: 'train.weights', runId: t.ctx.control.runId, step, params: await weightViews(t.opened.plan, t.network.params) });
}

/** A held-out evaluation, sent as train.eval; null when a cancel arrived meanwhile. */
async function evaluate(t: Training, step: number): Promise<HeldOutReport | null> {
  const { opened, ctx } = t;
  const r = await evaluateHeldOut(opened.plan, t.network, opened.datasets, t.request.evaluation, () => ctx.control.isCancelled);
  if (!r) return null;
  ctx.emit({
    type: 'train.eval',
    runId: ctx.control.runId,
    step,
    examples: r.examples,
    heldOutLoss: r.loss,
    accuracy: r.accuracy,
    meanTStar: r.meanTStar,
    tStarHistogram: r.histogram,
    cycle2: r.cycle2,
    ms: r.ms,
  });
  return r;
}

async function save(t: Training, step: number, epoch: number, loss: number | null): Promise<void> {
  const { config, optimizer, opened, ctx } = t;
  const dir = t.request.checkpointDir;
  await saveCheckpoint(dir, {
    step,
    epoch,
    method: config.method,
    params: t.network.params,
    optimizer: { config: config.optimizer, step: optimizer.step, state: optimizer.state() },
    meta: { graph: opened.graph.name, file: opened.graphPath, loss, seed: config.seed, backend: ctx.backendName, batch: config.batch, steps: config.steps },
  });
  ctx.emit({ type: 'train.checkpoint', runId: ctx.control.runId, step, dir });
}
