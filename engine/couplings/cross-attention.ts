/**
 * Cross-attention, a one-way flow (seed 002): tokens of the `queries` layer attend to the
 * tokens of the `keys` layer with the energy of self-attention,
 *   E = −β⁻¹ Σ_h Σ_i log Σ_{j∈N(i)} exp(β k_j·q_i),   z[queries] += Σ_h (A K)·Ŵ_Qᵀ
 * Only the queries move: E is concave in them (as the memory's, whose patterns here are the
 * keys), so their update descends; the keys never feel it, so nothing bounds the energy
 * unless the key layer is clamped whole.
 */
import type { CouplingSpecBase } from '../compile/plan-parts.js';
import { tokenView } from '../compile/views.js';
import type { AttentionMask } from '../compile/attention-structure.js';
import type { Tensor, Tensor2D, Tensor3D } from '../tf.js';
import type { CouplingKind } from './kind.js';
import { CONCAVE_NOTE, glorot, normalised } from './common.js';

export interface CrossAttentionSpec extends CouplingSpecBase<'cross-attention'> {
  /** `param` holds W_Q [d_q, H·dk], `keyParam` W_K [d_k, H·dk]. */
  readonly queries: string;
  readonly keys: string;
  readonly keyParam: string;
  readonly queryTokens: number;
  readonly queryDim: number;
  readonly keyTokens: number;
  readonly keyDim: number;
  readonly headDim: number;
  readonly heads: number;
  readonly beta: number;
  readonly mask: AttentionMask;
}

export const crossAttention: CouplingKind<'cross-attention', CrossAttentionSpec> = {
  kind: 'cross-attention',

  resolve(node, { ix, declare }) {
    const q = ix.single(node, 'queries', 'layer');
    const k = ix.single(node, 'keys', 'layer');
    if (!q || !k) return undefined;
    if (q.node.id === k.node.id) {
      ix.error(node.id, `both ends connect to layer "${q.node.id}"; a layer attending to itself is a self-attention node`, 'keys');
      return undefined;
    }
    const qv = tokenView(q.node.params.shape);
    const kv = tokenView(k.node.params.shape);
    const { heads, keyDim, beta, mask, gain } = node.params;
    if (mask.kind !== 'full' && qv.tokens !== kv.tokens) {
      ix.error(node.id, `a "${mask.kind}" mask pairs token i with token j, so it needs equal lengths; got ${qv.tokens} queries and ${kv.tokens} keys`, undefined, ['params', 'mask', 'kind']);
      return undefined;
    }
    const init = { gain, distribution: 'normal' as const };
    declare({ name: `${node.id}.q`, owner: node.id, shape: [qv.dim, heads * keyDim], init: glorot(init, qv.dim, keyDim) });
    declare({ name: `${node.id}.k`, owner: node.id, shape: [kv.dim, heads * keyDim], init: glorot(init, kv.dim, keyDim) });
    return {
      id: node.id,
      kind: 'cross-attention',
      param: `${node.id}.q`,
      keyParam: `${node.id}.k`,
      queries: q.node.id,
      keys: k.node.id,
      queryTokens: qv.tokens,
      queryDim: qv.dim,
      keyTokens: kv.tokens,
      keyDim: kv.dim,
      headDim: keyDim,
      heads,
      beta,
      mask,
    };
  },

  reads: (c) => [c.queries, c.keys],
  // One-way: only the queries feel it.
  writes: (c) => [c.queries],
  params: (c) => [c.param, c.keyParam],

  term: (c, layer) => ({
    coupling: c.id,
    direction: 'up',
    from: c.keys,
    math: `z[${layer}] += Σ_h (A K[${c.keys}])·Ŵ_Qᵀ,  A = softmax_N(β Q[${layer}] K[${c.keys}]ᵀ)  (one-way, ${c.heads} head${c.heads > 1 ? 's' : ''})`,
  }),

  descent: {
    couplesUnitsOfALayer: false,
    note: CONCAVE_NOTE,
    breaksDescent: (c, layerOf) =>
      layerOf(c.keys).fullyClamped
        ? undefined
        : `cross-attention "${c.id}" is one-way: layer "${c.keys}" moves without feeling it, so nothing bounds the energy; clamp "${c.keys}" whole for descent`,
  },

  workspace: (c) => [
    { what: `its ${c.queryTokens}×${c.keyTokens} attention mask`, values: c.queryTokens * c.keyTokens, perExample: false, path: ['params', 'mask'] },
    { what: `its attention weights (${c.heads} head${c.heads > 1 ? 's' : ''} of ${c.queryTokens}×${c.keyTokens} per example)`, values: c.heads * c.queryTokens * c.keyTokens, perExample: true, path: ['params', 'heads'] },
  ],

  flops: (c, _, batch) => 2 * batch * c.heads * c.headDim * (2 * c.queryTokens * c.queryDim + c.keyTokens * c.keyDim + 2 * c.queryTokens * c.keyTokens),

  bind(c, params, kit) {
    const { tf, attention } = kit;
    const made = tf.tidy(() => {
      const wq = normalised(params.get(c.param)!, kit);
      const wk = normalised(params.get(c.keyParam)!, kit);
      // [Tq, Tk] additive mask: windows and causal masks need equal lengths (checked at resolve).
      const mask = c.mask.kind === 'full' ? tf.zeros([c.queryTokens, c.keyTokens]) : attention.additiveMask(c.mask, c.queryTokens);
      return [wq, wk, tf.transpose(wq), tf.transpose(wk), mask];
    });
    made.forEach((t) => tf.keep(t));
    const [wq, wk, wqT, wkT, mask] = made as [Tensor2D, Tensor2D, Tensor2D, Tensor2D, Tensor2D];
    const w = { wq, wk, wqT, wkT, heads: c.heads, beta: c.beta, mask };
    const qTokens = (x: Tensor) => tf.reshape(x, [x.shape[0], c.queryTokens, c.queryDim]) as Tensor3D;
    const kTokens = (x: Tensor) => tf.reshape(x, [x.shape[0], c.keyTokens, c.keyDim]) as Tensor3D;
    const netInput = (xq: Tensor, xk: Tensor) => tf.reshape(attention.crossAttentionNetInput(qTokens(xq), kTokens(xk), w), xq.shape);
    return {
      spec: c,
      netInput: (_, s) => netInput(s.get(c.queries)!, s.get(c.keys)!),
      // The term reads both layers: its cotangent goes back to each.
      vjp(_, s, g) {
        const [dq, dk] = tf.grads((xq: Tensor, xk: Tensor) => tf.sum(tf.mul(netInput(xq, xk), g)))([s.get(c.queries)!, s.get(c.keys)!]);
        return new Map([
          [c.queries, dq],
          [c.keys, dk],
        ]);
      },
      energy: (s) => attention.crossAttentionEnergy(qTokens(s.get(c.queries)!), kTokens(s.get(c.keys)!), w),
      attention: (s) => attention.crossAttention(qTokens(s.get(c.queries)!), kTokens(s.get(c.keys)!), w).a,
      tensors: made,
    };
  },

  view: (_, __, free) => ({ values: free }),
};
