/**
 * Couplings: free parameters → symmetric weights (on every use, so symmetry is exact
 * and gradients reach the free parameters through the map), and the closed-form
 * operators that give each layer its net input.
 *
 *   dense        E = −x_u·(x_l W);          up(x_l) = x_l W,        down(x_u) = x_u Wᵀ
 *   dense-within E = −½ x·(x S),  S = ½(W0+W0ᵀ), diag(S) ≥ 0 (|·|) or 0
 *   conv         E = −⟨x_u, conv(x_l, K)⟩;  down(x_u) = conv(x_u, flipSwap(K)) = conv-transpose of K
 *   conv-within  E = −½⟨x, conv(x, S)⟩, S = ½(K0 + flipSwap(K0)), centre self-taps ≥ 0 (|·|) or 0
 *
 * flipSwap reverses both spatial axes and swaps in/out channels: seed Case 2's
 * w_down[g,f,−a,−b] = w_up[f,g,a,b], here in tfjs's [k, k, in, out] filter layout.
 *
 * A conv end may be a token layer seen through an unpatch view V, a permutation of its
 * units: the conv reads V·x and its net input returns as Vᵀ·z = V⁻¹·z, so E and symmetry are unchanged.
 */
import { tf } from '../tf.js';
import type { CouplingSpec, GridView } from '../compile/plan.js';
import { convolution, flipSwap, product } from './products.js';
import { asGrid, fromGrid } from './patches.js';
import { bindAttention } from './attention-couplings.js';

export { flipSwap };

type T = tf.Tensor;

function flat(x: T): tf.Tensor2D {
  return tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
}

/** 1 on the self-connections: the diagonal of a dense matrix, or the centre taps W[r, r, f, f] of a square kernel. */
function selfMask(shape: readonly number[]): T {
  if (shape.length === 2) return tf.eye(shape[0]);
  const [k, , c] = shape;
  const r = (k - 1) / 2;
  const centre = tf.buffer([k, k, 1, 1]);
  centre.set(1, r, r, 0, 0);
  return tf.mul(centre.toTensor(), tf.reshape(tf.eye(c), [1, 1, c, c]));
}

function withSelfConnections(sym: T, mode: 'nonnegative' | 'zero'): T {
  const m = selfMask(sym.shape);
  const off = tf.mul(sym, tf.sub(1, m));
  return mode === 'zero' ? off : tf.add(off, tf.mul(tf.abs(sym), m));
}

/** The symmetric weights a coupling uses, from its free parameter. */
export function symmetricWeights(spec: CouplingSpec, free: T): T {
  switch (spec.kind) {
    case 'dense':
    case 'conv':
    case 'self-attention':
    case 'cross-attention':
    case 'hopfield-memory':
      return free;
    case 'dense-within':
      return withSelfConnections(tf.mul(0.5, tf.add(free, tf.transpose(free))), spec.selfConnections);
    case 'conv-within':
      return withSelfConnections(tf.mul(0.5, tf.add(free, flipSwap(free))), spec.selfConnections);
  }
}

/**
 * Tensors a bound coupling derives from its parameter are kept (they must outlive the
 * forward scope of a gradient, where the custom gradients read them) and freed by
 * BoundNet.dispose(); the parameter itself is returned as is.
 */
function keepDerived(t: T, free: T): T {
  return t === free ? t : tf.keep(t);
}

/** A coupling with its weights bound for one settle: the operators read these tensors. */
export interface BoundCoupling {
  readonly spec: CouplingSpec;
  /** Net input into `upper` (between) or into the layer itself (within). */
  forward(x: T, targetShape: readonly number[]): T;
  /** Net input into `lower` from `upper` (between couplings only). */
  backward(x: T, targetShape: readonly number[]): T;
  /** Per-example coupling energy. */
  energy(state: ReadonlyMap<string, T>): tf.Tensor1D;
  /**
   * For couplings whose net input is nonlinear in the state (attention): gᵀ·∂forward/∂x at x.
   * Linear couplings have none: the adjoint of their forward is their backward.
   */
  vjp?(x: T, g: T): T;
  /**
   * Terms that read more than their source (cross-attention reads the queries' own state
   * too): the net input from the whole state, and the cotangents it sends to each layer.
   */
  fromState?(state: ReadonlyMap<string, T>): T;
  vjpState?(state: ReadonlyMap<string, T>, g: T): Map<string, T>;
  /** Attention blocks: the weights of every head at this state ([B, H, T, T]; memory: [B, T, P]). */
  attention?(state: ReadonlyMap<string, T>): T;
  readonly tensors: readonly T[];
}

const sumPerExample = (t: T): tf.Tensor1D => tf.sum(flat(t), 1) as tf.Tensor1D;

export function bindCoupling(spec: CouplingSpec, params: ReadonlyMap<string, T>): BoundCoupling {
  if (spec.kind === 'self-attention' || spec.kind === 'hopfield-memory' || spec.kind === 'cross-attention') return bindAttention(spec, params);
  const free = params.get(spec.param)!;
  // Intermediates of the map are freed here; the bound weights live until BoundNet.dispose().
  const w = keepDerived(tf.tidy(() => symmetricWeights(spec, free)), free);
  switch (spec.kind) {
    case 'dense': {
      const wT = tf.keep(tf.tidy(() => tf.transpose(w))) as tf.Tensor2D;
      const w2 = w as tf.Tensor2D;
      const up = (x: T, shape: readonly number[]) => tf.reshape(product(flat(x), w2, wT), [x.shape[0], ...shape.slice(1)]);
      return {
        spec,
        forward: up,
        backward: (x, shape) => tf.reshape(product(flat(x), wT, w2), [x.shape[0], ...shape.slice(1)]),
        energy: (s) => tf.neg(sumPerExample(tf.mul(flat(s.get(spec.upper)!), flat(up(s.get(spec.lower)!, s.get(spec.upper)!.shape))))),
        tensors: [w, wT],
      };
    }
    case 'dense-within':
      return withinCoupling(spec, w, (x) => tf.reshape(product(flat(x), w as tf.Tensor2D, w as tf.Tensor2D), x.shape));
    case 'conv': {
      const down = tf.keep(tf.tidy(() => flipSwap(w))) as tf.Tensor4D;
      const k = w as tf.Tensor4D;
      const { lowerView, upperView } = spec;
      const up = (x: T) => viewed(() => fromGrid(convolution(asGrid(x, lowerView), k, down), upperView), lowerView, upperView);
      return {
        spec,
        forward: up,
        // The views are permutations, so the adjoint of grid→tokens is tokens→grid: down mirrors up exactly.
        backward: (x) => viewed(() => fromGrid(convolution(asGrid(x, upperView), down, k), lowerView), lowerView, upperView),
        energy: (s) => tf.neg(sumPerExample(tf.mul(s.get(spec.upper)!, up(s.get(spec.lower)!)))),
        tensors: [w, down],
      };
    }
    case 'conv-within': {
      const { view } = spec;
      // The symmetric kernel is its own conv-transpose; seen through a view V it becomes Vᵀ·S·V, still symmetric.
      return withinCoupling(spec, w, (x) => viewed(() => fromGrid(convolution(asGrid(x, view), w as tf.Tensor4D, w as tf.Tensor4D), view), view));
    }
  }
}

/** Runs a product through views in its own scope, so the permuted copies are freed at once; plain grids skip the scope. */
function viewed(f: () => T, ...views: (GridView | undefined)[]): T {
  return views.some((v) => v !== undefined) ? tf.tidy(f) : f();
}

/** A self-adjoint coupling inside one layer: E = −½⟨x, W(x)⟩, net input W(x). */
function withinCoupling(spec: Extract<CouplingSpec, { kind: 'dense-within' | 'conv-within' }>, w: T, within: (x: T) => T): BoundCoupling {
  return {
    spec,
    forward: within,
    backward: within,
    energy: (s) => tf.mul(-0.5, sumPerExample(tf.mul(s.get(spec.layer)!, within(s.get(spec.layer)!)))) as tf.Tensor1D,
    tensors: [w],
  };
}
