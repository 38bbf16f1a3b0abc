/**
 * The training loop: seeded batches from the train part of the data, a gradient method,
 * an optimiser step, progress per batch, cancellation between batches, and a stop with a
 * clear message when the loss or a gradient is not finite (the weights are left as they
 * were before that batch). Checkpointing is the caller's (it owns the files).
 *
 * Batches are a pure function of (seed, step): epoch e is a permutation of the train
 * indices seeded by (seed, e), so a resumed run sees exactly the batches it would have.
 */
import { tf } from '../tf.js';
import { readValues } from '../runtime/readback.js';
import type { Plan } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import type { TrainingConfig } from '../../nodes/config.js';
import { makeRng } from '../data/rng.js';
import { partIndices } from '../runtime/prepare.js';
import type { Network } from '../runtime/network.js';
import { buildBatch, disposeBatch } from '../runtime/batch.js';
import { gradientsFor, type GradientResult } from './methods.js';
import type { Optimizer } from './optimizers.js';
import type { GradientPool } from '../parallel/pool.js';
import { splitBatch } from '../parallel/split.js';
import { combineShards, computeShard } from '../parallel/shard.js';

export interface BatchReport {
  readonly step: number;
  readonly epoch: number;
  readonly loss: number;
  readonly meanTStar: number | null;
  readonly unsettled: number;
  readonly tossed: number;
  readonly cycle2: number;
  readonly iterations: number;
  readonly adjointSteps: number;
  readonly ms: number;
}

export class TrainingDiverged extends Error {}

export interface TrainerInput {
  readonly plan: Plan;
  readonly network: Network;
  readonly optimizer: Optimizer;
  readonly datasets: ReadonlyMap<string, Dataset>;
  readonly config: TrainingConfig;
  /** Convergence threshold for t* (the graph's settle θ). */
  readonly theta: number;
}

export function trainIndices(datasets: ReadonlyMap<string, Dataset>): number[] {
  return partIndices(datasets, 'train');
}

/** Batches per epoch: the train part in whole batches (a last partial batch is dropped). */
export function batchesPerEpoch(train: readonly number[], batchSize: number): number {
  return Math.max(1, Math.floor(train.length / batchSize));
}

export function batchAt(train: readonly number[], batchSize: number, seed: number, step: number): { epoch: number; indices: number[] } {
  const per = batchesPerEpoch(train, batchSize);
  const epoch = Math.floor(step / per);
  const order = makeRng(seed * 1_000_003 + epoch).shuffle([...train]);
  const at = (step % per) * batchSize;
  return { epoch, indices: Array.from({ length: batchSize }, (_, i) => order[(at + i) % order.length]) };
}

export function totalBatches(config: TrainingConfig, train: readonly number[]): number {
  if (config.batches !== undefined) return config.batches;
  return (config.epochs ?? 1) * batchesPerEpoch(train, config.batch);
}


/** The first gradient with NaN or Inf, by name (one read for all of them). */
async function firstNonFinite(grads: ReadonlyMap<string, tf.Tensor>): Promise<string | undefined> {
  const names = [...grads.keys()];
  if (names.length === 0) return undefined;
  const finite = await readValues(tf.tidy(() => tf.stack(names.map((n) => tf.cast(tf.all(tf.isFinite(grads.get(n)!)), 'float32')))), true);
  const bad = finite.findIndex((f) => f === 0);
  return bad >= 0 ? names[bad] : undefined;
}

/** One training batch at global step `step`: gradients, checks, optimiser update. */
export async function trainBatch(input: TrainerInput, step: number): Promise<BatchReport> {
  const { plan, network, datasets, config } = input;
  const started = performance.now();
  const train = trainIndices(datasets);
  const { epoch, indices } = batchAt(train, config.batch, config.seed, step);
  const batch = buildBatch(plan, datasets, indices, config.seed * 7919 + step);
  const method = gradientsFor(config.method);
  let r: GradientResult;
  try {
    r = await method(network, batch, { steps: config.steps, theta: input.theta, seed: config.seed + step, adjoint: config.adjoint, stopAtTStar: config.stopAtTStar, eqprop: config.eqprop });
  } finally {
    disposeBatch(batch);
  }
  const badGrad = Number.isFinite(r.loss) ? await firstNonFinite(r.grads) : 'loss';
  if (badGrad) r.grads.forEach((g) => g.dispose());
  return applyAndReport(input, r, badGrad, step, epoch, started);
}

/** Refuse a non-finite result (weights untouched), else take the optimiser step; the batch's report. */
function applyAndReport(
  input: TrainerInput,
  r: Pick<GradientResult, 'loss' | 'grads' | 'tStar' | 'tossed' | 'cycle2' | 'iterations' | 'adjointSteps'>,
  bad: string | undefined,
  step: number,
  epoch: number,
  started: number,
): BatchReport {
  if (bad) {
    throw new TrainingDiverged(
      bad === 'loss'
        ? `the loss became ${r.loss} at batch ${step + 1}; the weights were not updated`
        : `the gradient of "${bad}" has NaN or Inf at batch ${step + 1}; the weights were not updated`,
    );
  }
  input.optimizer.apply(input.network.params, r.grads);
  r.grads.forEach((g) => g.dispose());
  const settled = r.tStar.filter((t) => t >= 0);
  return {
    step: step + 1,
    epoch,
    loss: r.loss,
    meanTStar: settled.length > 0 ? settled.reduce((a, b) => a + b, 0) / settled.length : null,
    unsettled: r.tStar.length - settled.length,
    tossed: r.tossed,
    cycle2: r.cycle2,
    iterations: r.iterations,
    adjointSteps: r.adjointSteps,
    ms: performance.now() - started,
  };
}

/**
 * One training batch, split across the cores when a pool of gradient workers is given:
 * this thread computes the first shard while each worker computes another; the weighted
 * gradients are summed and applied once. Without a pool it is trainBatch.
 */
export async function trainStep(input: TrainerInput, step: number, pool?: GradientPool): Promise<BatchReport> {
  if (!pool || pool.size === 0) return trainBatch(input, step);
  const { plan, network, datasets, config } = input;
  const started = performance.now();
  const { epoch, indices } = batchAt(trainIndices(datasets), config.batch, config.seed, step);
  const shards = splitBatch(indices, pool.size + 1);
  const parts = await pool.gradients(step, shards, network.params, () =>
    computeShard(plan, network, datasets, config, input.theta, step, 0, shards[0]),
  );
  const r = combineShards(parts);
  const bad = !Number.isFinite(r.loss) ? 'loss' : Object.entries(r.grads).find(([, g]) => g.some((v) => !Number.isFinite(v)))?.[0];
  const grads = bad ? new Map<string, tf.Tensor>() : new Map(Object.entries(r.grads).map(([name, g]) => [name, tf.tensor(g, network.params.get(name)!.shape)]));
  return applyAndReport(input, { ...r, grads }, bad, step, epoch, started);
}
