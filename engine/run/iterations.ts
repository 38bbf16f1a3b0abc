/**
 * The one place the run driver touches the runtime's settle loop: an asynchronous sequence
 * of iterations, arriving in bursts of the loop's read cadence (one at a time on the CPU
 * backends, a few at a time on a GPU).
 */
import type { State } from '../runtime/network.js';
import { settleIterations, type IterationInfo, type SettleInput } from '../runtime/settle.js';

export interface SettleBudget {
  readonly steps: number;
  readonly theta: number;
  readonly seed: number;
  /** Also the energy after every phase (default: after every iteration only). */
  readonly phaseEnergy?: boolean;
}

export type NextIteration =
  | { readonly done: false; readonly info: IterationInfo }
  /** `phaseEnergy[r][b]`: example b after row r = 1 + (i − 1)·phases + k (phase k of iteration i; row 0 the initial state), when asked for. */
  | { readonly done: true; readonly state: State; readonly phaseEnergy: readonly (readonly number[])[] };

export interface Iterations {
  /**
   * The next iteration (i ≥ 1), whose `state` and `previous` (when the burst has them) are
   * borrowed until the next call; once settling has ended, the final state, which the
   * caller then owns.
   */
  next(): Promise<NextIteration>;
  /** Abandons the settle (a cancel, a throw): frees every tensor it holds; a no-op once it has ended. */
  close(): void;
}

export function iterations(input: SettleInput, budget: SettleBudget): Iterations {
  const steps = settleIterations(input, { steps: budget.steps, theta: budget.theta, seed: budget.seed, ...(budget.phaseEnergy ? { energy: 'phase' as const } : {}) });
  return {
    async next() {
      const r = await steps.next();
      return r.done ? { done: true, state: r.value.state, phaseEnergy: r.value.phaseEnergy } : { done: false, info: r.value };
    },
    // Ending a suspended settle generator runs its own finally, which frees its states.
    close: () => void steps.return(undefined as never),
  };
}
