/**
 * The differentiable settle: iterations of the compiled schedule with no tf.tidy around
 * the steps, so autodiff sees the whole unroll (BPTT, every-step). Example b moves for its
 * first `stops[b]` iterations and is frozen after (its gradient flows back only through
 * the steps it took).
 *
 * The unroll runs inside tf.variableGrads, which is synchronous, so it cannot wait for a
 * read: where each example stops is known before it starts (methods.ts settles the batch
 * first with the same seed, which replays the same run), and nothing in here reads the device.
 */
import { tf } from '../tf.js';
import type { State } from '../runtime/state.js';
import { runScheduled, type StepContext } from '../runtime/step.js';
import { changePerExample, mixExamples } from '../runtime/state-ops.js';

export interface UnrollOptions {
  /** Per example: the iterations it moves for; the unroll runs the largest. */
  readonly stops: readonly number[];
  /** Called with the state after each iteration and the examples that moved into it (1) or were frozen (0). */
  readonly onIteration?: (state: State, active: tf.Tensor1D, iteration: number) => void;
  /** Draws phase orders (order: shuffled) and unit orders (asynchronous plans), from the settle's stream. */
  readonly shuffle: <T>(a: T[]) => T[];
  /** Also find each example's t* on the device (when the stops did not come from a settle): θ. */
  readonly trackTStar?: number;
}

export interface Unrolled {
  readonly state: State;
  /** Per example, the first iteration with ‖x_i − x_{i−1}‖_∞ < θ, or −1 (when `trackTStar`); kept past the gradient scope, the caller disposes it. */
  readonly settledAt?: tf.Tensor1D;
}

/** Runs inside the caller's gradient scope (tf.variableGrads); tensors are freed when that scope ends. */
export function unroll(ctx: StepContext, initial: State, opts: UnrollOptions): Unrolled {
  const plan = ctx.net.plan;
  const batch = opts.stops.length;
  const iterations = Math.max(0, ...opts.stops);
  let state = initial;
  let settledAt = opts.trackTStar !== undefined ? tf.fill([batch], -1) : undefined;
  for (let i = 1; i <= iterations; i++) {
    const moving = opts.stops.map((s) => (s >= i ? 1 : 0));
    const phases = plan.order === 'shuffled' ? opts.shuffle([...plan.phases]) : plan.phases;
    let next = state;
    for (const phase of phases) next = runScheduled(ctx, phase, next, opts.shuffle);
    const active = tf.tensor1d(moving);
    if (moving.some((m) => m === 0)) {
      const frozen: State = new Map();
      for (const [id, x] of next) {
        const old = state.get(id)!;
        frozen.set(id, old === x ? x : mixExamples(active, x, old));
      }
      next = frozen;
    }
    opts.onIteration?.(next, active, i);
    if (settledAt && opts.trackTStar !== undefined) {
      // Comparisons only: off the path to the loss, so backprop leaves them out.
      const met = tf.logicalAnd(tf.less(settledAt, 0), tf.less(changePerExample(next, state), opts.trackTStar));
      settledAt = tf.where(met, tf.fill([batch], i), settledAt);
    }
    state = next;
  }
  return settledAt ? { state, settledAt: tf.keep(settledAt) as tf.Tensor1D } : { state };
}
