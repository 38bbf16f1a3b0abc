/**
 * Everything a settle or a training run needs besides the plan: the datasets loaded
 * and checked against the layers they feed, and the example indices of a batch.
 */
import type { Plan } from '../compile/plan.js';
import { layerById } from '../compile/plan.js';
import { checkFinite, checkFits, type Dataset } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import { spreadOrder, spreadSample, type ClassOf } from '../data/sample.js';

/** Bad data: the message names the dataset node and the layer. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

export async function loadPlanDatasets(plan: Plan, baseDir: string): Promise<Map<string, Dataset>> {
  const out = new Map<string, Dataset>();
  for (const spec of plan.datasets) {
    let d: Dataset;
    try {
      d = await loadDataset(spec.params, baseDir, spec.id);
    } catch (err) {
      throw new DataError(`dataset "${spec.id}": ${(err as Error).message}`);
    }
    const bad = checkFinite(d, spec.id);
    if (bad) throw new DataError(bad);
    out.set(spec.id, d);
  }
  for (const use of [...plan.clamps, ...plan.targets]) {
    const d = out.get(use.data.dataset)!;
    if (use.data.port === 'labels') {
      if (!d.labels) throw new DataError(`dataset "${use.data.dataset}" has no labels, but "${use.id}" reads its labels output`);
      continue;
    }
    const misfit = checkFits(d, use.data.dataset, layerById(plan, use.layer).shape, use.layer);
    if (misfit) throw new DataError(misfit);
  }
  return out;
}

/**
 * The examples of one part of the data: settling and evaluation use the held-out part
 * (`test`) where the first dataset has a split, training the `train` part; without a split,
 * or when that part is empty, every example. Without data, none.
 */
export function partIndices(datasets: ReadonlyMap<string, Dataset>, part: 'train' | 'test'): number[] {
  const first = [...datasets.values()][0];
  if (!first) return [];
  const fromSplit = first.split ? Array.from(first.split[part]) : [];
  return fromSplit.length > 0 ? fromSplit : Array.from({ length: first.count }, (_, i) => i);
}

/** The class of each example, from the labels of the dataset the parts come from (the first), when it has them. */
export function classOf(datasets: ReadonlyMap<string, Dataset>): ClassOf {
  const labels = [...datasets.values()][0]?.labels;
  return labels ? (i) => labels[i] : null;
}

/** `size` example indices for a batch from one part, spread over the classes and seeded (data/sample.ts); without data, 0..size−1 (noise starts only). */
export function pickExamples(datasets: ReadonlyMap<string, Dataset>, size: number, seed: number, part: 'train' | 'test'): number[] {
  const pool = partIndices(datasets, part);
  if (pool.length === 0) return Array.from({ length: size }, (_, i) => i);
  return spreadSample(pool, classOf(datasets), size, seed);
}

/** Every example of one part in its spread order: position k of a part (a settle's ExampleRef) is the k-th of these. */
export function spreadPart(datasets: ReadonlyMap<string, Dataset>, part: 'train' | 'test', seed: number): number[] {
  return spreadOrder(partIndices(datasets, part), classOf(datasets), seed);
}
