/**
 * Per-example metrics of a settled state against each target, over the units the target
 * scores (its mask M):
 *   mse       Σ M(x − y)² / ΣM
 *   bitError  Σ M[sign x ≠ sign y] / ΣM                 (sign and tanh layers)
 *   overlap   Σ M·y·x / ΣM, i.e. (1/N) ξ·x for ±1 patterns (sign and tanh layers)
 * Targets are in the layer's range already (±1 data on a tanh layer stays ±1), so signs compare.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import { layerById } from '../compile/plan.js';
import type { TargetBinding } from '../runtime/batch.js';
import type { State } from '../runtime/network.js';

export interface TargetMetrics {
  readonly target: string;
  readonly layer: string;
  readonly mse: number;
  /** Sign and tanh layers only. */
  readonly bitError?: number;
  readonly overlap?: number;
}

export interface ExampleMetrics {
  /** The example's index in its data set. */
  readonly example: number;
  /** The loss training minimises (all targets, weighted); null without targets. */
  readonly loss: number | null;
  /** Null: it did not settle within the step budget. */
  readonly tStar: number | null;
  readonly cycle2: boolean;
  readonly targets: TargetMetrics[];
}

/** Which columns metricColumns makes, target by target. */
export interface MetricLayout {
  readonly target: string;
  readonly layer: string;
  readonly signed: boolean;
}

export function metricLayout(plan: Plan): MetricLayout[] {
  return plan.targets.map((t) => {
    const activation = layerById(plan, t.layer).activation;
    return { target: t.id, layer: t.layer, signed: activation === 'sign' || activation === 'tanh' };
  });
}

/** Per target one row per metric ([mse, (bitError, overlap)]), each [B], concatenated in metricLayout's order. */
export function metricColumns(plan: Plan, targets: readonly TargetBinding[], state: State): tf.Tensor1D {
  return tf.tidy(() => {
    const rows: tf.Tensor[] = [];
    for (const l of metricLayout(plan)) {
      const t = targets.find((b) => b.target === l.target)!;
      const flat = (a: tf.Tensor) => tf.reshape(a, [a.shape[0], -1]);
      const m = flat(t.mask);
      const y = flat(t.values);
      const x = flat(state.get(t.layer)!);
      const count = tf.maximum(tf.sum(m, 1), 1);
      const mean = (per: tf.Tensor) => tf.div(tf.sum(tf.mul(per, m), 1), count);
      rows.push(mean(tf.square(tf.sub(x, y))));
      if (l.signed) {
        rows.push(mean(tf.cast(tf.notEqual(tf.sign(x), tf.sign(y)), 'float32')));
        rows.push(mean(tf.mul(x, y)));
      }
    }
    return (rows.length > 0 ? tf.concat(rows) : tf.zeros([0])) as tf.Tensor1D;
  });
}

/** Example b's metrics out of metricColumns' values for a chunk of `size` examples. */
export function targetMetrics(layout: readonly MetricLayout[], values: ArrayLike<number>, size: number, b: number): TargetMetrics[] {
  let row = 0;
  const at = () => values[row++ * size + b];
  return layout.map((l) => {
    const mse = at();
    return l.signed ? { target: l.target, layer: l.layer, mse, bitError: at(), overlap: at() } : { target: l.target, layer: l.layer, mse };
  });
}

/** Means over examples, target by target. */
export function meanMetrics(layout: readonly MetricLayout[], examples: readonly ExampleMetrics[]): TargetMetrics[] {
  return layout.map((l, k) => {
    const mean = (f: (m: TargetMetrics) => number | undefined) => examples.reduce((s, e) => s + (f(e.targets[k]) ?? 0), 0) / Math.max(1, examples.length);
    const mse = mean((m) => m.mse);
    return l.signed ? { target: l.target, layer: l.layer, mse, bitError: mean((m) => m.bitError), overlap: mean((m) => m.overlap) } : { target: l.target, layer: l.layer, mse };
  });
}
