/**
 * Everything a settle or a training run needs besides the plan: the datasets loaded
 * and checked against the layers they feed, and the example indices of a batch.
 */
import type { Plan } from '../compile/plan.js';
import { layerById } from '../compile/plan.js';
import { checkFits, type Dataset } from '../data/dataset.js';
import { DatasetError, loadDataset } from '../data/load.js';
import { spreadOrder, spreadSample, type ClassOf } from '../data/sample.js';

/**
 * Bad data, or data that does not fit the graph: `nodeId` is the node to fix (the dataset,
 * or the clamp, target or memory that reads it), `path` where in that node, `message` what
 * is wrong without repeating the node.
 */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    message: string,
    readonly nodeId: string,
    readonly path: readonly (string | number)[] = [],
    readonly port?: string,
  ) {
    super(message);
  }
}

export interface DatasetLoadOptions {
  /** Stops reading data files when aborted. */
  readonly signal?: AbortSignal;
}

export async function loadPlanDatasets(plan: Plan, baseDir: string, options: DatasetLoadOptions = {}): Promise<Map<string, Dataset>> {
  const out = new Map<string, Dataset>();
  for (const spec of plan.datasets) {
    try {
      out.set(spec.id, await loadDataset(spec.params, baseDir, spec.id, options.signal ? { signal: options.signal } : {}));
    } catch (err) {
      if (err instanceof DatasetError) throw new DataError(err.detail, spec.id, ['params', 'source']);
      throw err;
    }
  }
  for (const use of [...plan.clamps, ...plan.targets]) {
    const d = out.get(use.data.dataset)!;
    if (use.data.port === 'labels') {
      if (!d.labels) throw new DataError(`dataset "${use.data.dataset}" has no labels, but this node reads its labels output`, use.id, [], 'data');
      // Labels are written one-hot: into the clamp's label units, or over the whole layer.
      const slot = 'mask' in use && use.mask.kind === 'label-units' ? { units: use.mask.count, path: ['params', 'mask', 'count'] } : { units: layerById(plan, use.layer).units, path: [] };
      const classes = d.classes ?? d.labels.reduce((m, v) => Math.max(m, v), -1) + 1;
      if (classes > slot.units) {
        throw new DataError(`dataset "${use.data.dataset}" has ${classes} classes, but their one-hot labels get ${slot.units} units of layer "${use.layer}"`, use.id, slot.path, slot.path.length === 0 ? 'data' : undefined);
      }
      continue;
    }
    const misfit = checkFits(d, use.data.dataset, layerById(plan, use.layer).shape, use.layer);
    if (misfit) throw new DataError(misfit, use.id, [], 'data');
  }
  for (const p of plan.params) {
    if (!('fromData' in p.init)) continue;
    const d = out.get(p.init.fromData.dataset)!;
    const [rows, dim] = p.shape;
    const units = d.channels * d.height * d.width;
    if (units !== dim) throw new DataError(`dataset "${p.init.fromData.dataset}" gives ${units} values per example, but the memory stores patterns of ${dim}`, p.owner, [], 'patterns');
    if (d.count < rows) throw new DataError(`stores ${rows} patterns taken from dataset "${p.init.fromData.dataset}", which has ${d.count} examples`, p.owner, ['params', 'patterns']);
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
