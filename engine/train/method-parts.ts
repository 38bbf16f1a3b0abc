/** What the gradient methods share: their options and result, the step context of a seeded run, the variables they differentiate. */
import { tf } from '../tf.js';
import type { BoundNet, Network } from '../runtime/network.js';
import type { Batch } from '../runtime/batch.js';
import type { StepContext } from '../runtime/step.js';
import { makeRng } from '../data/rng.js';
import type { AdjointSolver, EqpropConfig } from '../../nodes/config.js';

export interface MethodOptions {
  /** T: iterations unrolled, or the most settled before the adjoint. */
  readonly steps: number;
  readonly theta: number;
  readonly seed: number;
  readonly adjoint: { readonly tolerance: number; readonly maxSteps: number; readonly solver?: AdjointSolver };
  /** Unrolled methods: freeze each example at its t* and end when all have (default), or run all T. */
  readonly stopAtTStar?: boolean;
  /** Equilibrium propagation: β, ±β or +β only, the nudged phases' step budget (default `steps`). */
  readonly eqprop?: EqpropConfig;
  /** bptt and every-step on the tape even where the explicit backward pass applies (tests compare the two). */
  readonly taped?: boolean;
}

export interface GradientResult {
  readonly loss: number;
  /** By parameter name; the caller owns (and disposes) these tensors. */
  readonly grads: Map<string, tf.Tensor>;
  readonly tStar: number[];
  readonly cycle2: number;
  readonly tossed: number;
  readonly tossedWhy: { notSettled: number; diverged: number };
  readonly iterations: number;
  /** Recurrent backprop: the adjoint's steps; equilibrium propagation: the nudged phases' iterations. */
  readonly adjointSteps: number;
  /** Equilibrium propagation: t* per example of the +β and −β phases, and how many examples fell back to the one-sided estimate. */
  readonly nudged?: { readonly plus: number[]; readonly minus?: number[]; readonly oneSided: number };
}

/**
 * The step context of a run seeded `seed`, with the shuffle its orders are drawn with: one
 * stream, drawn in the order settle draws it, so an unroll replays the settle of the same
 * seed. Binding happens inside a gradient scope where there is one; the caller disposes
 * the bound net.
 */
export function context(batch: Batch, seed: number, net: BoundNet): { ctx: StepContext; shuffle: <T>(a: T[]) => T[] } {
  const rng = makeRng(seed);
  return { ctx: { net, clamps: batch.clamps, dropout: batch.dropout, nextSeed: () => rng.int(2 ** 31) }, shuffle: (a) => rng.shuffle(a) };
}

/** The variables gradients are taken for: stored patterns taken from data are constants. */
export function trainable(network: Network): tf.Variable[] {
  return [...network.params.values()].filter((v) => v.trainable);
}

export function byParamName(network: Network, grads: tf.NamedTensorMap): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, v] of network.params) {
    const g = grads[v.name];
    out.set(name, g ?? tf.zerosLike(v));
  }
  return out;
}

