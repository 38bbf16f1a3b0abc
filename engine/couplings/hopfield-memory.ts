/**
 * Modern Hopfield memory (Ramsauer et al. 2020): a layer seen as tokens ξ retrieves from P
 * stored or learned patterns Y [P, d].
 *   E = −β⁻¹ log Σ_μ exp(β y_μ·ξ)  per token;   z[layer] += Yᵀ softmax(β Y ξ)
 * E is concave in ξ and the update linearises it at the old state (the concave–convex
 * procedure), so the guarantee stays `descent`. With `projection: k` patterns are compared
 * in a learned k-wide space: scores β (ξW_Q)·(yW_K), K = YW_K, z += softmax(β ξW_Q Kᵀ) K W_Qᵀ.
 */
import type { CouplingSpecBase, PatchView } from '../compile/plan-parts.js';
import { tokenInput } from '../compile/views.js';
import type { Tensor, Tensor2D, Tensor3D } from '../tf.js';
import type { BoundCoupling, CouplingKind, Kit } from './kind.js';
import { CONCAVE_NOTE, glorot } from './common.js';

export interface HopfieldMemorySpec extends CouplingSpecBase<'hopfield-memory'> {
  /** `param` holds the patterns Y [P, d]. */
  readonly layer: string;
  readonly tokens: number;
  readonly dim: number;
  readonly patterns: number;
  readonly beta: number;
  readonly view?: PatchView;
  /** Optional projections W_Q, W_K [d, width] (`${id}.q`, `${id}.k`): scores β(ξW_Q)·(yW_K). */
  readonly projection?: number;
}

export const hopfieldMemory: CouplingKind<'hopfield-memory', HopfieldMemorySpec> = {
  kind: 'hopfield-memory',

  resolve(node, { ix, unpatches, declare }) {
    const layer = tokenInput(ix, unpatches, node);
    if (!layer) return undefined;
    const { tokens, dim, view } = layer;
    const { patterns, beta, source, gain } = node.params;
    if (source === 'dataset') {
      const feed = ix.single(node, 'patterns', 'dataset');
      if (!feed) return undefined;
      declare({ name: node.id, owner: node.id, shape: [patterns, dim], init: { fromData: { dataset: feed.node.id, port: 'images' }, rows: patterns }, trainable: false });
    } else {
      if (ix.feedsOf(node.id, 'patterns').length > 0) ix.warn(node.id, 'patterns are learned (source "learned"): the dataset on "patterns" is not used', 'patterns');
      declare({ name: node.id, owner: node.id, shape: [patterns, dim], init: glorot({ gain, distribution: 'normal' }, dim, patterns) });
    }
    const projection = node.params.projection;
    if (projection !== undefined) {
      for (const which of ['q', 'k']) {
        declare({ name: `${node.id}.${which}`, owner: node.id, shape: [dim, projection], init: glorot({ gain, distribution: 'normal' }, dim, projection) });
      }
    }
    return { id: node.id, kind: 'hopfield-memory', param: node.id, layer: layer.node.id, tokens, dim, patterns, beta, ...(view ? { view } : {}), ...(projection !== undefined ? { projection } : {}) };
  },

  reads: (c) => [c.layer],
  writes: (c) => [c.layer],
  params: (c) => [c.param, ...(c.projection !== undefined ? [`${c.id}.q`, `${c.id}.k`] : [])],

  term: (c, layer) => ({
    coupling: c.id,
    direction: 'within',
    from: layer,
    math:
      c.projection === undefined
        ? `z[${layer}] += Yᵀ softmax(β Y x[${layer}])  (${c.patterns} patterns, β = ${c.beta})`
        : `z[${layer}] += softmax(β x[${layer}]W_Q (YW_K)ᵀ) YW_K W_Qᵀ  (${c.patterns} patterns compared in ${c.projection} dimensions, β = ${c.beta})`,
  }),

  descent: { couplesUnitsOfALayer: false, note: CONCAVE_NOTE },

  workspace: (c) => [{ what: `its retrieval weights (${c.tokens} token${c.tokens > 1 ? 's' : ''} × ${c.patterns} patterns per example)`, values: c.tokens * c.patterns, perExample: true, path: ['params', 'patterns'] }],

  flops: (c, _, batch) => 2 * batch * 2 * c.tokens * c.dim * c.patterns,

  bind(c, params, kit) {
    return c.projection === undefined ? bindPlain(c, params, kit) : bindProjected(c, params, kit);
  },

  view: (_, __, free) => ({ values: free }),
};

function bindPlain(c: HopfieldMemorySpec, params: ReadonlyMap<string, Tensor>, kit: Kit): BoundCoupling {
  const { tf, attention, asTokens, fromTokens } = kit;
  const y = params.get(c.param)! as Tensor2D;
  const yT = tf.keep(tf.tidy(() => tf.transpose(y)));
  const m = { y, yT, beta: c.beta };
  const tokensOf = (x: Tensor) => asTokens(x, c.tokens, c.dim, c.view);
  return memoryBinding(c, kit, m, tokensOf, (x) => fromTokens(attention.memoryNetInput(tokensOf(x), m), x, c.view), [yT]);
}

/** Patterns compared in a projected space: E = −β⁻¹ lse over the projected keys K = YW_K, −∂E/∂ξ = softmax(β ξW_Q Kᵀ) K W_Qᵀ. Still concave in ξ. */
function bindProjected(c: HopfieldMemorySpec, params: ReadonlyMap<string, Tensor>, kit: Kit): BoundCoupling {
  const { tf, attention, asTokens, fromTokens } = kit;
  const wq = params.get(`${c.id}.q`)! as Tensor2D;
  const made = tf.tidy(() => {
    const keys = tf.matMul(params.get(c.param)! as Tensor2D, params.get(`${c.id}.k`)! as Tensor2D);
    return [keys, tf.transpose(keys), tf.transpose(wq)];
  });
  made.forEach((t) => tf.keep(t));
  const [keys, keysT, wqT] = made as [Tensor2D, Tensor2D, Tensor2D];
  const m = { y: keys, yT: keysT, beta: c.beta };
  const project = (x: Tensor): Tensor3D => {
    const t = asTokens(x, c.tokens, c.dim, c.view);
    const [b, n, d] = t.shape;
    return tf.reshape(tf.matMul(tf.reshape(t, [b * n, d]) as Tensor2D, wq), [b, n, wq.shape[1]]) as Tensor3D;
  };
  const forward = (x: Tensor) => {
    const z = attention.memoryNetInput(project(x), m);
    const [b, n, p] = z.shape;
    return fromTokens(tf.reshape(tf.matMul(tf.reshape(z, [b * n, p]) as Tensor2D, wqT), [b, n, c.dim]) as Tensor3D, x, c.view);
  };
  return memoryBinding(c, kit, m, project, forward, made);
}

/** What both memories share once they can read a layer as query tokens (`read`) and give its net input (`forward`). */
function memoryBinding(
  c: HopfieldMemorySpec,
  { tf, attention, vjpOf }: Kit,
  m: { y: Tensor2D; yT: Tensor2D; beta: number },
  read: (x: Tensor) => Tensor3D,
  forward: (x: Tensor) => Tensor,
  tensors: Tensor[],
): BoundCoupling {
  const vjp = vjpOf(forward);
  return {
    spec: c,
    netInput: (_, s) => forward(s.get(c.layer)!),
    vjp: (_, s, g) => new Map([[c.layer, vjp(s.get(c.layer)!, g)]]),
    energy: (s) => attention.memoryEnergy(read(s.get(c.layer)!), m),
    attention: (s) => {
      const x = read(s.get(c.layer)!);
      return tf.reshape(attention.memoryWeights(x, m), [x.shape[0], c.tokens, c.patterns]);
    },
    tensors,
  };
}
