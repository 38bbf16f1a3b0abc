/**
 * What training shows about held-out data: an evaluation (loss, accuracy, t*, a t*
 * histogram) and a gallery of completions. The evaluation settles in chunks and yields
 * between them, so a cancel or pause arriving meanwhile is handled within one chunk.
 */
import type { Plan } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import type { Network } from '../runtime/network.js';
import { buildBatch, disposeBatch } from '../runtime/batch.js';
import { disposeState, settle } from '../runtime/settle.js';
import { emptyTally, evalReport, heldOutSample, scoreChunk, type EvalReport } from '../train/evaluate.js';
import type { GalleryItem, TStarHistogram } from '../protocol/run.js';
import { tick } from './control.js';
import { exampleViews } from './example-views.js';

/** About this many histogram bins over 0..steps. */
const HISTOGRAM_BINS = 20;

/** The numbers `attractor eval` gives, and the t* histogram the dashboard draws. */
export interface HeldOutReport extends EvalReport {
  readonly histogram: TStarHistogram;
}

export interface HeldOutOptions {
  /** At most this many held-out examples, spread over the classes (train/evaluate.ts heldOutSample). */
  readonly limit: number;
  /** Examples settled together: small enough to stay responsive between chunks; the chunk also seeds its batch. */
  readonly chunk: number;
}

/** Fixed bin edges over 0..steps, so histograms of one run compare bin for bin. */
export function tStarHistogram(tStars: readonly number[], unsettled: number, steps: number): TStarHistogram {
  const width = Math.max(1, Math.ceil((steps + 1) / HISTOGRAM_BINS));
  const bins: number[] = [];
  for (let e = 0; e <= steps; e += width) bins.push(e);
  bins.push(bins[bins.length - 1] + width);
  const counts = new Array<number>(bins.length - 1).fill(0);
  for (const t of tStars) counts[Math.min(counts.length - 1, Math.floor(t / width))]++;
  return { bins, counts, unsettled };
}

/**
 * Held-out evaluation as train/evaluate.ts does it (the same numbers for the same chunk),
 * yielding between chunks; null when `stop()` turned true.
 */
export async function evaluateHeldOut(
  plan: Plan,
  network: Network,
  datasets: ReadonlyMap<string, Dataset>,
  options: HeldOutOptions,
  stop: () => boolean,
): Promise<HeldOutReport | null> {
  const started = performance.now();
  const { steps, theta, seed } = plan.settle;
  const indices = heldOutSample(datasets, options.limit, seed);
  const tally = emptyTally();
  for (let at = 0; at < indices.length; at += options.chunk) {
    await tick();
    if (stop()) return null;
    // Bound per chunk: the weights may have changed while this yielded.
    const bound = network.bind();
    try {
      await scoreChunk(plan, bound, datasets, indices.slice(at, at + options.chunk), { steps, theta, seed }, seed + at, tally);
    } finally {
      bound.dispose();
    }
  }
  return { ...evalReport(plan, tally, started), histogram: tStarHistogram(tally.tStars, tally.unsettled, steps) };
}

/**
 * The same held-out examples every time (`count` of them spread over the classes), settled
 * with the current weights: per example and shown layer the start, the clamp mask, the
 * result and the target.
 */
export async function gallery(plan: Plan, network: Network, datasets: ReadonlyMap<string, Dataset>, count: number): Promise<GalleryItem[]> {
  const { steps, theta, seed } = plan.settle;
  const sample = heldOutSample(datasets, count, seed);
  const ids = sample.length > 0 ? sample : Array.from({ length: count }, (_, i) => i);
  const bound = network.bind();
  const batch = buildBatch(plan, datasets, ids, seed);
  try {
    const r = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps }, { steps, theta, seed, energy: 'none' });
    try {
      return await exampleViews(plan, datasets, batch, ids, ids.length, r.state);
    } finally {
      disposeState(r.state);
    }
  } finally {
    disposeBatch(batch);
    bound.dispose();
  }
}
