/**
 * Attention blocks bound as couplings on a layer seen as tokens [T, d] (attention.ts holds
 * the math). Their net input is nonlinear in the state, so they also give a vector–Jacobian
 * product for the recurrent-backprop adjoint.
 *
 * Self-attention uses Ŵ = W/‖W‖_F for queries and keys, so ‖Ŵ_Q Ŵ_Kᵀ‖₂ ≤ 1 holds by
 * parametrisation: the step bound of selfAttentionStepBound rests on it.
 */
import { tf } from '../tf.js';
import type { CouplingSpec } from '../compile/plan.js';
import {
  additiveMask,
  memoryEnergy,
  memoryNetInput,
  memoryWeights,
  selfAttention,
  selfAttentionEnergy,
  selfAttentionNetInput,
  crossAttention,
  crossAttentionEnergy,
  crossAttentionNetInput,
  type MemoryWeights,
  type SelfAttentionWeights,
} from './attention.js';
import type { BoundCoupling } from './couplings.js';
import { cutPatches, putPatches } from './patches.js';
import { sinusoidalTable } from '../compile/attention-structure.js';

type T = tf.Tensor;
type AttentionSpec = Extract<CouplingSpec, { kind: 'self-attention' | 'hopfield-memory' }>;
type CrossSpec = Extract<CouplingSpec, { kind: 'cross-attention' }>;

/**
 * The state as tokens [B, T, d]: reshaped, or cut into patches when the block reads a patches
 * node — of the grid an unpatch node puts a token layer's patches back into, when it reads one.
 */
function tokens(x: T, spec: AttentionSpec): tf.Tensor3D {
  const v = spec.view;
  if (!v) return tf.reshape(x, [x.shape[0], spec.tokens, spec.dim]) as tf.Tensor3D;
  const u = v.unpatch;
  if (!u) return cutPatches(x as tf.Tensor4D, v.patch);
  return tf.tidy(() => cutPatches(putPatches(x as tf.Tensor3D, u.height, u.width, u.channels, u.patch), v.patch));
}

/** Tokens back in the layer's own layout (patches put back into the grid, and that grid cut back into the layer's tokens). */
function untokens(t: tf.Tensor3D, like: T, spec: AttentionSpec): T {
  const v = spec.view;
  if (!v) return tf.reshape(t, like.shape);
  const u = v.unpatch;
  if (!u) return putPatches(t, v.height, v.width, v.channels, v.patch);
  return tf.tidy(() => cutPatches(putPatches(t, v.height, v.width, v.channels, v.patch), u.patch));
}

/** gᵀ·∂f/∂x by autodiff: attention terms are small next to the couplings between layers. */
function vjpOf(f: (x: T) => T): (x: T, g: T) => T {
  return (x, g) => tf.grad((v: T) => tf.sum(tf.mul(f(v), g)))(x);
}

const normalised = (w: T): tf.Tensor2D => tf.div(w, tf.norm(w)) as tf.Tensor2D;

/** The positional table [T, D] in [−1, 1]: fixed sinusoids, or tanh of the learned parameter (bounded, for the step bound). */
function positionalTable(spec: Extract<AttentionSpec, { kind: 'self-attention' }>, params: ReadonlyMap<string, T>): T[] {
  if (!spec.positional) return [];
  if (spec.posParam) return [tf.tanh(params.get(spec.posParam)!)];
  return [tf.tensor2d(sinusoidalTable(spec.tokens, spec.positional.dim), [spec.tokens, spec.positional.dim])];
}

export function bindAttention(spec: AttentionSpec | CrossSpec, params: ReadonlyMap<string, T>): BoundCoupling {
  if (spec.kind === 'cross-attention') return bindCross(spec, params);
  if (spec.kind === 'self-attention') {
    const made = tf.tidy(() => {
      const wq = normalised(params.get(spec.param)!);
      const wk = normalised(params.get(spec.keyParam)!);
      return [wq, wk, tf.transpose(wq), tf.transpose(wk), additiveMask(spec.mask, spec.tokens), ...positionalTable(spec, params)] as T[];
    });
    // Kept past a gradient's forward scope, like every bound weight (couplings.ts); BoundNet frees them.
    made.forEach((t) => tf.keep(t));
    const [wq, wk, wqT, wkT, mask, pos] = made as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
    const w: SelfAttentionWeights = { wq, wk, wqT, wkT, heads: spec.heads, beta: spec.beta, mask };
    // What queries and keys read: the content, with the positional pathway added or set beside it.
    const read = (x: tf.Tensor3D): tf.Tensor3D => {
      if (!pos || !spec.positional) return x;
      if (spec.positional.combine === 'add') return tf.add(x, pos) as tf.Tensor3D;
      return tf.concat([x, tf.tile(tf.expandDims(pos, 0), [x.shape[0], 1, 1])], 2) as tf.Tensor3D;
    };
    const forward = (x: T) => {
      const z = selfAttentionNetInput(read(tokens(x, spec)), w);
      // −∂E/∂x: an added encoding passes the gradient through; a concatenated one takes its own columns.
      const content = spec.positional?.combine === 'concat' ? (tf.slice(z, [0, 0, 0], [z.shape[0], spec.tokens, spec.dim]) as tf.Tensor3D) : z;
      return untokens(content, x, spec);
    };
    return {
      spec,
      forward,
      backward: forward,
      energy: (s) => selfAttentionEnergy(read(tokens(s.get(spec.layer)!, spec)), w),
      vjp: vjpOf(forward),
      attention: (s) => selfAttention(read(tokens(s.get(spec.layer)!, spec)), w).a,
      tensors: made,
    };
  }
  if (spec.projection !== undefined) return bindProjectedMemory(spec, params);
  const y = params.get(spec.param)! as tf.Tensor2D;
  const yT = tf.keep(tf.tidy(() => tf.transpose(y))) as tf.Tensor2D;
  const m: MemoryWeights = { y, yT, beta: spec.beta };
  const forward = (x: T) => untokens(memoryNetInput(tokens(x, spec), m), x, spec);
  return {
    spec,
    forward,
    backward: forward,
    energy: (s) => memoryEnergy(tokens(s.get(spec.layer)!, spec), m),
    vjp: vjpOf(forward),
    attention: (s) => {
      const x = tokens(s.get(spec.layer)!, spec);
      return tf.reshape(memoryWeights(x, m), [x.shape[0], spec.tokens, spec.patterns]);
    },
    tensors: [y, yT],
  };
}

/**
 * A memory compared in a projected space: scores β (ξW_Q)·(yW_K), so E = −β⁻¹ lse over the
 * projected keys K = YW_K and −∂E/∂ξ = softmax(β ξW_Q Kᵀ) K W_Qᵀ. Still concave in ξ: descent.
 */
function bindProjectedMemory(spec: Extract<AttentionSpec, { kind: 'hopfield-memory' }>, params: ReadonlyMap<string, T>): BoundCoupling {
  const made = tf.tidy(() => {
    const wq = params.get(`${spec.id}.q`)! as tf.Tensor2D;
    const keys = tf.matMul(params.get(spec.param)! as tf.Tensor2D, params.get(`${spec.id}.k`)! as tf.Tensor2D);
    return [keys, tf.transpose(keys), tf.transpose(wq)] as T[];
  });
  made.forEach((t) => tf.keep(t));
  const [keys, keysT, wqT] = made as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const wq = params.get(`${spec.id}.q`)! as tf.Tensor2D;
  const m: MemoryWeights = { y: keys, yT: keysT, beta: spec.beta };
  const project = (x: T): tf.Tensor3D => {
    const t = tokens(x, spec);
    const [b, n, d] = t.shape;
    return tf.reshape(tf.matMul(tf.reshape(t, [b * n, d]) as tf.Tensor2D, wq), [b, n, wq.shape[1]]) as tf.Tensor3D;
  };
  const forward = (x: T) => {
    const z = memoryNetInput(project(x), m);
    const [b, n, p] = z.shape;
    return untokens(tf.reshape(tf.matMul(tf.reshape(z, [b * n, p]) as tf.Tensor2D, wqT), [b, n, spec.dim]) as tf.Tensor3D, x, spec);
  };
  return {
    spec,
    forward,
    backward: forward,
    energy: (s) => memoryEnergy(project(s.get(spec.layer)!), m),
    vjp: vjpOf(forward),
    attention: (s) => {
      const x = project(s.get(spec.layer)!);
      return tf.reshape(memoryWeights(x, m), [x.shape[0], spec.tokens, spec.patterns]);
    },
    tensors: made,
  };
}

/** Cross-attention: the net input into the queries reads both layers; the keys feel nothing. */
function bindCross(spec: CrossSpec, params: ReadonlyMap<string, T>): BoundCoupling {
  const made = tf.tidy(() => {
    const wq = normalised(params.get(spec.param)!);
    const wk = normalised(params.get(spec.keyParam)!);
    return [wq, wk, tf.transpose(wq), tf.transpose(wk), crossMask(spec)] as T[];
  });
  made.forEach((t) => tf.keep(t));
  const [wq, wk, wqT, wkT, mask] = made as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const w: SelfAttentionWeights = { wq, wk, wqT, wkT, heads: spec.heads, beta: spec.beta, mask };
  const qTokens = (x: T) => tf.reshape(x, [x.shape[0], spec.queryTokens, spec.queryDim]) as tf.Tensor3D;
  const kTokens = (x: T) => tf.reshape(x, [x.shape[0], spec.keyTokens, spec.keyDim]) as tf.Tensor3D;
  const netInput = (xq: T, xk: T) => tf.reshape(crossAttentionNetInput(qTokens(xq), kTokens(xk), w), xq.shape);
  const fromState = (s: ReadonlyMap<string, T>) => netInput(s.get(spec.queries)!, s.get(spec.keys)!);
  const refuse = (): never => {
    throw new Error(`cross-attention "${spec.id}" reads two layers: use fromState`);
  };
  return {
    spec,
    forward: refuse,
    backward: refuse,
    fromState,
    vjpState: (s, g) => {
      const [dq, dk] = tf.grads((xq: T, xk: T) => tf.sum(tf.mul(netInput(xq, xk), g)))([s.get(spec.queries)!, s.get(spec.keys)!]);
      return new Map([
        [spec.queries, dq],
        [spec.keys, dk],
      ]);
    },
    energy: (s) => crossAttentionEnergy(qTokens(s.get(spec.queries)!), kTokens(s.get(spec.keys)!), w),
    attention: (s) => crossAttention(qTokens(s.get(spec.queries)!), kTokens(s.get(spec.keys)!), w).a,
    tensors: made,
  };
}

/** [Tq, Tk] additive mask: windows and causal masks need equal lengths (checked by the compiler). */
function crossMask(spec: CrossSpec): T {
  return spec.mask.kind === 'full' ? tf.zeros([spec.queryTokens, spec.keyTokens]) : additiveMask(spec.mask, spec.queryTokens);
}
