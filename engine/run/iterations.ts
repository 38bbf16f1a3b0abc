/**
 * The one place the run driver touches the runtime's settle loop. The driver sees an
 * asynchronous sequence of iterations and awaits each: when the runtime's loop turns
 * asynchronous with batched readbacks (iteration info arriving k iterations at a time),
 * only this function changes.
 */
import type { State } from '../runtime/network.js';
import { settleIterations, type IterationInfo, type SettleInput } from '../runtime/settle.js';

export interface SettleBudget {
  readonly steps: number;
  readonly theta: number;
  readonly seed: number;
}

export type NextIteration = { readonly done: false; readonly info: IterationInfo } | { readonly done: true; readonly state: State };

export interface Iterations {
  /**
   * The next iteration (i ≥ 1), whose `state` and `previous` are borrowed until the next
   * call; once settling has ended, the final state, which the caller then owns.
   */
  next(): Promise<NextIteration>;
  /** Abandons the settle (a cancel, a throw): frees every tensor it holds; a no-op once it has ended. */
  close(): void;
}

export function iterations(input: SettleInput, budget: SettleBudget): Iterations {
  const steps = settleIterations(input, { steps: budget.steps, theta: budget.theta, seed: budget.seed });
  return {
    async next() {
      const r = steps.next();
      return r.done ? { done: true, state: r.value.state } : { done: false, info: r.value };
    },
    close: () => abandon(steps),
  };
}

/** Ending a suspended settle generator runs its own finally, which frees its states. */
function abandon(g: Generator<IterationInfo, unknown, void>): void {
  g.return(undefined);
}
