/**
 * A Dataset node's parameters → its examples.
 *
 * Order of work: read the source, apply `limit`, then hold out a share for
 * evaluation when the source has no split of its own, then check the values.
 *
 * `limit` keeps N examples evenly spaced through the set (index ⌊i·count/N⌋),
 * in source order, not the first N: MNIST and class-subfolder PNGs are ordered
 * by class, so their first N would be one or two classes. Where the source has
 * a split, each part keeps its share of the N, so the held-out digits stay
 * held out.
 *
 * Holdout: MNIST's split is the reference's (index % 10 == 9, split 'all');
 * MNIST 'train' and 'test' are used whole unless `holdout` is given. Every other
 * source holds out every k-th example, index % k == k − 1 with
 * k = max(2, round(1/holdout)) and holdout 0.1 unless given, the same rule as
 * MNIST's so other programs can rebuild it without our random numbers. The
 * share held out is therefore 1/k (0.1 → 10 %, 0.3 → 1/3); holdout 0 holds out
 * nothing (no split).
 */
import type { DatasetParams, DatasetSource } from '../../nodes/kinds/dataset.js';
import type { ReadOptions } from './bounded-read.js';
import { checkFinite, selectExamples, type Dataset } from './dataset.js';
import { importCsv, importIdx, importPngFolder } from './importers.js';
import { loadMnist } from './mnist.js';
import { associativeRecall, barsAndStripes, randomPatterns, shapes } from './synthetic.js';

export const DEFAULT_HOLDOUT = 0.1;

export interface LoadOptions {
  /** MNIST cache folder (null: none); defaults to node_modules/.cache/attractor-studio. */
  mnistCacheDir?: string | null;
  /** Stops reading files when aborted (a run cancelled while its data loads). */
  signal?: AbortSignal;
}

/** A dataset that cannot be loaded: `detail` says why without the node, which `nodeId` names. */
export class DatasetError extends Error {
  override name = 'DatasetError';
  constructor(
    readonly nodeId: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`dataset "${nodeId}": ${detail}`, options);
  }
}

async function readSource(source: DatasetSource, baseDir: string, opts: LoadOptions): Promise<Dataset> {
  const read: ReadOptions = opts.signal ? { signal: opts.signal } : {};
  switch (source.kind) {
    case 'mnist': {
      const mnistOpts: Parameters<typeof loadMnist>[0] = { split: source.split };
      if (source.digits) mnistOpts.digits = source.digits;
      if (opts.mnistCacheDir !== undefined) mnistOpts.cacheDir = opts.mnistCacheDir;
      return loadMnist(mnistOpts);
    }
    case 'bars-and-stripes':
      return barsAndStripes(source.size);
    case 'random-patterns':
      return randomPatterns(source.count, source.size, source.seed);
    case 'shapes':
      return shapes(source.count, source.size, source.seed, source.channels ?? 1);
    case 'associative-recall':
      return associativeRecall(source.pairs, source.symbols, source.count, source.seed);
    case 'idx':
      return importIdx(source.images, source.labels, baseDir, read);
    case 'csv':
      return importCsv(source.path, source.labelColumn === undefined ? {} : { labelColumn: source.labelColumn }, baseDir, read);
    case 'png-folder':
      return importPngFolder(source.path, baseDir, read);
  }
}

/** ⌊i·count/n⌋ for i < n: n distinct indices spread over [0, count). */
export function evenlySpaced(count: number, n: number): number[] {
  const k = Math.min(n, count);
  return Array.from({ length: k }, (_, i) => Math.floor((i * count) / k));
}

/** At most `limit` examples, evenly spaced; each part of a split keeps its share. */
export function applyLimit(d: Dataset, limit: number): Dataset {
  if (limit >= d.count) return d;
  let keep: number[];
  if (d.split && d.split.test.length > 0 && d.split.train.length > 0) {
    const nTest = Math.min(d.split.test.length, Math.round((limit * d.split.test.length) / d.count));
    const pick = (part: Int32Array, n: number) => evenlySpaced(part.length, n).map((i) => part[i]);
    keep = [...pick(d.split.train, limit - nTest), ...pick(d.split.test, nTest)].sort((a, b) => a - b);
  } else {
    keep = evenlySpaced(d.count, limit);
  }
  return selectExamples(d, keep);
}

/** Every k-th example held out (index % k == k − 1), k = max(2, round(1/holdout)); null for holdout 0. */
export function holdoutSplit(count: number, holdout: number): { train: Int32Array; test: Int32Array } | null {
  if (!(holdout > 0)) return null;
  const k = Math.max(2, Math.round(1 / holdout));
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < count; i++) (i % k === k - 1 ? test : train).push(i);
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/**
 * Reads the examples a Dataset node describes; file paths are relative to
 * `baseDir` (the graph file's folder). Every error is a DatasetError whose message
 * starts with the node: `dataset "digits": …`; an abort is thrown as it is.
 */
export async function loadDataset(
  params: DatasetParams,
  baseDir: string,
  nodeId: string,
  opts: LoadOptions = {},
): Promise<Dataset> {
  let d: Dataset;
  try {
    d = await readSource(params.source, baseDir, opts);
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    throw new DatasetError(nodeId, e instanceof Error ? e.message : String(e), { cause: e });
  }
  if (params.limit !== undefined) d = applyLimit(d, params.limit);
  if (!d.split) {
    const holdout = params.holdout ?? (params.source.kind === 'mnist' ? 0 : DEFAULT_HOLDOUT);
    const split = holdoutSplit(d.count, holdout);
    if (split) d = { ...d, split };
  }
  const problem = checkFinite(d);
  if (problem) throw new DatasetError(nodeId, problem);
  return d;
}
