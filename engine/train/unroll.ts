/**
 * The differentiable settle: T iterations of the compiled schedule, with no tf.tidy
 * around the steps so autodiff sees the whole unroll (BPTT, every-step). Each example
 * stops at its t* (its state is frozen from then on, so its gradient flows back only
 * through the steps it took), and the unroll ends once every example has converged.
 */
import { tf } from '../tf.js';
import type { State } from '../runtime/network.js';
import { runScheduled, type StepContext } from '../runtime/step.js';
import { changePerExample } from '../runtime/settle.js';

export interface UnrollOptions {
  readonly steps: number;
  /** Convergence threshold for per-example t*. */
  readonly theta: number;
  /** Freeze each example at its t* and stop once all have (default); false runs all T steps. */
  readonly freeze?: boolean;
  /** Called with the state after each iteration and which examples were still moving into it. */
  readonly onIteration?: (state: State, active: number[], iteration: number) => void;
  /** Draws phase orders (order: shuffled) and unit orders (asynchronous plans). */
  readonly shuffle?: <T>(a: T[]) => T[];
}

export interface Unrolled {
  readonly state: State;
  readonly tStar: number[];
  readonly iterations: number;
}

function maxChange(a: State, b: State): number[] {
  const m = changePerExample(a, b);
  const v = Array.from(m.dataSync());
  m.dispose();
  return v;
}

/** Runs inside the caller's gradient scope (tf.variableGrads); tensors are freed when that scope ends. */
export function unroll(ctx: StepContext, initial: State, opts: UnrollOptions): Unrolled {
  const plan = ctx.net.plan;
  let state = initial;
  const batch = initial.values().next().value!.shape[0];
  const tStar = new Array<number>(batch).fill(-1);
  const shuffle = opts.shuffle ?? (<T>(a: T[]) => a);
  let iterations = 0;
  for (let i = 1; i <= opts.steps; i++) {
    const active = tStar.map((t) => (t < 0 ? 1 : 0));
    const phases = plan.order === 'shuffled' ? shuffle([...plan.phases]) : plan.phases;
    let next = state;
    for (const phase of phases) next = runScheduled(ctx, phase, next, shuffle);
    if (opts.freeze !== false && active.some((a) => a === 0)) {
      const keep = tf.tensor1d(active);
      const frozen: State = new Map();
      for (const [id, x] of next) {
        const old = state.get(id)!;
        if (old === x) frozen.set(id, x);
        else {
          const k = tf.reshape(keep, [batch, ...new Array(x.rank - 1).fill(1)]);
          frozen.set(id, tf.add(tf.mul(k, x), tf.mul(tf.sub(1, k), old)));
        }
      }
      next = frozen;
    }
    iterations = i;
    opts.onIteration?.(next, active, i);
    {
      const change = maxChange(next, state);
      change.forEach((c, b) => {
        if (tStar[b] < 0 && c < opts.theta) tStar[b] = i;
      });
    }
    state = next;
    if (opts.freeze !== false && tStar.every((t) => t >= 0)) break;
  }
  return { state, tStar, iterations };
}
