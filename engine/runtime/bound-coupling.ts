/**
 * A coupling with its weights bound to tensors for one settle or training step: what a
 * coupling kind's `bind` (engine/couplings/) returns and the runtime and adjoint call.
 */
import type { Tensor } from '../tf.js';
import type { CouplingSpecBase } from '../compile/plan-parts.js';

type T = Tensor;

/** A coupling with its weights bound for one settle or training step. */
export interface BoundCoupling {
  readonly spec: CouplingSpecBase;
  /** Net input into `layer` (one the coupling writes): the closed form of −∂E_c/∂x[layer]. */
  netInput(layer: string, state: ReadonlyMap<string, T>): T;
  /**
   * gᵀ·∂z[layer]/∂x[l] for every layer l the term into `layer` reads, at `state`: what the
   * recurrent-backprop adjoint sends back through this term.
   */
  vjp(layer: string, state: ReadonlyMap<string, T>, g: T): ReadonlyMap<string, T>;
  /** Per-example coupling energy E_c. */
  energy(state: ReadonlyMap<string, T>): T;
  /** Attention blocks: the weights at this state ([B, H, T, T]; a memory [B, T, P]). */
  attention?(state: ReadonlyMap<string, T>): T;
  /** Tensors derived at bind (symmetrised weights, transposes, masks): freed by BoundNet.dispose(). */
  readonly tensors: readonly T[];
}

