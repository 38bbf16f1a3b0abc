/**
 * Gradient methods. Each returns the batch loss and the gradients of the free
 * parameters (through the symmetrising maps), plus settling statistics.
 *
 * - bptt: unroll up to T iterations; loss at the final step (seed Eq. 5). Each example
 *   stops at its t* (frozen), and the unroll ends when all have. On the layer-wise
 *   schedules by an explicit backward pass over the kept states (bptt.ts); otherwise
 *   (one unit at a time, dropout, shuffled phases) on the tape.
 * - recurrent-backprop: settle without a tape to x*, solve the adjoint, then one VJP of
 *   F w.r.t. θ (recurrent-backprop.ts). Memory does not grow with T.
 * - every-step: TD(1): the loss at every iteration up to each example's t*, averaged.
 * - equilibrium-propagation: a free and two nudged settles, the difference of ∂E/∂θ
 *   between the nudged fixed points over 2β (eqprop.ts). No tape, no adjoint.
 *
 * tf.variableGrads records synchronously, so nothing read from the device can steer an
 * unroll while it records: each example's t* comes from a settle of the same seed first
 * (it replays the same run: the same dropout masks, phase and unit orders).
 */
import { tf } from '../tf.js';
import type { TrainingMethod } from '../../nodes/config.js';
import type { BoundNet, Network } from '../runtime/network.js';
import type { State } from '../runtime/state.js';
import type { Batch } from '../runtime/batch.js';
import { disposeState, settle } from '../runtime/settle.js';
import { readValues } from '../runtime/readback.js';
import { batchLoss } from './loss.js';
import { unroll } from './unroll.js';
import { recurrentBackpropGradients } from './recurrent-backprop.js';
import { explicitGradients, replayable } from './bptt.js';
import { eqpropGradients } from './eqprop.js';
import { byParamName, context, trainable, type GradientResult, type MethodOptions } from './method-parts.js';

export type { GradientResult, MethodOptions };

/** Where each example stops moving: at its t* from a settle of the same seed, or after all T (stopAtTStar false). */
async function stopsOf(network: Network, batch: Batch, opts: MethodOptions): Promise<{ stops: number[]; tStar: number[] | null }> {
  if (opts.stopAtTStar === false) return { stops: new Array<number>(batch.size).fill(opts.steps), tStar: null };
  const bound = network.bind();
  try {
    const r = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps, dropout: batch.dropout }, { steps: opts.steps, theta: opts.theta, seed: opts.seed, energy: 'none' });
    disposeState(r.state);
    return { stops: r.tStar.map((t) => (t >= 0 ? t : opts.steps)), tStar: r.tStar };
  } finally {
    bound.dispose();
  }
}

/**
 * The unrolled methods share everything but the loss: bind inside the gradient scope
 * (so gradients reach the free parameters through the symmetrising maps), unroll, score.
 * `score` gets the state after each iteration (with the examples still moving) and returns
 * the loss at the end.
 */
async function unrolledGradients(
  network: Network,
  batch: Batch,
  opts: MethodOptions,
  score: () => { each?: (state: State, active: tf.Tensor1D) => void; final: (state: State) => tf.Scalar },
): Promise<GradientResult> {
  const { stops, tStar: settledTStar } = await stopsOf(network, batch, opts);
  let bound: BoundNet | undefined;
  let settledAt: tf.Tensor1D | undefined;
  const { value, grads } = tf.variableGrads(() => {
    bound = network.bind();
    const { ctx, shuffle } = context(batch, opts.seed, bound);
    const s = score();
    const u = unroll(ctx, batch.initial, {
      stops,
      shuffle,
      ...(s.each ? { onIteration: s.each } : {}),
      ...(settledTStar ? {} : { trackTStar: opts.theta }),
    });
    settledAt = u.settledAt;
    return s.final(u.state);
  }, trainable(network));
  bound?.dispose();
  const read = await readValues(tf.tidy(() => tf.concat([tf.reshape(value, [1]), settledAt ?? tf.zeros([0])])), true);
  value.dispose();
  settledAt?.dispose();
  const tStar = settledTStar ?? Array.from(read.subarray(1));
  return {
    loss: read[0],
    grads: byParamName(network, grads),
    tStar,
    cycle2: 0,
    tossed: 0,
    tossedWhy: { notSettled: 0, diverged: 0 },
    iterations: Math.max(0, ...stops),
    adjointSteps: 0,
  };
}

export function bpttGradients(network: Network, batch: Batch, opts: MethodOptions): Promise<GradientResult> {
  if (!opts.taped && replayable(network.plan, batch)) return explicitGradients(network, batch, opts, 'final');
  return unrolledGradients(network, batch, opts, () => ({ final: (state) => batchLoss(network.plan, batch.targets, state) }));
}

export function everyStepGradients(network: Network, batch: Batch, opts: MethodOptions): Promise<GradientResult> {
  if (!opts.taped && replayable(network.plan, batch)) return explicitGradients(network, batch, opts, 'every');
  return unrolledGradients(network, batch, opts, () => {
    const losses: tf.Scalar[] = [];
    return {
      // Examples past their t* are frozen and add nothing new: only moving examples are scored.
      each: (state, active) => void losses.push(batchLoss(network.plan, batch.targets, state, active)),
      final: () => tf.div(tf.addN(losses), losses.length) as tf.Scalar,
    };
  });
}

export { eqpropGradients, recurrentBackpropGradients };

/** The gradient method a training config names (hebbian has none: see hebbian.ts). */
export function gradientsFor(method: TrainingMethod): (n: Network, b: Batch, o: MethodOptions) => Promise<GradientResult> {
  switch (method) {
    case 'bptt':
      return bpttGradients;
    case 'every-step':
      return everyStepGradients;
    case 'recurrent-backprop':
      return recurrentBackpropGradients;
    case 'equilibrium-propagation':
      return eqpropGradients;
    case 'hebbian':
      throw new Error('hebbian storage has no gradient: use storeHebbian');
  }
}
