/**
 * What each probe's final state says about retrieval, computed on the device for a whole
 * group of nets at once and read in one go:
 *
 *   overlap     m = (ξ·x*)/‖ξ‖² with the probe's own pattern ξ ((1/N) ξ·x* for ±1 patterns)
 *   start       the same of the corrupted start x₀
 *   bit error   the fraction of units with ξ_i·x*_i ≤ 0 (wrong sign, or 0)
 *   closest     the stored memory x* differs from in fewest signs, and that fraction:
 *               mismatches_μ = (N − sign(x*)·sign(y_μ) + zeros(x*)) / 2
 *
 * Memories are padded with zero rows to the group's largest P; a zero row agrees with
 * nothing (N/2 mismatches), so it is never the closest of a state near a memory.
 */
import { tf } from '../tf.js';
import { readValues } from '../runtime/readback.js';

export interface ProbeMeasures {
  readonly overlap: Float32Array;
  readonly startOverlap: Float32Array;
  readonly bitError: Float32Array;
  readonly closest: Int32Array;
  readonly closestError: Float32Array;
}

/** Per probe (net-major) measures of final states x [C, B, N] against their clean patterns [C, B, N] and the nets' memories [C, P, N]. */
export async function measureProbes(final: tf.Tensor3D, start: tf.Tensor3D, clean: tf.Tensor3D, memories: tf.Tensor3D): Promise<ProbeMeasures> {
  const [c, b, n] = final.shape;
  const rows = c * b;
  const packed = tf.tidy(() => {
    const norm = tf.sum(tf.square(clean), 2);
    const overlap = tf.div(tf.sum(tf.mul(clean, final), 2), norm);
    const startOverlap = tf.div(tf.sum(tf.mul(clean, start), 2), norm);
    const bitError = tf.mean(tf.cast(tf.lessEqual(tf.mul(clean, final), 0), 'float32'), 2);
    const signs = tf.sign(final);
    const zeros = tf.sum(tf.cast(tf.equal(signs, 0), 'float32'), 2, true);
    const agree = tf.matMul(signs, tf.sign(memories), false, true);
    const mismatches = tf.div(tf.add(tf.sub(n, agree), zeros), 2 * n);
    const closestError = tf.min(mismatches, 2);
    const closest = tf.cast(tf.argMin(mismatches, 2), 'float32');
    return tf.concat([overlap, startOverlap, bitError, closestError, closest].map((t) => tf.reshape(t, [rows])));
  });
  const v = await readValues(packed, true);
  const part = (k: number) => v.slice(k * rows, (k + 1) * rows);
  return { overlap: part(0), startOverlap: part(1), bitError: part(2), closestError: part(3), closest: Int32Array.from(part(4)) };
}

/** 1/Σ_μ p_μ² of attention weights [B, …, P] per probe (the first token): how many memories a state averages. */
export async function participation(weights: tf.Tensor): Promise<Float32Array> {
  const p = weights.shape[weights.shape.length - 1];
  const inv = tf.tidy(() => tf.div(1, tf.sum(tf.square(tf.slice(tf.reshape(weights, [weights.shape[0], -1, p]), [0, 0, 0], [-1, 1, p])), [1, 2])));
  return readValues(inv, true);
}
