/**
 * The engine side of the benchmark, on one example graph: loading it (with the batch and
 * T the run asks for), held-out quality, and the peak tensor memory of one training batch
 * as T grows (the memory table).
 */
import { dirname } from 'node:path';
import type { TrainingConfig } from '../nodes/config.js';
import type { GraphDoc } from '../nodes/graph.js';
import type { Plan } from '../engine/compile/plan.js';
import { compileGraph } from '../engine/compile/compile.js';
import type { Dataset } from '../engine/data/dataset.js';
import { loadGraphFile } from '../engine/format/load.js';
import { Network } from '../engine/runtime/network.js';
import { loadPlanDatasets } from '../engine/runtime/prepare.js';
import { evaluate } from '../engine/train/evaluate.js';
import { createOptimizer } from '../engine/train/optimizers.js';
import { trainBatch } from '../engine/train/trainer.js';
import { peakMemoryOf, type PeakMemory } from './measure.js';

export type GradMethod = 'bptt' | 'recurrent-backprop';

export interface Example {
  readonly file: string;
  readonly graph: GraphDoc;
  readonly plan: Plan;
  readonly datasets: Map<string, Dataset>;
  /** The graph's training section with the run's overrides (batch, T, method) applied. */
  readonly training: TrainingConfig;
  /** The graph's settle θ (1e-3 in the examples): convergence for t*, and early stops. */
  readonly theta: number;
}

/** Loads, compiles and opens the data of an example graph; `overrides` replace parts of its training section. */
export async function loadExample(file: string, overrides: Partial<TrainingConfig> = {}): Promise<Example> {
  const loaded = await loadGraphFile(file);
  if (!loaded.ok) throw new Error(`${file}: ${loaded.problems.map((p) => p.message).join('; ')}`);
  const { plan, problems } = compileGraph(loaded.graph);
  if (!plan) throw new Error(`${file}: ${problems.map((p) => p.message).join('; ')}`);
  const datasets = await loadPlanDatasets(plan, dirname(file));
  return { file, graph: loaded.graph, plan, datasets, training: { ...loaded.graph.training, ...overrides }, theta: plan.settle.theta };
}

/** A fresh network and optimiser, seeded as the graph says. */
function fresh(ex: Example, seed: number) {
  const network = Network.create(ex.plan, seed, ex.datasets);
  const optimizer = createOptimizer(ex.training.optimizer, ex.training.weightDecay);
  return { network, optimizer };
}

function configFor(ex: Example, method: GradMethod, overrides: Partial<TrainingConfig> = {}): TrainingConfig {
  return { ...ex.training, method, ...overrides };
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
    }
  }
  return rows;
}


/** Bytes per iteration BPTT adds, from the smallest and largest T measured. */
export function bpttGrowth(rows: readonly MemoryRow[]): number | undefined {
  const b = rows.filter((r) => r.method === 'bptt' && !r.skipped).sort((x, y) => x.iterations - y.iterations);
  if (b.length < 2) return undefined;
  const first = b[0];
  const last = b[b.length - 1];
  if (last.iterations === first.iterations) return undefined;
  return (last.memory.peakBytes - first.memory.peakBytes) / (last.iterations - first.iterations);
}

/**
 * The memory table's settings: T of its rows; θ so small that no example stops before T;
 * the BPTT peak its batch is chosen to stay under; and the predicted peak past which a
 * BPTT row is skipped, not run (overflowing wasm's 4 GiB heap aborts the backend).
 */
export const MEMORY_TABLE = { steps: [20, 100, 500], theta: 1e-9, budget: 1.5 * 1024 ** 3, hardLimit: 3 * 1024 ** 3 } as const;

export interface MemoryTable extends MemoryBatchChoice {
  readonly theta: number;
  readonly budget: number;
  readonly rows: MemoryRow[];
  readonly bpttBytesPerIteration?: number;
}

/**
 * Peak tensor memory of one training batch versus T for BPTT and recurrent backprop, at the
 * largest batch (up to the training batch) where BPTT at the largest T fits the budget.
 * Run last in a process: the wasm heap only ever grows.
 */
export async function memoryTable(ex: Example): Promise<MemoryTable> {
  const { steps, theta, budget, hardLimit } = MEMORY_TABLE;
  const maxT = Math.max(...steps);
  const choice = await chooseMemoryBatch(ex, maxT, ex.training.batch, budget, theta);
  const rows = await memoryVersusT(ex, steps, choice.batchSize, theta, { limit: hardLimit, predict: (T) => predictBpttPeak(choice.model, T, choice.batchSize) });
  const growth = bpttGrowth(rows);
  return { ...choice, theta, budget, rows, ...(growth !== undefined ? { bpttBytesPerIteration: growth } : {}) };
}
