/**
 * FLOP counting for the benchmark: multiply-adds × 2 of the matmuls and convolutions
 * a settle or a training batch actually executes, derived from the compiled plan, the
 * batch size and the iteration counts a run reports. Elementwise work (activations,
 * clamp mixing, convergence tests, the optimiser) is left out, as in the reference.
 *
 * One "product" is one net-input term at the full batch size (frozen examples are still
 * computed, then masked, so they count); each coupling kind counts its own
 * (engine/couplings/, `flops`), e.g. dense x[B×n_l]·W[n_l×n_u] is 2·B·n_l·n_u. One
 * iteration = every term of every phase once: for the bipartite examples, one up and one down.
 *
 * Per batch, with P = FLOPs of one iteration, `it` = iterations run, `adj` = adjoint steps:
 *   settle               it · P
 *   bptt                 3 · it · P           forward, and a backward of two products per
 *                                             forward product (input cotangent + weight gradient);
 *                                             the reference counts the same 3×
 *   every-step           3 · it · P           (same unroll and tape)
 *   recurrent-backprop   (it + 1 + adj + 3) · P
 *                          it: settle without a tape; 1: the iteration that fixes J at x*;
 *                          adj: one Jᵀg per series step (one product per term);
 *                          3: the final VJP of one iteration w.r.t. the weights (forward + backward).
 */
import type { CouplingSpec, Plan } from '../engine/compile/plan.js';
import { layerById } from '../engine/compile/plan.js';
import { couplingKind } from '../engine/couplings/registry.js';

export type CountedMethod = 'settle' | 'bptt' | 'every-step' | 'recurrent-backprop';

/** FLOPs (multiply-adds × 2) of one product of coupling `c` at batch size `batch`: its kind counts them. */
export function productFlops(plan: Plan, c: CouplingSpec, batch: number): number {
  return couplingKind(c).flops(c, (id) => layerById(plan, id), batch);
}

/** FLOPs of one iteration of the plan's schedule (every term of every phase once). */
export function flopsPerIteration(plan: Plan, batch: number): number {
  let total = 0;
  for (const phase of plan.phases) {
    for (const update of phase.updates) {
      for (const term of update.terms) {
        const c = plan.couplings.find((x) => x.id === term.coupling);
        if (!c) throw new Error(`plan has no coupling "${term.coupling}"`);
        total += productFlops(plan, c, batch);
      }
    }
  }
  return total;
}

/** How many iterations' worth of products a batch runs (see the table at the top). */
export function iterationEquivalents(method: CountedMethod, iterations: number, adjointSteps = 0): number {
  switch (method) {
    case 'settle':
      return iterations;
    case 'bptt':
    case 'every-step':
      return 3 * iterations;
    case 'recurrent-backprop':
      return iterations + 1 + adjointSteps + 3;
  }
}

/** FLOPs of one batch. */
export function batchFlops(perIteration: number, method: CountedMethod, iterations: number, adjointSteps = 0): number {
  return perIteration * iterationEquivalents(method, iterations, adjointSteps);
}

/** GFLOP/s from FLOPs and milliseconds (NaN when nothing was timed). */
export function gflops(flops: number, ms: number): number {
  return ms > 0 ? flops / 1e9 / (ms / 1e3) : NaN;
}
