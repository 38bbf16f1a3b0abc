/**
 * A training run: `attractor train`'s loop (trainer.trainStep per batch, the same seeded
 * batches, checkpoints and resume), with a gate between batches for pause, step and
 * cancel, and the dashboards' streams: a train.batch per batch, and every so often a
 * held-out evaluation, a completion gallery and the weights. A cancel finishes the batch
 * in flight, writes a checkpoint (resume continues from it) and frees every tensor.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainingConfig } from '../../nodes/config.js';
import { summarizePlan } from '../compile/check.js';
import { Network } from '../runtime/network.js';
import { createOptimizer, type Optimizer } from '../train/optimizers.js';
import { MANIFEST_FILE, disposeCheckpoint, saveCheckpoint, sidecarDirFor } from '../train/checkpoint.js';
import { TrainingDiverged, batchesPerEpoch, totalBatches, trainIndices, trainStep, type BatchReport, type TrainerInput } from '../train/trainer.js';
import { heldOutIndices } from '../train/evaluate.js';
import { HebbianError, storeHebbian } from '../train/hebbian.js';
import { GradientPool } from '../parallel/pool.js';
import type { RunEvent, TrainStart } from '../protocol/run.js';
import { openCheckpoint, openRun, resolvePath, RunFailure, type Opened } from './open.js';
import { evaluateHeldOut, gallery } from './held-out.js';
import { weightViews } from './views.js';
import type { RunContext } from './context.js';

export const TRAIN_DEFAULTS = { evalEvery: 50, evalLimit: 200, galleryEvery: 25, galleryCount: 4, weightsEvery: 25 } as const;
/** Weight views are the largest events: at most one per this many ms, except the last. */
const WEIGHTS_MIN_GAP_MS = 1000;

interface Training {
  readonly cmd: TrainStart;
  readonly ctx: RunContext;
  readonly opened: Opened;
  readonly config: TrainingConfig;
  readonly dir: string;
  readonly network: Network;
  readonly optimizer: Optimizer;
}

export async function runTrain(cmd: TrainStart, ctx: RunContext): Promise<RunEvent[]> {
  const opened = await openRun(cmd, {}, ctx.hostDir);
  const { plan, datasets, source } = opened;
  const base = opened.graph.training;
  const config: TrainingConfig = {
    ...base,
    method: cmd.method ?? base.method,
    batch: cmd.batch ?? base.batch,
    steps: cmd.steps ?? base.steps,
    seed: cmd.seed ?? base.seed,
    batches: cmd.batches ?? base.batches,
    epochs: cmd.batches !== undefined ? undefined : base.epochs,
    optimizer: cmd.lr !== undefined ? { ...base.optimizer, lr: cmd.lr } : base.optimizer,
  };
  const resumeFrom = cmd.resumeFrom ? resolvePath(opened.baseDir, cmd.resumeFrom) : null;
  const dir = cmd.checkpointDir ? resolvePath(opened.baseDir, cmd.checkpointDir) : (resumeFrom ?? sidecarDirFor(opened.graphPath!));
  const train = trainIndices(datasets);
  if (config.method !== 'hebbian') {
    if (plan.targets.length === 0) throw new RunFailure(`${source}: nothing to train: the graph has no target node`);
    if (plan.params.every((p) => p.trainable === false)) throw new RunFailure(`${source}: nothing to train: every parameter is fixed (patterns taken from data)`);
    if (train.length < config.batch) throw new RunFailure(`${source}: the training data has ${train.length} examples, fewer than a batch of ${config.batch} (batch)`);
  }
  if (!resumeFrom && !cmd.overwrite && existsSync(join(dir, MANIFEST_FILE))) {
    throw new RunFailure(`${dir} already holds a checkpoint: continue it (resumeFrom), train into another folder (checkpointDir), or replace it (overwrite: true)`);
  }

  const network = Network.create(plan, config.seed, opened.datasets);
  const optimizer = createOptimizer(config.optimizer, config.weightDecay);
  const t: Training = { cmd, ctx, opened, config, dir, network, optimizer };
  let pool: GradientPool | undefined;
  try {
    let start = 0;
    if (resumeFrom) {
      const c = await openCheckpoint(plan, resumeFrom);
      for (const [name, value] of c.params) network.params.get(name)!.assign(value);
      if (c.optimizer && c.optimizer.config.kind === config.optimizer.kind) optimizer.load(c.optimizer.step, c.optimizer.state);
      start = c.step;
      disposeCheckpoint(c);
    }
    if (config.method === 'hebbian') return await hebbian(t, train);
    const total = totalBatches(config, train);
    if (start >= total) throw new RunFailure(`${resumeFrom ?? dir} is already at batch ${start} of ${total}: nothing left to train (raise batches)`);
    const workers = cmd.workers ?? 0;
    if (workers > 0) {
      pool = await GradientPool.start(workers, { graph: opened.graph, baseDir: opened.baseDir, backend: ctx.backendName, config, theta: plan.settle.theta });
    }
    ctx.emit({
      type: 'run.started',
      runId: cmd.runId,
      kind: 'train',
      backend: ctx.backend,
      plan: summarizePlan(plan),
      warnings: opened.warnings,
      totals: {
        method: config.method,
        batches: total,
        startStep: start,
        batchSize: config.batch,
        batchesPerEpoch: batchesPerEpoch(train, config.batch),
        trainExamples: train.length,
        heldOutExamples: heldOutIndices(datasets).length,
        checkpointDir: dir,
        resumedFrom: resumeFrom,
        workers,
      },
    });
    return await loop(t, start, total, pool);
  } finally {
    await pool?.close();
    optimizer.dispose();
    network.dispose();
  }
}

async function loop(t: Training, start: number, total: number, pool: GradientPool | undefined): Promise<RunEvent[]> {
  const { cmd, ctx, opened, config, network } = t;
  const runId = cmd.runId;
  const input: TrainerInput = { plan: opened.plan, network, optimizer: t.optimizer, datasets: opened.datasets, config, theta: opened.plan.settle.theta };
  const every = {
    eval: cmd.evalEvery ?? TRAIN_DEFAULTS.evalEvery,
    gallery: cmd.galleryEvery ?? TRAIN_DEFAULTS.galleryEvery,
    weights: cmd.weightsEvery ?? TRAIN_DEFAULTS.weightsEvery,
  };
  const started = performance.now();
  const totals = { tossed: 0, cycle2: 0, unsettled: 0 };
  let last: BatchReport | undefined;
  let lastWeights = -Infinity;
  ctx.control.position = start;
  for (let step = start; step < total; step++) {
    if ((await ctx.control.gate()) === 'cancel') {
      const at = last?.step ?? start;
      await save(t, at, last?.epoch ?? Math.floor(at / batchesPerEpoch(trainIndices(opened.datasets), config.batch)), last?.loss ?? null);
      return [{ type: 'run.cancelled', runId, at, checkpoint: t.dir }];
    }
    try {
      last = await trainStep(input, step, pool);
    } catch (err) {
      if (!(err instanceof TrainingDiverged)) throw err;
      const kept = existsSync(join(t.dir, MANIFEST_FILE)) ? `the last good checkpoint is in ${t.dir}` : 'no checkpoint was written yet';
      throw new RunFailure(`training stopped: ${err.message}; ${kept}`);
    }
    ctx.control.position = last.step;
    totals.tossed += last.tossed;
    totals.cycle2 += last.cycle2;
    totals.unsettled += last.unsettled;
    const { step: done, epoch, loss, meanTStar, unsettled, tossed, cycle2, ms } = last;
    ctx.emit({ type: 'train.batch', runId, step: done, total, epoch, loss, meanTStar, unsettled, tossed, cycle2, ms, examplesPerSec: ms > 0 ? (config.batch * 1000) / ms : 0 });
    const final = done === total;
    if (done % config.checkpointEvery === 0 && !final) await save(t, done, epoch, loss);
    if (done % every.gallery === 0 && !final) ctx.emit({ type: 'train.gallery', runId, step: done, items: galleryItems(t) });
    if (done % every.weights === 0 && !final && performance.now() - lastWeights >= WEIGHTS_MIN_GAP_MS) {
      lastWeights = performance.now();
      ctx.emit({ type: 'train.weights', runId, step: done, params: weightViews(opened.plan, network.params) });
    }
    if (done % every.eval === 0 && !final) await evaluate(t, done);
  }
  await save(t, last!.step, last!.epoch, last!.loss);
  ctx.emit({ type: 'train.gallery', runId, step: last!.step, items: galleryItems(t) });
  ctx.emit({ type: 'train.weights', runId, step: last!.step, params: weightViews(opened.plan, network.params) });
  const held = await evaluate(t, last!.step);
  if (ctx.control.isCancelled) return [{ type: 'run.cancelled', runId, at: last!.step, checkpoint: t.dir }];
  return [
    {
      type: 'run.done',
      runId,
      summary: { kind: 'train', steps: last!.step, lastLoss: last!.loss, ...totals, checkpoint: t.dir, heldOutLoss: held?.loss ?? null, ms: performance.now() - started },
    },
  ];
}

function galleryItems(t: Training) {
  return gallery(t.opened.plan, t.network, t.opened.datasets, t.cmd.galleryCount ?? TRAIN_DEFAULTS.galleryCount);
}

async function evaluate(t: Training, step: number) {
  const r = await evaluateHeldOut(t.opened.plan, t.network, t.opened.datasets, t.cmd.evalLimit ?? TRAIN_DEFAULTS.evalLimit, () => t.ctx.control.isCancelled);
  if (!r) return null;
  t.ctx.emit({
    type: 'train.eval',
    runId: t.cmd.runId,
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
  const { config, optimizer, opened } = t;
  await saveCheckpoint(t.dir, {
    step,
    epoch,
    method: config.method,
    params: t.network.params,
    optimizer: { config: config.optimizer, step: optimizer.step, state: optimizer.state() },
    meta: { graph: opened.graph.name, file: opened.graphPath, loss, seed: config.seed, backend: t.ctx.backendName, batch: config.batch, steps: config.steps },
  });
  t.ctx.emit({ type: 'train.checkpoint', runId: t.cmd.runId, step, dir: t.dir });
}

/** Outer-product storage in one go: nothing to pause between. */
async function hebbian(t: Training, train: number[]): Promise<RunEvent[]> {
  const { ctx, opened, cmd } = t;
  const started = performance.now();
  try {
    storeHebbian(opened.plan, t.network, opened.datasets, train.length > 0 ? train : [0]);
  } catch (err) {
    if (err instanceof HebbianError) throw new RunFailure(`${opened.source}: ${err.message}`);
    throw err;
  }
  ctx.emit({
    type: 'run.started',
    runId: cmd.runId,
    kind: 'train',
    backend: ctx.backend,
    plan: summarizePlan(opened.plan),
    warnings: opened.warnings,
    totals: { method: 'hebbian', batches: 1, startStep: 0, batchSize: train.length, batchesPerEpoch: 1, trainExamples: train.length, heldOutExamples: heldOutIndices(opened.datasets).length, checkpointDir: t.dir, resumedFrom: null, workers: 0 },
  });
  await save(t, 1, 0, null);
  ctx.emit({ type: 'train.weights', runId: cmd.runId, step: 1, params: weightViews(opened.plan, t.network.params) });
  const held = await evaluate(t, 1);
  return [{ type: 'run.done', runId: cmd.runId, summary: { kind: 'train', steps: 1, lastLoss: null, tossed: 0, cycle2: 0, unsettled: 0, checkpoint: t.dir, heldOutLoss: held?.loss ?? null, ms: performance.now() - started } }];
}
