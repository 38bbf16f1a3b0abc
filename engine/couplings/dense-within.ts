/**
 * Dense coupling inside one layer: W = ½(W0 + W0ᵀ), self-connections ≥ 0 (|·|) or 0.
 *   E = −½ x·(x W);   z[layer] += x W
 * The classic Hopfield net is this with sign units and Hebbian storage.
 */
import { unitCount } from '../../nodes/shapes.js';
import type { CouplingSpecBase } from '../compile/plan-parts.js';
import type { Tensor, Tensor2D } from '../tf.js';
import type { CouplingKind, Kit } from './kind.js';
import { initialWeights } from './common.js';

export interface DenseWithinSpec extends CouplingSpecBase<'dense-within'> {
  readonly layer: string;
  readonly selfConnections: 'nonnegative' | 'zero';
}

/** The symmetric weights the net uses, from the free matrix. */
function symmetric(c: DenseWithinSpec, free: Tensor, { tf, withSelfConnections }: Kit): Tensor {
  return withSelfConnections(tf.mul(0.5, tf.add(free, tf.transpose(free))), c.selfConnections);
}

export const denseWithin: CouplingKind<'dense-within', DenseWithinSpec> = {
  kind: 'dense-within',

  resolve(node, { ix, declare }) {
    const layer = ix.single(node, 'layer', 'layer');
    if (!layer) return undefined;
    const n = unitCount(layer.node.params.shape);
    declare({ name: node.id, owner: node.id, shape: [n, n], init: initialWeights(node.params.init, n, n) });
    return { id: node.id, kind: 'dense-within', param: node.id, layer: layer.node.id, selfConnections: node.params.selfConnections };
  },

  reads: (c) => [c.layer],
  writes: (c) => [c.layer],
  params: (c) => [c.param],
  term: (c, layer) => ({ coupling: c.id, direction: 'within', from: layer, math: `z[${layer}] += x[${layer}] · ½(${c.param} + ${c.param}ᵀ)` }),
  descent: { couplesUnitsOfALayer: true },

  flops(c, layer, batch) {
    const n = layer(c.layer).units;
    return 2 * batch * n * n;
  },

  bind(c, params, kit) {
    const { tf, product, flat, withinCoupling } = kit;
    const free = params.get(c.param)!;
    const w = tf.keep(tf.tidy(() => symmetric(c, free, kit))) as Tensor2D;
    return withinCoupling(c, c.layer, w, (x) => tf.reshape(product(flat(x), w, w), x.shape));
  },

  view(c, _, free, kit) {
    const { tf } = kit;
    const values = tf.tidy(() => symmetric(c, free, kit));
    return { values, symmetryError: tf.tidy(() => tf.max(tf.abs(tf.sub(values, tf.transpose(values))))) };
  },

  hebbian: {
    refuse: (layer) => (layer.activation === 'sign' || layer.activation === 'tanh' ? undefined : `hebbian storage needs a sign or tanh layer; "${layer.id}" is ${layer.activation}`),
    // W = (1/N) Σ_μ p_μ p_μᵀ with a zero diagonal.
    store(_, layer, patterns, { tf }) {
      const n = layer.units;
      return tf.tidy(() => tf.mul(tf.div(tf.matMul(patterns as Tensor2D, patterns as Tensor2D, true, false), n), tf.sub(1, tf.eye(n))));
    },
  },
};
