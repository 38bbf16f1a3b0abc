/**
 * Recurrent convolution inside one grid layer (seed Case 1): S = ½(K0 + flipSwap(K0)),
 * centre self-taps S[r, r, f, f] ≥ 0 (|·|) or 0. S is its own conv-transpose, so
 *   E = −½⟨x, conv(x, S)⟩;   z[layer] += conv(x, S)
 * Seen through an unpatch view V (a permutation) the operator is Vᵀ·S·V, still symmetric.
 */
import type { CouplingSpecBase, GridView } from '../compile/plan-parts.js';
import { gridInput } from '../compile/views.js';
import type { Tensor, Tensor4D } from '../tf.js';
import type { CouplingKind, Kit } from './kind.js';
import { initialWeights, gridDims, gridOf, kernelFits, viewedText, viewNotes } from './common.js';

export interface ConvWithinSpec extends CouplingSpecBase<'conv-within'> {
  readonly layer: string;
  readonly kernel: number;
  readonly selfConnections: 'nonnegative' | 'zero';
  readonly view?: GridView;
}

function symmetric(c: ConvWithinSpec, free: Tensor, { tf, flipSwap, withSelfConnections }: Kit): Tensor {
  return withSelfConnections(tf.mul(0.5, tf.add(free, flipSwap(free))), c.selfConnections);
}

export const convWithin: CouplingKind<'conv-within', ConvWithinSpec> = {
  kind: 'conv-within',
  kernelTiles: true,

  resolve(node, { ix, unpatches, declare }) {
    const layer = gridInput(ix, unpatches, node, 'layer');
    if (!layer) return undefined;
    const { channels, height, width, view } = layer;
    const k = node.params.kernel;
    kernelFits(ix, node.id, k, height, width);
    const fan = channels * k * k;
    declare({ name: node.id, owner: node.id, shape: [k, k, channels, channels], init: initialWeights(node.params.init, fan, fan) });
    return { id: node.id, kind: 'conv-within', param: node.id, layer: layer.node.id, kernel: k, selfConnections: node.params.selfConnections, ...(view ? { view } : {}) };
  },

  reads: (c) => [c.layer],
  writes: (c) => [c.layer],
  params: (c) => [c.param],

  term(c, layer) {
    const expr = `conv(${gridOf(layer, c.view)}, ½(${c.param} + flip(${c.param})ᵀ))`;
    return { coupling: c.id, direction: 'within', from: layer, math: `z[${layer}] += ${viewedText(expr, c.view)}${viewNotes([[layer, c.view]], '')}` };
  },

  descent: { couplesUnitsOfALayer: true },

  flops(c, layer, batch) {
    const g = gridDims(layer(c.layer), c.view);
    return 2 * batch * g.h * g.w * g.c * g.c * c.kernel * c.kernel;
  },

  bind(c, params, kit) {
    const { tf, convolution, asGrid, fromGrid, viewed, withinCoupling } = kit;
    const free = params.get(c.param)!;
    const w = tf.keep(tf.tidy(() => symmetric(c, free, kit))) as Tensor4D;
    const { view } = c;
    return withinCoupling(c, c.layer, w, (x) => viewed(() => fromGrid(convolution(asGrid(x, view), w, w), view), view));
  },

  view(c, _, free, kit) {
    const { tf, flipSwap } = kit;
    const values = tf.tidy(() => symmetric(c, free, kit));
    return { values, symmetryError: tf.tidy(() => tf.max(tf.abs(tf.sub(values, flipSwap(values))))) };
  },
};
