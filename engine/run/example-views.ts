/**
 * Examples as the dashboards show them beside each other — start, clamp mask, target and
 * (after settling) the result — per scored layer (the targets' layers, else the visible
 * ones): the training gallery and the Settle view's side-by-side card. One read.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import { layerById } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import { classOf } from '../runtime/prepare.js';
import type { Batch } from '../runtime/batch.js';
import type { State } from '../runtime/network.js';
import { unitRange } from '../runtime/activations.js';
import { readValues } from '../runtime/readback.js';
import type { ExampleView, GalleryItem } from '../protocol/run.js';

/** The layers a view shows: where the loss scores, else the visible layers. */
export function shownLayers(plan: Plan): string[] {
  return plan.targets.length > 0 ? [...new Set(plan.targets.map((t) => t.layer))] : plan.layers.filter((l) => l.role === 'visible').map((l) => l.id);
}

/**
 * The first `count` examples of `batch` (dataset indices `ids`): per shown layer the start,
 * the clamp mask, the target and, given the settled `result` state, the result.
 */
export async function exampleViews(plan: Plan, datasets: ReadonlyMap<string, Dataset>, batch: Batch, ids: readonly number[], count: number): Promise<ExampleView[]>;
export async function exampleViews(plan: Plan, datasets: ReadonlyMap<string, Dataset>, batch: Batch, ids: readonly number[], count: number, result: State): Promise<GalleryItem[]>;
export async function exampleViews(plan: Plan, datasets: ReadonlyMap<string, Dataset>, batch: Batch, ids: readonly number[], count: number, result?: State): Promise<ExampleView[]> {
  const n = Math.min(count, ids.length, batch.size);
  const layers = shownLayers(plan);
  const parts = result ? 4 : 3;
  const values = await readValues(
    tf.tidy(() => {
      const first = (t: tf.Tensor) => tf.reshape(tf.slice(tf.broadcastTo(t, [batch.size, ...t.shape.slice(1)]), 0, n), [-1]);
      return tf.concat(
        layers.flatMap((id) => {
          const layer = layerById(plan, id);
          const zeros = () => tf.zeros([batch.size, ...layer.dims]);
          const own = [batch.initial.get(id)!, batch.clamps.get(id)?.mask ?? zeros(), batch.targets.find((t) => t.layer === id)?.values ?? zeros()];
          return (result ? [...own, result.get(id)!] : own).map(first);
        }),
      );
    }),
    true,
  );
  const classes = classOf(datasets);
  let at = 0;
  const byLayer = layers.map((id) => {
    const layer = layerById(plan, id);
    const take = () => values.slice(at, (at += n * layer.units));
    return { id, layer, blocks: Array.from({ length: parts }, take), scored: batch.targets.some((t) => t.layer === id) };
  });
  return ids.slice(0, n).flatMap((example, b) =>
    byLayer.map(({ id, layer, blocks, scored }) => {
      const { lo, hi } = unitRange(layer);
      const one = (all: Float32Array) => all.slice(b * layer.units, (b + 1) * layer.units);
      const view: ExampleView = { example, label: classes ? classes(example) : null, layerId: id, dims: [...layer.dims], range: [lo, hi], input: one(blocks[0]), clamped: one(blocks[1]), target: scored ? one(blocks[2]) : null };
      return result ? { ...view, result: one(blocks[3]) } : view;
    }),
  );
}
