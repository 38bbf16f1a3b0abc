/**
 * Everything a settle or a training run needs besides the plan: the datasets loaded
 * and checked against the layers they feed, and the example indices of a batch.
 */
import type { Plan } from '../compile/plan.js';
import { layerById } from '../compile/plan.js';
import { checkFinite, checkFits, type Dataset } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import { makeRng } from '../data/rng.js';

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

/** The number of examples the plan's data offers (the smallest dataset in use), or undefined without data. */
export function exampleCount(datasets: ReadonlyMap<string, Dataset>): number | undefined {
  const counts = [...datasets.values()].map((d) => d.count);
  return counts.length > 0 ? Math.min(...counts) : undefined;
}

/** `size` example indices: a seeded shuffle of the whole set (so a batch mixes classes), or 0..size−1. */
export function pickExamples(count: number | undefined, size: number, seed: number, shuffle: boolean): number[] {
  if (count === undefined) return Array.from({ length: size }, (_, i) => i);
  const all = Array.from({ length: count }, (_, i) => i);
  const order = shuffle ? makeRng(seed).shuffle(all) : all;
  return Array.from({ length: size }, (_, i) => order[i % count]);
}
