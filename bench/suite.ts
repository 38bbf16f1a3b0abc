/**
 * The engine side of the benchmark, one example graph at a time: timed training
 * batches (bptt, recurrent-backprop), timed settles, held-out quality, peak tensor
 * memory of one training batch, and that peak as T grows.
 */
import { dirname, join } from 'node:path';
import { tf } from '../engine/tf.js';
import type { TrainingConfig } from '../nodes/config.js';
import type { Plan } from '../engine/compile/plan.js';
import { compileGraph } from '../engine/compile/compile.js';
import type { Dataset } from '../engine/data/dataset.js';
import { loadGraphFile } from '../engine/format/load.js';
import { buildBatch, disposeBatch } from '../engine/runtime/batch.js';
import { Network } from '../engine/runtime/network.js';
import { loadPlanDatasets, pickExamples } from '../engine/runtime/prepare.js';
import { disposeState, settle } from '../engine/runtime/settle.js';
import { evaluate } from '../engine/train/evaluate.js';
import { createOptimizer } from '../engine/train/optimizers.js';
import { trainBatch, type BatchReport } from '../engine/train/trainer.js';
import { batchFlops, flopsPerIteration, gflops } from './flops.js';
import { mean, peakMemoryOf, summarise, type PeakMemory, type TimingSummary } from './measure.js';

export type ExampleName = 'dense' | 'conv';
export type GradMethod = 'bptt' | 'recurrent-backprop';

export const EXAMPLE_FILES: Record<ExampleName, string> = {
  dense: 'examples/mnist-completion.attractor.json',
  conv: 'examples/conv-completion.attractor.json',
};

export interface Example {
  readonly name: ExampleName;
  readonly file: string;
  readonly plan: Plan;
  readonly datasets: Map<string, Dataset>;
  readonly training: TrainingConfig;
  /** The graph's settle θ (1e-3 in both examples): convergence for t*, and early stops. */
  readonly theta: number;
}

export async function loadExample(root: string, name: ExampleName): Promise<Example> {
  const file = join(root, EXAMPLE_FILES[name]);
  const loaded = await loadGraphFile(file);
  if (!loaded.ok) throw new Error(`${file}: ${loaded.problems.map((p) => p.message).join('; ')}`);
  const { plan, problems } = compileGraph(loaded.graph);
  if (!plan) throw new Error(`${file}: ${problems.map((p) => p.message).join('; ')}`);
  const datasets = await loadPlanDatasets(plan, dirname(file));
  return { name, file, plan, datasets, training: loaded.graph.training, theta: plan.settle.theta };
}

/** A fresh network and optimiser, seeded as the graph says. */
function fresh(ex: Example, seed: number) {
  const network = Network.create(ex.plan, seed);
  const optimizer = createOptimizer(ex.training.optimizer, ex.training.weightDecay);
  return { network, optimizer };
}

function configFor(ex: Example, method: GradMethod, overrides: Partial<TrainingConfig> = {}): TrainingConfig {
  return { ...ex.training, method, ...overrides };
}

export interface TrainResult {
  readonly method: GradMethod;
  /** Batches trained: `requested`, or fewer when the time budget ran out. */
  readonly batches: number;
  readonly requested: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly warmup: number;
  /** ms per training batch over the batches after warmup (trainer's own clock: batch building included). */
  readonly ms: TimingSummary;
  readonly meanIterations: number;
  readonly meanAdjointSteps: number;
  readonly tossed: number;
  /** Mean loss of the last min(50, n) batches, like the reference's train_loss_last50. */
  readonly lossLast50: number;
  /** Mean FLOPs per timed batch (flops.ts) and the achieved rate: Σ FLOPs / Σ ms over the timed batches. */
  readonly gflopPerBatch: number;
  readonly gflops: number;
  /** Peak tensor memory of one extra training batch run under tf.profile (not timed). */
  readonly memory: PeakMemory;
  readonly seconds: number;
}

/**
 * Trains a fresh network (the graph's seed) for `batches` batches with `method`: all but the
 * last are timed, the last is profiled for its peak memory. Returns the trained network (caller disposes).
 */
export async function benchTraining(
  ex: Example,
  method: GradMethod,
  requested: number,
  warmup: number,
  /** Stop early (but after warmup + 2 batches) once the batches so far took longer than this; the result says how many ran. */
  budgetMs = Infinity,
  onBatch?: (r: BatchReport) => void,
): Promise<{ result: TrainResult; network: Network }> {
  const config = configFor(ex, method, { batches: requested });
  const { network, optimizer } = fresh(ex, config.seed);
  const perIteration = flopsPerIteration(ex.plan, config.batch);
  const input = { plan: ex.plan, network, optimizer, datasets: ex.datasets, config, theta: ex.theta };
  const reports: BatchReport[] = [];
  const started = performance.now();
  let batches = requested;
  let memory: PeakMemory;
  let last: BatchReport;
  try {
    for (let step = 0; step < batches - 1; step++) {
      if (performance.now() - started > budgetMs && step >= warmup + 1) {
        batches = step + 1;
        break;
      }
      const r = await trainBatch(input, step);
      reports.push(r);
      onBatch?.(r);
    }
    // The last batch runs under tf.profile for its peak memory; profiling slows kernels
    // down, so it is left out of the timing (the weights still see exactly `batches` updates).
    ({ memory, result: last } = await peakMemoryOf(() => trainBatch(input, batches - 1)));
    onBatch?.(last);
  } catch (err) {
    network.dispose();
    throw err;
  } finally {
    optimizer.dispose();
  }
  const seconds = (performance.now() - started) / 1e3;

  const timedReports = reports.length > warmup ? reports.slice(warmup) : reports;
  const flops = timedReports.map((r) => batchFlops(perIteration, method, r.iterations, r.adjointSteps));
  const totalMs = timedReports.reduce((s, r) => s + r.ms, 0);
  const result: TrainResult = {
    method,
    batches,
    requested,
    batchSize: config.batch,
    steps: config.steps,
    warmup: reports.length > warmup ? warmup : 0,
    ms: summarise(reports.map((r) => r.ms), warmup),
    meanIterations: mean(timedReports.map((r) => r.iterations)),
    meanAdjointSteps: mean(timedReports.map((r) => r.adjointSteps)),
    tossed: [...reports, last].reduce((s, r) => s + r.tossed, 0),
    lossLast50: mean([...reports, last].slice(-50).map((r) => r.loss)),
    gflopPerBatch: mean(flops) / 1e9,
    gflops: gflops(flops.reduce((a, b) => a + b, 0), totalMs),
    memory,
    seconds,
  };
  return { result, network };
}

export interface SettleBench {
  readonly batchSize: number;
  readonly maxSteps: number;
  readonly theta: number;
  readonly repeats: number;
  readonly ms: TimingSummary;
  readonly meanIterations: number;
  readonly meanTStar: number | null;
  readonly unsettled: number;
  readonly gflops: number;
}

/** Settles held-out batches without a tape (energy off), `repeats` times after one warmup settle. */
export async function benchSettle(ex: Example, network: Network, repeats: number, batchSize: number, maxSteps = 100): Promise<SettleBench> {
  const samples: number[] = [];
  const iterations: number[] = [];
  const tStars: number[] = [];
  let unsettled = 0;
  const perIteration = flopsPerIteration(ex.plan, batchSize);
  let flops = 0;
  let timedMs = 0;
  for (let r = 0; r <= repeats; r++) {
    const indices = pickExamples(ex.datasets, batchSize, 1000 + r, 'test');
    const batch = buildBatch(ex.plan, ex.datasets, indices, 2000 + r);
    const t0 = performance.now();
    const bound = network.bind();
    const s = await settle(
      { net: bound, initial: batch.initial, clamps: batch.clamps },
      { steps: maxSteps, theta: ex.theta, seed: r, energy: 'none' },
    );
    bound.dispose();
    const ms = performance.now() - t0;
    disposeState(s.state);
    disposeBatch(batch);
    samples.push(ms);
    if (r === 0) continue; // warmup
    timedMs += ms;
    flops += batchFlops(perIteration, 'settle', s.iterations);
    iterations.push(s.iterations);
    s.tStar.forEach((t) => (t >= 0 ? tStars.push(t) : unsettled++));
  }
  return {
    batchSize,
    maxSteps,
    theta: ex.theta,
    repeats,
    ms: summarise(samples, 1),
    meanIterations: mean(iterations),
    meanTStar: tStars.length > 0 ? mean(tStars) : null,
    unsettled,
    gflops: gflops(flops, timedMs),
  };
}

export interface Quality {
  /** Held-out masked MSE (unclamped bottom half, pixels in [0, 1]) after settling T iterations. */
  readonly mse: number;
  readonly examples: number;
  readonly steps: number;
  readonly meanTStar: number | null;
}

/** Held-out masked MSE at T (the training T), as the reference's heldout.mse_at_T. */
export async function heldOutQuality(ex: Example, network: Network, limit?: number): Promise<Quality> {
  const r = await evaluate(ex.plan, network, ex.datasets, { batch: 100, steps: ex.training.steps, theta: ex.theta, seed: 0, limit });
  return { mse: r.loss ?? NaN, examples: r.examples, steps: ex.training.steps, meanTStar: r.meanTStar };
}

export interface MemoryRow {
  readonly method: GradMethod;
  readonly steps: number;
  readonly batchSize: number;
  readonly iterations: number;
  readonly adjointSteps: number;
  readonly memory: PeakMemory;
  readonly ms: number;
  /** Why the row was not run (its predicted peak is past the hard limit); the other fields are then NaN. */
  readonly skipped?: string;
}

async function bpttPeak(ex: Example, steps: number, batchSize: number, theta: number): Promise<number> {
  const config = configFor(ex, 'bptt', { steps, batch: batchSize, batches: 1 });
  const { network, optimizer } = fresh(ex, config.seed);
  try {
    const input = { plan: ex.plan, network, optimizer, datasets: ex.datasets, config, theta };
    return (await peakMemoryOf(() => trainBatch(input, 0))).memory.peakBytes;
  } finally {
    optimizer.dispose();
    network.dispose();
  }
}

export interface MemoryBatchChoice {
  readonly batchSize: number;
  readonly maxBatch: number;
  /** The model fitted to the probes: BPTT peak ≈ base + (perIteration + perExampleIteration·b)·T. */
  readonly model: BpttMemoryModel;
  /** Predicted BPTT peak at maxSteps for the chosen batch, and for the largest batch allowed. */
  readonly predictedPeak: number;
  readonly predictedPeakAtMax: number;
}

export interface BpttMemoryModel {
  readonly base: number;
  readonly perIteration: number;
  readonly perExampleIteration: number;
}

/** BPTT peak predicted for `steps` iterations at batch `batch`. */
export function predictBpttPeak(m: BpttMemoryModel, steps: number, batch: number): number {
  return m.base + (m.perIteration + m.perExampleIteration * batch) * steps;
}

/**
 * Fits the BPTT memory model to four short unrolls (T = 20 and 60 at batch 1 and 2): the tape
 * grows linearly in T, by a part that scales with the batch (states) and a part that does not
 * (anything weight-sized kept per iteration). Cheap at any speed of the engine.
 */
export async function probeBpttMemory(ex: Example, theta: number): Promise<BpttMemoryModel> {
  const growth = async (b: number) => {
    const p20 = await bpttPeak(ex, 20, b, theta);
    const p60 = await bpttPeak(ex, 60, b, theta);
    const slope = Math.max(0, (p60 - p20) / 40);
    return { slope, base: p20 - 20 * slope };
  };
  const one = await growth(1);
  const two = await growth(2);
  const perExampleIteration = Math.max(0, two.slope - one.slope);
  return { base: Math.max(one.base, two.base), perIteration: Math.max(0, one.slope - perExampleIteration), perExampleIteration };
}

/**
 * The largest power-of-two batch ≤ maxBatch at which one BPTT batch of `maxSteps` iterations
 * is predicted to stay under `budgetBytes` (1 when none is). Keeps the T = 500 row inside wasm's heap.
 */
export async function chooseMemoryBatch(
  ex: Example,
  maxSteps: number,
  maxBatch: number,
  budgetBytes: number,
  theta: number,
): Promise<MemoryBatchChoice> {
  const model = await probeBpttMemory(ex, theta);
  let b = 1;
  while (b * 2 <= maxBatch && predictBpttPeak(model, maxSteps, b * 2) <= budgetBytes) b *= 2;
  return {
    batchSize: b,
    maxBatch,
    model,
    predictedPeak: predictBpttPeak(model, maxSteps, b),
    predictedPeakAtMax: predictBpttPeak(model, maxSteps, maxBatch),
  };
}

/**
 * Peak tensor memory of one training batch of a fresh network for each T, with θ so small that
 * no example stops early: BPTT really keeps T iterations on its tape, recurrent backprop settles
 * T iterations without one.
 */
export async function memoryVersusT(
  ex: Example,
  steps: readonly number[],
  batchSize: number,
  theta: number,
  /** Skip a BPTT row whose predicted peak passes this (a wasm heap overflow aborts the backend). */
  skipBpttAbove?: { limit: number; predict: (steps: number) => number },
  onRow?: (row: MemoryRow) => void,
): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  for (const method of ['bptt', 'recurrent-backprop'] as const) {
    for (const T of steps) {
      const predicted = skipBpttAbove?.predict(T) ?? 0;
      if (method === 'bptt' && skipBpttAbove && predicted > skipBpttAbove.limit) {
        const nan = NaN;
        const row: MemoryRow = {
          method,
          steps: T,
          batchSize,
          iterations: nan,
          adjointSteps: nan,
          memory: { peakBytes: nan, baseBytes: nan, runBytes: nan },
          ms: nan,
          skipped: `predicted peak ${(predicted / 1024 ** 3).toFixed(2)} GiB > ${(skipBpttAbove.limit / 1024 ** 3).toFixed(2)} GiB`,
        };
        rows.push(row);
        onRow?.(row);
        continue;
      }
      const config = configFor(ex, method, { steps: T, batch: batchSize, batches: 1 });
      const { network, optimizer } = fresh(ex, config.seed);
      const input = { plan: ex.plan, network, optimizer, datasets: ex.datasets, config, theta };
      let profiled;
      try {
        profiled = await peakMemoryOf(() => trainBatch(input, 0));
      } finally {
        optimizer.dispose();
        network.dispose();
      }
      const { memory, result } = profiled;
      const row = { method, steps: T, batchSize, iterations: result.iterations, adjointSteps: result.adjointSteps, memory, ms: result.ms };
      rows.push(row);
      onRow?.(row);
    }
  }
  return rows;
}

/** Tensors alive now (a leak shows as growth between examples). */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
