/**
 * FLOP counting for the benchmark: multiply-adds × 2 of the matmuls and convolutions
 * a settle or a training batch actually executes, derived from the compiled plan, the
 * batch size and the iteration counts a run reports. Elementwise work (activations,
 * clamp mixing, convergence tests, the optimiser) is left out, as in the reference.
 *
 * One "product" is one net-input term at the full batch size (frozen examples are still
 * computed, then masked, so they count):
 *   dense        x[B×n_l] · W[n_l×n_u]            2·B·n_l·n_u
 *   dense-within x[B×n]   · S[n×n]                2·B·n²
 *   conv         'same' k×k conv, c_l → c_u         2·B·H·W·c_l·c_u·k²   (padding taps included,
 *   conv-within  'same' k×k conv, c → c             2·B·H·W·c²·k²         as the kernels compute them)
 * A conv-transpose (down) costs what its conv (up) costs. One iteration = every term of
 * every phase once: for the bipartite examples, one up and one down.
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
import type { CouplingSpec, GridView, LayerSpec, Plan } from '../engine/compile/plan.js';

export type CountedMethod = 'settle' | 'bptt' | 'every-step' | 'recurrent-backprop';

function layerOf(plan: Plan, id: string): LayerSpec {
  const l = plan.layers.find((x) => x.id === id);
  if (!l) throw new Error(`plan has no layer "${id}"`);
  return l;
}

/** [channels, height, width] of the grid a conv reads: a grid layer, or a token layer through its unpatch view (moving values costs no FLOPs). */
function grid(layer: LayerSpec, view?: GridView): { c: number; h: number; w: number } {
  if (view) return { c: view.channels, h: view.height, w: view.width };
  if (layer.shape.type !== 'grid') throw new Error(`layer "${layer.id}" is not a grid, but a conv coupling reads it`);
  return { c: layer.shape.channels, h: layer.shape.height, w: layer.shape.width };
}

/** FLOPs (multiply-adds × 2) of one product of coupling `c` at batch size `batch`. */
export function productFlops(plan: Plan, c: CouplingSpec, batch: number): number {
  switch (c.kind) {
    case 'dense':
      return 2 * batch * layerOf(plan, c.lower).units * layerOf(plan, c.upper).units;
    case 'dense-within': {
      const n = layerOf(plan, c.layer).units;
      return 2 * batch * n * n;
    }
    case 'conv': {
      const lower = grid(layerOf(plan, c.lower), c.lowerView);
      const upper = grid(layerOf(plan, c.upper), c.upperView);
      return 2 * batch * upper.h * upper.w * lower.c * upper.c * c.kernel * c.kernel;
    }
    case 'conv-within': {
      const g = grid(layerOf(plan, c.layer), c.view);
      return 2 * batch * g.h * g.w * g.c * g.c * c.kernel * c.kernel;
    }
    case 'self-attention':
      // queries and keys (2·T·d·H·dk), scores and the two weighted sums (3·H·T²·dk), back to d (2·T·H·dk·d).
      return 2 * batch * (4 * c.tokens * c.dim * c.heads * c.keyDim + 3 * c.heads * c.tokens * c.tokens * c.keyDim);
    case 'hopfield-memory':
      return 2 * batch * 2 * c.tokens * c.dim * c.patterns;
    case 'cross-attention':
      return 2 * batch * c.heads * c.headDim * (2 * c.queryTokens * c.queryDim + c.keyTokens * c.keyDim + 2 * c.queryTokens * c.keyTokens);
  }
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
