/**
 * Tensor helpers several coupling kinds bind with (handed to them in runtime/tensor-kit.ts):
 * per-example sums, the self-connection rule of within-layer weights, views run in their own scope,
 * and the self-adjoint within-layer binding.
 */
import { tf } from '../tf.js';
import type { CouplingSpecBase, GridView } from '../compile/plan-parts.js';
import type { BoundCoupling } from './bound-coupling.js';

type T = tf.Tensor;

export function flat(x: T): tf.Tensor2D {
  return tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
}

export const sumPerExample = (t: T): tf.Tensor1D => tf.sum(flat(t), 1) as tf.Tensor1D;

/** 1 on the self-connections: the diagonal of a dense matrix, or the centre taps W[r, r, f, f] of a square kernel. */
function selfMask(shape: readonly number[]): T {
  if (shape.length === 2) return tf.eye(shape[0]);
  const [k, , c] = shape;
  const r = (k - 1) / 2;
  const centre = tf.buffer([k, k, 1, 1]);
  centre.set(1, r, r, 0, 0);
  return tf.mul(centre.toTensor(), tf.reshape(tf.eye(c), [1, 1, c, c]));
}

/** Self-connections ≥ 0 (|·|, so gradients still flow) or exactly 0. */
export function withSelfConnections(sym: T, mode: 'nonnegative' | 'zero'): T {
  const m = selfMask(sym.shape);
  const off = tf.mul(sym, tf.sub(1, m));
  return mode === 'zero' ? off : tf.add(off, tf.mul(tf.abs(sym), m));
}

/** Runs a product through views in its own scope, so the permuted copies are freed at once; plain layers skip the scope. */
export function viewed(f: () => T, ...views: (GridView | undefined)[]): T {
  return views.some((v) => v !== undefined) ? tf.tidy(f) : f();
}

/** gᵀ·∂f/∂x by autodiff, for terms whose net input is nonlinear in the state (attention). */
export function vjpOf(f: (x: T) => T): (x: T, g: T) => T {
  return (x, g) => tf.grad((v: T) => tf.sum(tf.mul(f(v), g)))(x);
}

/**
 * A self-adjoint coupling inside one layer: E = −½⟨x, W(x)⟩ with W symmetric, so the net
 * input is W(x) and the adjoint of the term is W itself.
 */
export function withinCoupling(spec: CouplingSpecBase, layer: string, w: T, within: (x: T) => T): BoundCoupling {
  return {
    spec,
    netInput: (_, s) => within(s.get(layer)!),
    vjp: (_, __, g) => new Map([[layer, within(g)]]),
    energy: (s) => tf.mul(-0.5, sumPerExample(tf.mul(s.get(layer)!, within(s.get(layer)!)))),
    tensors: [w],
  };
}
