/**
 * A batch of examples bound to a plan: clamp masks and values, the initial state
 * (noise init, clamped data, corrupted starts for denoising), dropout rates and target
 * values, all in the engine's layout and each layer's range.
 */
import { tf } from '../tf.js';
import type { DataRef, LayerSpec, Plan } from '../compile/plan.js';
import { layerById } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import { toLayerLayout } from '../data/dataset.js';
import { makeRng } from '../data/rng.js';
import { activate, unitRange } from './activations.js';
import { clampMask } from './masks.js';
import type { ClampBinding, State } from './state.js';
import { dataIsSymmetric } from '../data/range.js';

export interface TargetBinding {
  readonly target: string;
  readonly layer: string;
  readonly values: tf.Tensor;
  /** 1 where the loss scores a unit. */
  readonly mask: tf.Tensor;
}

export interface Batch {
  readonly size: number;
  readonly initial: State;
  readonly clamps: Map<string, ClampBinding>;
  readonly dropout: Map<string, number>;
  readonly targets: TargetBinding[];
}

export function disposeBatch(b: Batch): void {
  b.initial.forEach((t) => t.dispose());
  b.clamps.forEach((c) => {
    c.mask.dispose();
    c.values.dispose();
  });
  b.targets.forEach((t) => {
    t.values.dispose();
    t.mask.dispose();
  });
}

/**
 * The values a data port gives a layer for the examples `indices`, [batch × units] in engine layout.
 * Images fill the whole layer; labels are written one-hot from `offset` (label units) or over the whole layer.
 */
export function layerValues(
  plan: Plan,
  datasets: ReadonlyMap<string, Dataset>,
  ref: DataRef,
  layer: LayerSpec,
  indices: readonly number[],
  labelSlot?: { offset: number; count: number },
): Float32Array {
  const d = datasets.get(ref.dataset);
  if (!d) throw new Error(`dataset "${ref.dataset}" is not loaded`);
  const symmetric = dataIsSymmetric(plan.datasets.find((x) => x.id === ref.dataset)!, ref.port, layer.activation);
  const lo = symmetric ? -1 : 0;
  const out = new Float32Array(indices.length * layer.units);
  if (ref.port === 'labels') {
    if (!d.labels) throw new Error(`dataset "${ref.dataset}" has no labels to feed layer "${layer.id}"`);
    const slot = labelSlot ?? { offset: 0, count: layer.units };
    const classes = d.classes ?? Math.max(...d.labels) + 1;
    if (classes > slot.count) {
      throw new Error(`dataset "${ref.dataset}" has ${classes} classes but layer "${layer.id}" gives its labels ${slot.count} units`);
    }
    indices.forEach((ex, b) => {
      const row = b * layer.units;
      out.fill(lo, row + slot.offset, row + slot.offset + slot.count);
      out[row + slot.offset + d.labels![ex % d.count]] = 1;
    });
    return out;
  }
  const units = d.channels * d.height * d.width;
  const picked = new Float32Array(indices.length * units);
  indices.forEach((ex, b) => picked.set(d.images.subarray((ex % d.count) * units, (ex % d.count + 1) * units), b * units));
  const laid = toLayerLayout(picked, d, layer.shape);
  for (let i = 0; i < laid.length; i++) out[i] = symmetric ? 2 * laid[i] - 1 : laid[i];
  return out;
}

/** Drawn [0, 1] values as a clamp's data would give them, repeated for each example of the batch. */
function drawnValues(plan: Plan, ref: DataRef, layer: LayerSpec, data: Float32Array, size: number): Float32Array {
  if (data.length !== layer.units) throw new Error(`a drawn input for layer "${layer.id}" needs ${layer.units} values, got ${data.length}`);
  const ds = plan.datasets.find((x) => x.id === ref.dataset);
  const symmetric = ds ? dataIsSymmetric(ds, ref.port, layer.activation) : false;
  const out = new Float32Array(size * layer.units);
  for (let b = 0; b < size; b++) for (let i = 0; i < layer.units; i++) out[b * layer.units + i] = symmetric ? 2 * data[i] - 1 : data[i];
  return out;
}

/**
 * `drawn`: values in [0, 1] (engine layout, one example) that replace the dataset's for
 * every clamp of their layer, mapped as that clamp's data would be (2v − 1 when used
 * symmetric); the clamp's mask still picks the units. Targets keep the dataset's values.
 */
export function buildBatch(
  plan: Plan,
  datasets: ReadonlyMap<string, Dataset>,
  indices: readonly number[],
  seed: number,
  drawn?: ReadonlyMap<string, Float32Array>,
): Batch {
  const size = indices.length;
  const rng = makeRng(seed);
  const random = () => rng.next();
  const clampMasks = new Map<string, { mask: Float32Array; values: Float32Array }>();
  const startMasks = new Map<string, { mask: Float32Array; values: Float32Array }>();

  for (const c of plan.clamps) {
    const layer = layerById(plan, c.layer);
    const m = clampMask(c.mask, layer, size, random);
    const slot = c.mask.kind === 'label-units' ? { offset: c.mask.offset, count: c.mask.count } : undefined;
    const own = drawn?.get(c.layer);
    const values = own ? drawnValues(plan, c.data, layer, own, size) : layerValues(plan, datasets, c.data, layer, indices, slot);
    const mask = new Float32Array(size * layer.units);
    for (let b = 0; b < size; b++) mask.set(m.rows === 1 ? m.data : m.data.subarray(b * layer.units, (b + 1) * layer.units), b * layer.units);
    const into = c.hold ? clampMasks : startMasks;
    const acc = into.get(c.layer) ?? { mask: new Float32Array(size * layer.units), values: new Float32Array(size * layer.units) };
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 1) {
        acc.mask[i] = 1;
        acc.values[i] = values[i];
      }
    }
    into.set(c.layer, acc);
  }

  // Every value is computed before the first tensor is made: a throw past this point would leak them.
  const targetValues = plan.targets.map((t) => layerValues(plan, datasets, t.data, layerById(plan, t.layer), indices));
  const initial: State = new Map();
  for (const layer of plan.layers) {
    const n = size * layer.units;
    const x = new Float32Array(n);
    // 1 where the start is data (held by a clamp, or started from data): noise fills the rest.
    const fromData = new Float32Array(n);
    const noise = plan.noise.find((z) => z.layer === layer.id);
    const random = noise !== undefined && noise.init !== 'zeros';
    const z = random ? new Float32Array(n) : undefined;
    if (z) for (let i = 0; i < n; i++) z[i] = noise!.init === 'uniform' ? (2 * rng.next() - 1) * noise!.scale : rng.normal() * noise!.scale;
    const { lo, hi } = unitRange(layer);
    const start = startMasks.get(layer.id);
    if (start) {
      const corrupt = noise?.corrupt ?? 0;
      for (let i = 0; i < n; i++) {
        if (start.mask[i] !== 1) continue;
        // Corruption reflects a value across the middle of the layer's range: a flipped bit for ±1 patterns.
        x[i] = corrupt > 0 && rng.next() < corrupt && Number.isFinite(lo) ? lo + hi - start.values[i] : start.values[i];
        fromData[i] = 1;
      }
    }
    const held = clampMasks.get(layer.id);
    if (held) {
      for (let i = 0; i < n; i++) {
        if (held.mask[i] !== 1) continue;
        x[i] = held.values[i];
        fromData[i] = 1;
      }
    }
    initial.set(layer.id, z ? randomStart(layer, x, fromData, z, size) : tf.tensor(x, [size, ...layer.dims]));
  }

  const clamps = new Map<string, ClampBinding>();
  for (const [id, acc] of clampMasks) {
    const layer = layerById(plan, id);
    clamps.set(id, { layer: id, mask: tf.tensor(acc.mask, [size, ...layer.dims]), values: tf.tensor(acc.values, [size, ...layer.dims]) });
  }

  const targets = plan.targets.map((t, k): TargetBinding => {
    const layer = layerById(plan, t.layer);
    const values = targetValues[k];
    const held = clampMasks.get(t.layer)?.mask;
    const mask = new Float32Array(size * layer.units).fill(1);
    if (t.units === 'unclamped' && held) for (let i = 0; i < mask.length; i++) mask[i] = 1 - held[i];
    return { target: t.id, layer: t.layer, values: tf.tensor(values, [size, ...layer.dims]), mask: tf.tensor(mask, [size, ...layer.dims]) };
  });

  const dropout = new Map(plan.noise.filter((z) => z.dropout > 0).map((z) => [z.layer, z.dropout]));
  return { size, initial, clamps, dropout, targets };
}

/**
 * A random start inside the layer's range: the noise is a net input z, and the units not
 * started from data take f(z) — what the layer's own update would give them — so a sigmoid
 * layer never starts below 0, a tanh layer never outside (−1, 1), a sign layer at ±1 and a
 * softmax group on its simplex (issue 13). Units started from data keep it.
 */
function randomStart(layer: LayerSpec, data: Float32Array, fromData: Float32Array, z: Float32Array, size: number): tf.Tensor {
  const shape = [size, ...layer.dims];
  return tf.tidy(() => {
    const m = tf.tensor(fromData, shape);
    return tf.add(tf.mul(m, tf.tensor(data, shape)), tf.mul(tf.sub(1, m), activate(layer, tf.tensor(z, shape))));
  });
}
