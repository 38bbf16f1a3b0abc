/**
 * Energy self-attention over a layer's tokens (Hoover et al. 2023; DESIGN §4), one
 * recurrent attractor with weights tied across iterations:
 *   E = −β⁻¹ Σ_h Σ_i log Σ_{j∈N(i)} exp(β k_j·q_i),   q = Ŵ_Q x̃, k = Ŵ_K x̃,  Ŵ = W/‖W‖_F
 *   z[layer] += −∂E/∂x = Σ_h (A K)·Ŵ_Qᵀ + (Aᵀ Q)·Ŵ_Kᵀ,   x ← (1−α)x + α·f(z)
 * x̃ is the content, with a positional pathway added or concatenated. ‖Ŵ_Q Ŵ_Kᵀ‖₂ ≤ 1 holds
 * by parametrisation: the step bound of selfAttentionStepBound rests on it.
 */
import type { CouplingSpecBase, PatchView } from '../compile/plan-parts.js';
import { tokenInput } from '../compile/views.js';
import { maxAttendedBy, selfAttentionStepBound, sinusoidalTable, tokenRadius2, type AttentionMask, type PositionalSpec } from '../compile/attention-structure.js';
import type { Tensor, Tensor2D, Tensor3D } from '../tf.js';
import type { CouplingKind, Kit } from './kind.js';
import { glorot, normalised, unpatchedText } from './common.js';

export interface SelfAttentionSpec extends CouplingSpecBase<'self-attention'> {
  /** `param` holds W_Q [d, H·dk]; `keyParam` W_K. */
  readonly layer: string;
  readonly keyParam: string;
  readonly tokens: number;
  readonly dim: number;
  readonly heads: number;
  readonly keyDim: number;
  readonly beta: number;
  readonly step: number;
  readonly mask: AttentionMask;
  readonly view?: PatchView;
  /** A positional pathway; a learned table is the parameter `posParam` [T, width], used as tanh(·). */
  readonly positional?: PositionalSpec;
  readonly posParam?: string;
}

/** Which pathways queries and keys read, for the plan a user reads. */
function pathway(p: PositionalSpec | undefined): string {
  if (!p) return 'content pathway only';
  return `content + ${p.encoding} positional pathway, ${p.combine === 'add' ? 'added' : `concatenated (${p.dim} wide)`}`;
}

/** The positional table [T, D] in [−1, 1]: fixed sinusoids, or tanh of the learned parameter (bounded, for the step bound). */
function positionalTable(c: SelfAttentionSpec, params: ReadonlyMap<string, Tensor>, { tf }: Kit): Tensor[] {
  if (!c.positional) return [];
  if (c.posParam) return [tf.tanh(params.get(c.posParam)!)];
  return [tf.tensor2d(sinusoidalTable(c.tokens, c.positional.dim), [c.tokens, c.positional.dim])];
}

export const selfAttention: CouplingKind<'self-attention', SelfAttentionSpec> = {
  kind: 'self-attention',

  resolve(node, { ix, unpatches, declare }) {
    const layer = tokenInput(ix, unpatches, node);
    if (!layer) return undefined;
    const { tokens, dim, view } = layer;
    const { heads, keyDim, beta, step, mask, gain } = node.params;
    const pos = node.params.positional;
    const positional = pos.encoding === 'none' ? undefined : { encoding: pos.encoding, combine: pos.combine, dim: pos.combine === 'add' ? dim : pos.dim };
    const inDim = positional?.combine === 'concat' ? dim + positional.dim : dim;
    if (mask.kind === 'local-global' && mask.global > tokens) {
      ix.error(node.id, `expected at most ${tokens} global tokens (layer "${layer.node.id}" has ${tokens}), got ${mask.global}`, undefined, ['params', 'mask', 'global']);
      return undefined;
    }
    const init = { gain, distribution: 'normal' as const };
    declare({ name: `${node.id}.q`, owner: node.id, shape: [inDim, heads * keyDim], init: glorot(init, inDim, keyDim) });
    declare({ name: `${node.id}.k`, owner: node.id, shape: [inDim, heads * keyDim], init: glorot(init, inDim, keyDim) });
    const posParam = positional?.encoding === 'learned' ? `${node.id}.pos` : undefined;
    if (posParam && positional) declare({ name: posParam, owner: node.id, shape: [tokens, positional.dim], init: glorot({ gain: 1, distribution: 'normal' }, tokens, positional.dim) });
    return {
      id: node.id,
      kind: 'self-attention',
      param: `${node.id}.q`,
      keyParam: `${node.id}.k`,
      layer: layer.node.id,
      tokens,
      dim,
      heads,
      keyDim,
      beta,
      step,
      mask,
      ...(view ? { view } : {}),
      ...(positional ? { positional } : {}),
      ...(posParam ? { posParam } : {}),
    };
  },

  reads: (c) => [c.layer],
  writes: (c) => [c.layer],
  params: (c) => [c.param, c.keyParam, ...(c.posParam ? [c.posParam] : [])],

  term(c, layer) {
    const from = c.view ? ` from ${c.view.patch}×${c.view.patch} patches${c.view.unpatch ? ` of ${unpatchedText(layer, c.view.unpatch)}` : ''}` : '';
    return {
      coupling: c.id,
      direction: 'within',
      from: layer,
      math: `z[${layer}] += Σ_h (A K)·Ŵ_Qᵀ + (Aᵀ Q)·Ŵ_Kᵀ,  A = softmax_N(β Q Kᵀ)  (${c.heads} head${c.heads > 1 ? 's' : ''}, ${c.mask.kind} mask, ${c.tokens} tokens of ${c.dim}${from}; ${pathway(c.positional)})`,
    };
  },

  damping: (c) => c.step,

  descent: {
    couplesUnitsOfALayer: false,
    note: 'energy self-attention steps within the bound α ≤ 1/(H(1+n)(2βR²+1))',
    // The damped step descends when the tokens stay in the tanh box and α ≤ the bound (derivation in compile/attention-structure.ts).
    breaksDescent(c, layerOf) {
      const layer = layerOf(c.layer);
      if (layer.activation !== 'tanh') {
        return `self-attention "${c.id}" moves ${layer.activation} tokens of layer "${layer.id}": the step bound needs them in the tanh box (−1, 1)`;
      }
      const bound = selfAttentionStepBound(c.heads, tokenRadius2(c.dim, c.positional), c.beta, maxAttendedBy(c.mask, c.tokens));
      return c.step > bound ? `self-attention "${c.id}" steps α = ${c.step}, above the descent bound 1/(H(1+n)(2βR²+1)) = ${bound.toPrecision(3)}` : undefined;
    },
  },

  workspace: (c) => [
    { what: `its ${c.tokens}×${c.tokens} attention mask`, values: c.tokens * c.tokens, perExample: false, path: ['params', 'mask'] },
    { what: `its attention weights (${c.heads} head${c.heads > 1 ? 's' : ''} of ${c.tokens}×${c.tokens} per example)`, values: c.heads * c.tokens * c.tokens, perExample: true, path: ['params', 'heads'] },
  ],

  // Queries and keys (2·T·d·H·dk), scores and the two weighted sums (3·H·T²·dk), back to d (2·T·H·dk·d).
  flops: (c, _, batch) => 2 * batch * (4 * c.tokens * c.dim * c.heads * c.keyDim + 3 * c.heads * c.tokens * c.tokens * c.keyDim),

  bind(c, params, kit) {
    const { tf, attention, asTokens, fromTokens, vjpOf } = kit;
    const made = tf.tidy(() => {
      const wq = normalised(params.get(c.param)!, kit);
      const wk = normalised(params.get(c.keyParam)!, kit);
      return [wq, wk, tf.transpose(wq), tf.transpose(wk), attention.additiveMask(c.mask, c.tokens), ...positionalTable(c, params, kit)];
    });
    // Kept past a gradient's forward scope, like every bound weight; BoundNet frees them.
    made.forEach((t) => tf.keep(t));
    const [wq, wk, wqT, wkT, mask, pos] = made as [Tensor2D, Tensor2D, Tensor2D, Tensor2D, Tensor2D, Tensor2D | undefined];
    const w = { wq, wk, wqT, wkT, heads: c.heads, beta: c.beta, mask };
    // What queries and keys read: the content, with the positional pathway added or set beside it.
    const read = (x: Tensor3D): Tensor3D => {
      if (!pos || !c.positional) return x;
      if (c.positional.combine === 'add') return tf.add(x, pos) as Tensor3D;
      return tf.concat([x, tf.tile(tf.expandDims(pos, 0), [x.shape[0], 1, 1])], 2) as Tensor3D;
    };
    const tokensOf = (x: Tensor) => read(asTokens(x, c.tokens, c.dim, c.view));
    const forward = (x: Tensor) => {
      const z = attention.selfAttentionNetInput(tokensOf(x), w);
      // −∂E/∂x: an added encoding passes the gradient through; a concatenated one takes its own columns.
      const content = c.positional?.combine === 'concat' ? (tf.slice(z, [0, 0, 0], [z.shape[0], c.tokens, c.dim]) as Tensor3D) : z;
      return fromTokens(content, x, c.view);
    };
    const vjp = vjpOf(forward);
    return {
      spec: c,
      netInput: (_, s) => forward(s.get(c.layer)!),
      vjp: (_, s, g) => new Map([[c.layer, vjp(s.get(c.layer)!, g)]]),
      energy: (s) => attention.selfAttentionEnergy(tokensOf(s.get(c.layer)!), w),
      attention: (s) => attention.selfAttention(tokensOf(s.get(c.layer)!), w).a,
      tensors: made,
    };
  },

  view: (_, __, free) => ({ values: free }),
};
