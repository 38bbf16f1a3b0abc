/**
 * Training losses on visible layers (Target nodes), masked to the units they score:
 *   mse            ‖(x − y)M‖² / ΣM                         (seed Eq. 5, as a mean over scored units)
 *   cross-entropy  −Σ M·y·ln x / (ΣM / group)  on softmax layers (a mean over scored groups),
 *                  −Σ M[y ln x + (1−y) ln(1−x)] / ΣM on sigmoid layers.
 * The factor 2 of Eq. 8 comes from autodiff of the square; nothing here drops it.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import { layerById } from '../compile/plan.js';
import type { TargetBinding } from '../runtime/batch.js';
import type { State } from '../runtime/network.js';

const EPS = 1e-7;

/** Per-example loss sums and the number of scored units per example, for one target. */
function targetTerms(plan: Plan, t: TargetBinding, x: tf.Tensor): { sum: tf.Tensor1D; count: tf.Tensor1D } {
  const spec = plan.targets.find((s) => s.id === t.target)!;
  const layer = layerById(plan, t.layer);
  const flat = (a: tf.Tensor) => tf.reshape(a, [a.shape[0], -1]);
  const m = flat(t.mask);
  const y = flat(t.values);
  const v = flat(x);
  let per: tf.Tensor;
  if (spec.loss === 'mse') {
    per = tf.square(tf.sub(v, y));
  } else if (layer.activation === 'softmax') {
    per = tf.mul(-layer.softmaxGroup, tf.mul(y, tf.log(tf.maximum(v, EPS))));
  } else {
    const p = tf.clipByValue(v, EPS, 1 - EPS);
    per = tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))));
  }
  return { sum: tf.sum(tf.mul(per, m), 1) as tf.Tensor1D, count: tf.sum(m, 1) as tf.Tensor1D };
}

/**
 * The batch loss Σ_targets weight·(Σ_b Σ_u loss·M) / (Σ_b Σ_u M). `exampleWeights` (per example)
 * scales each example's contribution, e.g. to drop tossed examples or steps past t*.
 */
export function batchLoss(plan: Plan, targets: readonly TargetBinding[], state: State, exampleWeights?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    for (const t of targets) {
      const spec = plan.targets.find((s) => s.id === t.target)!;
      const { sum, count } = targetTerms(plan, t, state.get(t.layer)!);
      const s = exampleWeights ? tf.mul(sum, exampleWeights) : sum;
      const c = exampleWeights ? tf.mul(count, exampleWeights) : count;
      total = tf.add(total, tf.mul(spec.weight, tf.div(tf.sum(s), tf.maximum(tf.sum(c), 1))));
    }
    return total as tf.Scalar;
  });
}

/**
 * Each example's share of the batch loss [B]: Σ_targets weight·(Σ_u loss·M)_b / (Σ_b Σ_u M),
 * so the shares sum to batchLoss (equilibrium propagation nudges each example by its own).
 */
export function exampleShares(plan: Plan, targets: readonly TargetBinding[], state: ReadonlyMap<string, tf.Tensor>): tf.Tensor1D {
  return tf.tidy(() => {
    let total: tf.Tensor = tf.zeros([state.values().next().value!.shape[0]]);
    for (const t of targets) {
      const spec = plan.targets.find((s) => s.id === t.target)!;
      const { sum, count } = targetTerms(plan, t, state.get(t.layer)!);
      total = tf.add(total, tf.mul(spec.weight, tf.div(sum, tf.maximum(tf.sum(count), 1))));
    }
    return total as tf.Tensor1D;
  });
}

/** Per-example loss (each example's own mean over its scored units) [B], for evaluation and t* statistics; the caller reads it. */
export function exampleLosses(plan: Plan, targets: readonly TargetBinding[], state: State): tf.Tensor1D {
  return tf.tidy(() => {
    let total: tf.Tensor | undefined;
    for (const t of targets) {
      const spec = plan.targets.find((s) => s.id === t.target)!;
      const { sum, count } = targetTerms(plan, t, state.get(t.layer)!);
      const l = tf.mul(spec.weight, tf.div(sum, tf.maximum(count, 1)));
      total = total ? tf.add(total, l) : l;
    }
    return (total ?? tf.zeros([state.values().next().value!.shape[0]])) as tf.Tensor1D;
  });
}
