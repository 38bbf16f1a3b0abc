/**
 * Solving the recurrent-backprop adjoint (I − Jᵀ)ḡ = g₀ at a fixed point, per example, by
 * the power series g ← g₀ + Jᵀg (Pineda/Almeida; DESIGN §5). An example is done once its
 * series moves less than `tolerance`·‖g₀‖_∞, and diverged once ‖g‖_∞ passes 10⁶·‖g₀‖_∞
 * (or is not finite); both stop moving. The bookkeeping stays on the device and is read
 * every few steps, so steps run past the last example's end are exact no-ops.
 */
import { tf } from '../tf.js';
import type { State } from '../runtime/state.js';
import { disposeState, keepWhere, tidyState } from '../runtime/state-ops.js';
import { readCadence, readValues } from '../runtime/readback.js';
import type { AdjointOperator } from './adjoint.js';

export interface AdjointOptions {
  readonly tolerance: number;
  readonly maxSteps: number;
}

export interface AdjointSolution {
  /** ḡ per layer; the caller owns it. Examples that diverged hold their last partial sum. */
  readonly g: State;
  readonly done: boolean[];
  readonly diverged: boolean[];
  /** Series steps until the last example stopped. */
  readonly steps: number;
}

/** Per-example ‖·‖_∞ over every layer. */
export function normPerExample(s: State): tf.Tensor1D {
  return tf.tidy(() => {
    let m: tf.Tensor | undefined;
    for (const x of s.values()) {
      const n = tf.max(tf.reshape(tf.abs(x), [x.shape[0], -1]), 1);
      m = m ? tf.maximum(m, n) : n;
    }
    return m as tf.Tensor1D;
  });
}

export async function neumannAdjoint(J: AdjointOperator, g0: State, opts: AdjointOptions): Promise<AdjointSolution> {
  const batch = g0.values().next().value!.shape[0];
  const every = readCadence();
  const scale = tf.tidy(() => {
    const n = normPerExample(g0);
    return tf.where(tf.greater(n, 0), n, tf.onesLike(n));
  });
  let done = tf.zeros([batch], 'bool') as tf.Tensor1D;
  let diverged = tf.zeros([batch], 'bool') as tf.Tensor1D;
  let g: State = new Map([...g0].map(([id, x]) => [id, tf.clone(x)]));
  let pending: tf.Tensor[] = [];
  let steps = 0;
  try {
    for (let k = 1; k <= opts.maxSteps; k++) {
      const jg = J.transposeTimes(g);
      const next = tidyState(() => new Map([...g0].map(([id, x]) => [id, tf.add(x, jg.get(id)!)])));
      disposeState(jg);
      const flags = tf.tidy(() => {
        const step = normPerExample(new Map([...next].map(([id, x]) => [id, tf.sub(x, g.get(id)!)])));
        const size = normPerExample(next);
        const blewUp = tf.logicalOr(tf.logicalNot(tf.isFinite(size)), tf.greater(size, tf.mul(1e6, scale)));
        const active = tf.logicalNot(tf.logicalOr(done, diverged));
        const nowDiverged = tf.logicalOr(diverged, tf.logicalAnd(active, blewUp));
        const nowDone = tf.logicalOr(done, tf.logicalAnd(tf.logicalAnd(active, tf.logicalNot(blewUp)), tf.lessEqual(step, tf.mul(opts.tolerance, scale))));
        return { done: nowDone, diverged: nowDiverged, stopped: tf.logicalOr(nowDone, nowDiverged) };
      });
      // Examples that stopped keep their sum; the others take the new partial sum.
      const kept = keepWhere(flags.stopped as tf.Tensor1D, g, next);
      disposeState(g);
      disposeState(next);
      g = kept;
      done.dispose();
      diverged.dispose();
      done = flags.done as tf.Tensor1D;
      diverged = flags.diverged as tf.Tensor1D;
      pending.push(tf.tidy(() => tf.cast(tf.all(flags.stopped), 'float32')));
      flags.stopped.dispose();
      steps = k;
      if (k % every !== 0 && k < opts.maxSteps) continue;
      const allStopped = await readValues(tf.tidy(() => tf.stack(pending)), true);
      pending.forEach((t) => t.dispose());
      const first = k - allStopped.length + 1;
      pending = [];
      const end = allStopped.findIndex((v) => v > 0);
      if (end >= 0) {
        steps = first + end;
        break;
      }
    }
    const status = await readValues(tf.tidy(() => tf.concat([tf.cast(done, 'float32'), tf.cast(diverged, 'float32')])), true);
    return { g, done: Array.from(status.subarray(0, batch), (v) => v > 0), diverged: Array.from(status.subarray(batch), (v) => v > 0), steps };
  } finally {
    pending.forEach((t) => t.dispose());
    scale.dispose();
    done.dispose();
    diverged.dispose();
  }
}
