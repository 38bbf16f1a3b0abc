/**
 * Dense coupling between two layers: one free matrix W [n_lower, n_upper], tied both ways.
 *   E = −x_upper·(x_lower W);   z[upper] += x_lower W,   z[lower] += x_upper Wᵀ
 */
import { unitCount } from '../../nodes/shapes.js';
import type { CouplingSpecBase } from '../compile/plan-parts.js';
import type { Tensor, Tensor2D } from '../tf.js';
import type { CouplingKind } from './kind.js';
import { initialWeights } from './common.js';

export interface DenseSpec extends CouplingSpecBase<'dense'> {
  readonly lower: string;
  readonly upper: string;
}

export const dense: CouplingKind<'dense', DenseSpec> = {
  kind: 'dense',

  resolve(node, { ix, declare }) {
    const lower = ix.single(node, 'lower', 'layer');
    const upper = ix.single(node, 'upper', 'layer');
    if (!lower || !upper) return undefined;
    if (lower.node.id === upper.node.id) {
      ix.error(node.id, `both ends connect to layer "${lower.node.id}"; couple a layer to itself with a dense-within node`, 'upper');
      return undefined;
    }
    const nL = unitCount(lower.node.params.shape);
    const nU = unitCount(upper.node.params.shape);
    declare({ name: node.id, owner: node.id, shape: [nL, nU], init: initialWeights(node.params.init, nL, nU) });
    return { id: node.id, kind: 'dense', param: node.id, lower: lower.node.id, upper: upper.node.id };
  },

  reads: (c) => [c.lower, c.upper],
  writes: (c) => [c.lower, c.upper],
  params: (c) => [c.param],

  term: (c, layer) =>
    layer === c.upper
      ? { coupling: c.id, direction: 'up', from: c.lower, math: `z[${layer}] += x[${c.lower}] · ${c.param}` }
      : { coupling: c.id, direction: 'down', from: c.upper, math: `z[${layer}] += x[${c.upper}] · ${c.param}ᵀ` },

  descent: { couplesUnitsOfALayer: false },

  flops: (c, layer, batch) => 2 * batch * layer(c.lower).units * layer(c.upper).units,

  bind(c, params, { tf, product, flat, sumPerExample }) {
    const w = params.get(c.param)! as Tensor2D;
    const wT = tf.keep(tf.tidy(() => tf.transpose(w)));
    // x·W into the upper layer, x·Wᵀ into the lower, each in the shape of the layer it feeds.
    const up = (x: Tensor, like: Tensor) => tf.reshape(product(flat(x), w, wT), like.shape);
    const down = (x: Tensor, like: Tensor) => tf.reshape(product(flat(x), wT, w), like.shape);
    return {
      spec: c,
      netInput: (layer, s) => (layer === c.upper ? up(s.get(c.lower)!, s.get(c.upper)!) : down(s.get(c.upper)!, s.get(c.lower)!)),
      vjp: (layer, s, g) => (layer === c.upper ? new Map([[c.lower, down(g, s.get(c.lower)!)]]) : new Map([[c.upper, up(g, s.get(c.upper)!)]])),
      energy: (s) => tf.neg(sumPerExample(tf.mul(flat(s.get(c.upper)!), flat(up(s.get(c.lower)!, s.get(c.upper)!))))),
      tensors: [wT],
    };
  },

  view: (_, __, free) => ({ values: free }),
};
