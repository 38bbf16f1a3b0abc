/**
 * Convergence bookkeeping on the device, so the settle loop never waits for a read:
 * per example the iteration it first met θ (t*), whether it is caught in a 2-cycle, and
 * whether the whole batch is done. Each iteration leaves one row of numbers on the device
 * (changes, t*, 2-cycles, energies, rises); the loop reads the rows of several iterations
 * in one `await data()` (DESIGN §6: loops are device-friendly).
 *
 * Once every example has settled or cycles, the batch is `done` and from the next
 * iteration on every example is frozen: iterations the loop runs before it reads that are
 * exact no-ops, so t*, every trace and the final state do not depend on how often it reads.
 */
import { tf } from '../tf.js';

/**
 * A rise of E larger than this many units of its scale S (energyWithScale: the sum of the
 * sizes of its parts) is real; smaller ones are float32 rounding. float32 sums of n terms
 * err by about √n·2⁻²⁴·S (pairwise or blocked sums, as the kernels do); 2⁻¹⁸ ≈ 3.8e-6 covers
 * n up to 4096 terms per partial sum with room, and stays far below any rise a wrong
 * schedule causes (issue 13: a trained MNIST net rose by 1e-4·|E| from rounding alone).
 */
export const RISE_PER_SCALE = 2 ** -18;

/** When a batch may stop: every example converged or cycling, every example converged, or only at the step budget. */
export type StopRule = 'settled' | 'converged' | 'never';

export class ConvergenceTracker {
  /** Per example: the first iteration with ‖x_i − x_{i−1}‖_∞ < θ, or −1. */
  private settledAt: tf.Tensor1D;
  /** Per example, 1 while in a 2-cycle: ‖x_i − x_{i−2}‖_∞ < θ ≤ ‖x_i − x_{i−1}‖_∞. */
  private cycling: tf.Tensor1D;
  /** 1 once the batch may stop (see StopRule). */
  private done: tf.Scalar;

  constructor(
    private readonly batch: number,
    private readonly theta: number,
    private readonly stop: StopRule,
    private readonly freezeSettled = true,
  ) {
    this.settledAt = tf.keep(tf.fill([batch], -1)) as tf.Tensor1D;
    this.cycling = tf.keep(tf.zeros([batch])) as tf.Tensor1D;
    this.done = tf.keep(tf.scalar(0));
  }

  /** Examples that keep their state through the next iteration: settled ones (unless told not to freeze them), and all once the batch is done. */
  frozen(): tf.Tensor1D {
    return tf.tidy(() => {
      const done = tf.greater(this.done, 0);
      return (this.freezeSettled ? tf.logicalOr(tf.greaterEqual(this.settledAt, 0), done) : tf.logicalOr(tf.zeros([this.batch], 'bool'), done)) as tf.Tensor1D;
    });
  }

  /** Per example, true once the whole batch is done (every example, the same). */
  doneMask(): tf.Tensor1D {
    return tf.tidy(() => tf.tile(tf.reshape(tf.greater(this.done, 0), [1]), [this.batch]) as tf.Tensor1D);
  }

  /** Takes iteration i's changes (and ‖x_i − x_{i−2}‖_∞ when there is an x_{i−2}); returns its row [t*, cycling, done]. */
  update(iteration: number, change: tf.Tensor1D, back2: tf.Tensor1D | undefined): tf.Tensor1D {
    const next = tf.tidy(() => {
      const moving = tf.equal(this.done, 0);
      const unsettled = tf.less(this.settledAt, 0);
      const settledAt = tf.where(tf.logicalAnd(tf.logicalAnd(unsettled, tf.less(change, this.theta)), moving), tf.fill([this.batch], iteration), this.settledAt);
      const stillUnsettled = tf.less(settledAt, 0);
      const cyc = back2
        ? tf.cast(tf.logicalAnd(stillUnsettled, tf.logicalAnd(tf.less(back2, this.theta), tf.greaterEqual(change, this.theta))), 'float32')
        : tf.zeros([this.batch]);
      const cycling = tf.where(moving, cyc, this.cycling);
      const converged = tf.greaterEqual(settledAt, 0);
      const stopped = this.stop === 'settled' ? tf.logicalOr(converged, tf.greater(cycling, 0)) : converged;
      const done = this.stop === 'never' ? this.done.clone() : tf.cast(tf.all(stopped), 'float32');
      return { settledAt, cycling, done };
    });
    this.settledAt.dispose();
    this.cycling.dispose();
    this.done.dispose();
    this.settledAt = tf.keep(next.settledAt) as tf.Tensor1D;
    this.cycling = tf.keep(next.cycling) as tf.Tensor1D;
    this.done = tf.keep(next.done) as tf.Scalar;
    return tf.tidy(() => tf.concat([this.settledAt, this.cycling, tf.reshape(this.done, [1])]) as tf.Tensor1D);
  }

  dispose(): void {
    this.settledAt.dispose();
    this.cycling.dispose();
    this.done.dispose();
  }
}

/** Per example, 1 where E rose by more than float32 rounding explains: E_i − E_{i−1} > RISE_PER_SCALE·(S_i + S_{i−1}). */
export function rises(energy: tf.Tensor1D, scale: tf.Tensor1D, before: { energy: tf.Tensor1D; scale: tf.Tensor1D }): tf.Tensor1D {
  return tf.tidy(() => tf.cast(tf.greater(tf.sub(energy, before.energy), tf.mul(RISE_PER_SCALE, tf.add(scale, before.scale))), 'float32') as tf.Tensor1D);
}
