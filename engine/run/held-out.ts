/**
 * What training shows about held-out data: an evaluation (loss, accuracy, t*, a t*
 * histogram) and a gallery of completions. The evaluation settles in chunks and yields
 * between them, so a cancel or pause arriving meanwhile is handled within one chunk.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import { readValues } from '../runtime/readback.js';
import { layerById } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import type { Network } from '../runtime/network.js';
import { buildBatch, disposeBatch } from '../runtime/batch.js';
import { disposeState, settle } from '../runtime/settle.js';
import { unitRange } from '../runtime/activations.js';
import { emptyTally, evalReport, heldOutIndices, scoreChunk, type EvalReport } from '../train/evaluate.js';
import type { GalleryItem, TStarHistogram } from '../protocol/run.js';
import { tick } from './control.js';

/** About this many histogram bins over 0..steps. */
const HISTOGRAM_BINS = 20;

/** The numbers `attractor eval` gives, and the t* histogram the dashboard draws. */
export interface HeldOutReport extends EvalReport {
  readonly histogram: TStarHistogram;
}

export interface HeldOutOptions {
  /** At most this many held-out examples, the first ones. */
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
  const indices = heldOutIndices(datasets).slice(0, options.limit);
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
 * The same held-out examples every time (the first `count`), settled with the current
 * weights: per example and per scored layer (targets, else visible layers) the start, the
 * clamp mask, the result and the target.
 */
export async function gallery(plan: Plan, network: Network, datasets: ReadonlyMap<string, Dataset>, count: number): Promise<GalleryItem[]> {
  const pool = heldOutIndices(datasets);
  const ids = pool.length > 0 ? pool.slice(0, count) : Array.from({ length: count }, (_, i) => i);
  const { steps, theta, seed } = plan.settle;
  const layers = plan.targets.length > 0 ? [...new Set(plan.targets.map((t) => t.layer))] : plan.layers.filter((l) => l.role === 'visible').map((l) => l.id);
  const bound = network.bind();
  const batch = buildBatch(plan, datasets, ids, seed);
  try {
    const r = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps }, { steps, theta, seed, energy: 'none' });
    try {
      // One read: per scored layer its start, clamp mask, result and target, for every example.
      const values = await readValues(
        tf.tidy(() => {
          const parts = layers.flatMap((id) => {
            const layer = layerById(plan, id);
            const zeros = () => tf.zeros([ids.length, ...layer.dims]);
            return [batch.initial.get(id)!, batch.clamps.get(id)?.mask ?? zeros(), r.state.get(id)!, batch.targets.find((t) => t.layer === id)?.values ?? zeros()];
          });
          return tf.concat(parts.map((p) => tf.reshape(tf.broadcastTo(p, [ids.length, ...p.shape.slice(1)]), [-1])));
        }),
        true,
      );
      let at = 0;
      const next = (units: number) => values.slice(at, (at += units * ids.length));
      const byLayer = layers.map((id) => {
        const layer = layerById(plan, id);
        return { id, layer, input: next(layer.units), clamped: next(layer.units), result: next(layer.units), target: next(layer.units), scored: batch.targets.some((t) => t.layer === id) };
      });
      return ids.flatMap((example, b) =>
        byLayer.map(({ id, layer, input, clamped, result, target, scored }): GalleryItem => {
          const { lo, hi } = unitRange(layer);
          const one = (all: Float32Array) => all.slice(b * layer.units, (b + 1) * layer.units);
          return { example, layerId: id, dims: [...layer.dims], range: [lo, hi], input: one(input), clamped: one(clamped), result: one(result), target: scored ? one(target) : null };
        }),
      );
    } finally {
      disposeState(r.state);
    }
  } finally {
    disposeBatch(batch);
    bound.dispose();
  }
}
