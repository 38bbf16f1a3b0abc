/**
 * The nudged update of a softmax group under cross-entropy, solved exactly. With the label
 * naming unit c of a group, the nudge adds −a·ln x_c to F (a = β·scale > 0, or < 0 in the
 * −β phase), and the minimiser of F over the group satisfies
 *
 *   ln x_i = z_i + λ (i ≠ c),   ln x_c = z_c + a/x_c + λ,
 *
 * so it is softmax(u) with u = z except u_c = z_c + a/x_c. In t = logit x_c and
 * v = |a|·e^(−t) (so a/x_c = a + sign(a)·v), with L = logit p_c for p = softmax(z):
 *
 *   a > 0:  v + ln v = ln a − L − a                 one root, v = W(e^R) (Lambert W);
 *   a < 0:  v − ln v = L − |a| − ln|a|,  v ≤ 1      a local minimum only when R′ ≥ 1.
 *
 * Either is one scalar equation per group, solved by Newton's method in w = ln v from a
 * side where it converges monotonically (the functions are convex in w). The linearised
 * nudge z_c + a/x_c(old) would not do: −ln x has no curvature bound, so it can overshoot
 * and raise F. When a < 0 and the correct class is too unlikely (R′ < 1), F = E − β·C
 * has no minimum near the free state at all (−β·C → −∞ as x_c → 0): those units are
 * reported, and the example falls back to the one-sided estimate.
 */
import { tf } from '../tf.js';

/** Newton steps: quadratic from the starts below; 12 covers float32 even near R′ = 1 (a double root). */
const NEWTON_STEPS = 12;
/** |logit p| beyond this changes nothing in float32 (e^−40 ≈ 4e−18) and keeps every exp finite. */
const LOGIT_LIMIT = 40;

/** w with e^w + w = r (v = W(e^r)): from w₀ = r (r ≤ 1) or ln r, both at or right of the root. */
function lambertLog(r: tf.Tensor): tf.Tensor {
  let w = tf.where(tf.lessEqual(r, 1), r, tf.log(tf.maximum(r, 1)));
  for (let i = 0; i < NEWTON_STEPS; i++) {
    const e = tf.exp(w);
    w = tf.sub(w, tf.div(tf.sub(tf.add(e, w), r), tf.add(e, 1)));
  }
  return w;
}

/** w ≤ 0 with e^w − w = r (r ≥ 1): from w₀ = −r, left of the root, where Newton climbs monotonically. */
function lowerBranchLog(r: tf.Tensor): tf.Tensor {
  let w = tf.neg(r);
  for (let i = 0; i < NEWTON_STEPS; i++) {
    const e = tf.exp(w);
    // The slope e^w − 1 vanishes at the double root w = 0 (r = 1): never divide by less than 1e−12.
    const slope = tf.minimum(tf.sub(e, 1), -1e-12);
    w = tf.minimum(tf.sub(w, tf.div(tf.sub(tf.sub(e, w), r), slope)), 0);
  }
  return w;
}

export interface SoftmaxNudge {
  /** The effective net input: softmax(u) over each group minimises F over it. */
  readonly u: tf.Tensor;
  /** 1 where a < 0 and F has no local minimum over the unit's group, else 0 (z's shape). */
  readonly missing: tf.Tensor;
}

/**
 * z: net input, a: the nudge's coefficient per unit (non-zero on at most one unit per group:
 * labels are one-hot), both [B, …] with groups of `group` units along the last axis.
 */
export function softmaxCrossEntropyNudge(z: tf.Tensor, a: tf.Tensor, group: number): SoftmaxNudge {
  return tf.tidy(() => {
    const zg = tf.reshape(z, [-1, group]);
    const ag = tf.reshape(a, [-1, group]);
    const logP = tf.logSoftmax(zg);
    const log1mP = tf.log(tf.maximum(tf.sub(1, tf.exp(logP)), 1e-30));
    const logit = tf.clipByValue(tf.sub(logP, log1mP), -LOGIT_LIMIT, LOGIT_LIMIT);
    const size = tf.maximum(tf.abs(ag), 1e-30);
    const logSize = tf.log(size);
    const up = tf.exp(lambertLog(tf.sub(tf.sub(logSize, logit), size)));
    const rDown = tf.sub(tf.sub(logit, size), logSize);
    const exists = tf.greaterEqual(rDown, 1);
    const down = tf.exp(lowerBranchLog(tf.maximum(rDown, 1)));
    // Where there is no minimum, v = 1 (the edge of the convex region): the example's −β state is not used.
    const extra = tf.where(tf.greater(ag, 0), tf.add(ag, up), tf.where(tf.less(ag, 0), tf.sub(ag, down), tf.zerosLike(ag)));
    const missing = tf.logicalAnd(tf.less(ag, 0), tf.logicalNot(exists));
    return { u: tf.reshape(tf.add(zg, extra), z.shape), missing: tf.reshape(tf.cast(missing, 'float32'), z.shape) };
  });
}
