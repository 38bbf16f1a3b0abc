/**
 * Attention blocks as energy terms (DESIGN §4), as pure tensor functions.
 *
 * Hopfield memory (Ramsauer et al. 2020), per token ξ and stored patterns Y [P, d]:
 *   E = −β⁻¹ log Σ_μ exp(β y_μ·ξ)          (the ½‖ξ‖² is the layer's linear barrier)
 *   z = −∂E/∂ξ = Yᵀ softmax(β Y ξ)
 *
 * Energy self-attention (Hoover et al. 2023), per head h, queries q = x·W_Q, keys k = x·W_K:
 *   E = −β⁻¹ Σ_h Σ_i log Σ_{j∈N(i)} exp(β k_j·q_i)
 *   −∂E/∂x = (A K)·W_Qᵀ + (Aᵀ Q)·W_Kᵀ,   A = softmax over N(i) of β Q Kᵀ (the attention weights)
 * Weights outside N(i) are exactly zero: masked scores get −1e9, whose exp underflows to 0.
 *
 * Shapes: x [B, T, d]; W_Q, W_K [d, H·dk] (so the forward product needs no transpose).
 */
import { tf } from '../tf.js';
import { maskMatrix, type AttentionMask } from '../compile/attention-structure.js';
import { ensureTensorFits } from '../compile/limits.js';

export { maskMatrix, maxAttendedBy, selfAttentionStepBound, type AttentionMask } from '../compile/attention-structure.js';

const MASKED = -1e9;

/** Additive mask [T, T]: 0 inside N(i), −1e9 outside. */
export function additiveMask(mask: AttentionMask, tokens: number): tf.Tensor2D {
  // The compiler refuses such a block already; this is the last check before the T×T allocation.
  ensureTensorFits(tokens * tokens, `a ${tokens}×${tokens} attention mask`);
  const m = maskMatrix(mask, tokens);
  return tf.tensor2d(m.map((v) => (v === 1 ? 0 : MASKED)), [tokens, tokens]);
}

export interface SelfAttentionWeights {
  readonly wq: tf.Tensor2D;
  readonly wk: tf.Tensor2D;
  /** Materialised transposes [H·dk, d], for the net input without transposed products. */
  readonly wqT: tf.Tensor2D;
  readonly wkT: tf.Tensor2D;
  readonly heads: number;
  readonly beta: number;
  /** Additive mask [T, T]. */
  readonly mask: tf.Tensor2D;
}

/** [B, T, H·dk] → [B, H, T, dk] */
function splitHeads(t: tf.Tensor2D, batch: number, tokens: number, heads: number): tf.Tensor4D {
  const dk = t.shape[1] / heads;
  return tf.transpose(tf.reshape(t, [batch, tokens, heads, dk]), [0, 2, 1, 3]) as tf.Tensor4D;
}

function joinHeads(t: tf.Tensor4D): tf.Tensor2D {
  const [b, h, n, dk] = t.shape;
  return tf.reshape(tf.transpose(t, [0, 2, 1, 3]), [b * n, h * dk]) as tf.Tensor2D;
}

/** Queries, keys and the attention weights A [B, H, T, T] of tokens x [B, T, d]. */
export function selfAttention(x: tf.Tensor3D, w: SelfAttentionWeights): { q: tf.Tensor4D; k: tf.Tensor4D; scores: tf.Tensor4D; a: tf.Tensor4D } {
  const [b, n, d] = x.shape;
  const flat = tf.reshape(x, [b * n, d]) as tf.Tensor2D;
  const q = splitHeads(tf.matMul(flat, w.wq), b, n, w.heads);
  const k = splitHeads(tf.matMul(flat, w.wk), b, n, w.heads);
  const kT = tf.transpose(k, [0, 1, 3, 2]);
  const scores = tf.add(tf.mul(w.beta, tf.matMul(q, kT)), w.mask) as tf.Tensor4D;
  return { q, k, scores, a: tf.softmax(scores) as tf.Tensor4D };
}

/** Per-example energy −β⁻¹ Σ_h Σ_i logsumexp_j(β k_j·q_i) over N(i). */
export function selfAttentionEnergy(x: tf.Tensor3D, w: SelfAttentionWeights): tf.Tensor1D {
  const { scores } = selfAttention(x, w);
  return tf.mul(-1 / w.beta, tf.sum(tf.logSumExp(scores, 3), [1, 2])) as tf.Tensor1D;
}

/** −∂E/∂x in closed form [B, T, d]. */
export function selfAttentionNetInput(x: tf.Tensor3D, w: SelfAttentionWeights): tf.Tensor3D {
  const [b, n, d] = x.shape;
  const { q, k, a } = selfAttention(x, w);
  const ak = joinHeads(tf.matMul(a, k) as tf.Tensor4D);
  const aTq = joinHeads(tf.matMul(tf.transpose(a, [0, 1, 3, 2]), q) as tf.Tensor4D);
  return tf.reshape(tf.add(tf.matMul(ak, w.wqT), tf.matMul(aTq, w.wkT)), [b, n, d]) as tf.Tensor3D;
}

export interface MemoryWeights {
  /** Patterns Y [P, d] and Yᵀ [d, P]. */
  readonly y: tf.Tensor2D;
  readonly yT: tf.Tensor2D;
  readonly beta: number;
}

/** Retrieval weights softmax(β Y ξ) [B·T, P] for tokens ξ [B, T, d]. */
export function memoryWeights(xi: tf.Tensor3D, m: MemoryWeights): tf.Tensor2D {
  const [b, n, d] = xi.shape;
  return tf.softmax(tf.mul(m.beta, tf.matMul(tf.reshape(xi, [b * n, d]) as tf.Tensor2D, m.yT))) as tf.Tensor2D;
}

/** Per-example energy −β⁻¹ Σ_tokens logsumexp_μ(β y_μ·ξ). */
export function memoryEnergy(xi: tf.Tensor3D, m: MemoryWeights): tf.Tensor1D {
  const [b, n, d] = xi.shape;
  const s = tf.mul(m.beta, tf.matMul(tf.reshape(xi, [b * n, d]) as tf.Tensor2D, m.yT));
  return tf.mul(-1 / m.beta, tf.sum(tf.reshape(tf.logSumExp(s, 1), [b, n]), 1)) as tf.Tensor1D;
}

/** −∂E/∂ξ = Yᵀ softmax(β Y ξ), [B, T, d]. */
export function memoryNetInput(xi: tf.Tensor3D, m: MemoryWeights): tf.Tensor3D {
  return tf.reshape(tf.matMul(memoryWeights(xi, m), m.y), xi.shape) as tf.Tensor3D;
}

/**
 * Cross-attention (one-way flow, seed 002): queries from tokens x [B, Tq, dq], keys from
 * another layer's tokens y [B, Tk, dk]:
 *   E = −β⁻¹ Σ_h Σ_i log Σ_{j∈N(i)} exp(β k_j·q_i),   −∂E/∂x = (A K)·W_Qᵀ
 * Only x feels it. As a function of x (y fixed) E is concave, so x ← f(z) with it linearised
 * descends (as the Hopfield memory, whose patterns here are the keys).
 */
export function crossAttention(x: tf.Tensor3D, y: tf.Tensor3D, w: SelfAttentionWeights): { k: tf.Tensor4D; a: tf.Tensor4D; scores: tf.Tensor4D } {
  const [b, nq, dq] = x.shape;
  const [, nk, dk] = y.shape;
  const q = splitHeads(tf.matMul(tf.reshape(x, [b * nq, dq]) as tf.Tensor2D, w.wq), b, nq, w.heads);
  const k = splitHeads(tf.matMul(tf.reshape(y, [b * nk, dk]) as tf.Tensor2D, w.wk), b, nk, w.heads);
  const scores = tf.add(tf.mul(w.beta, tf.matMul(q, tf.transpose(k, [0, 1, 3, 2]))), w.mask) as tf.Tensor4D;
  return { k, a: tf.softmax(scores) as tf.Tensor4D, scores };
}

export function crossAttentionEnergy(x: tf.Tensor3D, y: tf.Tensor3D, w: SelfAttentionWeights): tf.Tensor1D {
  const { scores } = crossAttention(x, y, w);
  return tf.mul(-1 / w.beta, tf.sum(tf.logSumExp(scores, 3), [1, 2])) as tf.Tensor1D;
}

/** −∂E/∂x [B, Tq, dq]. */
export function crossAttentionNetInput(x: tf.Tensor3D, y: tf.Tensor3D, w: SelfAttentionWeights): tf.Tensor3D {
  const { k, a } = crossAttention(x, y, w);
  return tf.reshape(tf.matMul(joinHeads(tf.matMul(a, k) as tf.Tensor4D), w.wqT), x.shape) as tf.Tensor3D;
}
