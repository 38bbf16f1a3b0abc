/**
 * Convolution between two grid layers (seed Case 2): a free kernel K [k, k, c_lower, c_upper],
 * "same" padding, stride 1; down is the conv-transpose of the same kernel.
 *   E = −⟨x_upper, conv(x_lower, K)⟩;  z[upper] += conv(x_lower, K),  z[lower] += conv(x_upper, flipSwap(K))
 * flipSwap reverses both spatial axes and swaps in/out channels: seed Case 2's
 * w_down[g,f,−a,−b] = w_up[f,g,a,b], in tfjs's [k, k, in, out] filter layout.
 *
 * An end may be a token layer seen through an unpatch view V, a permutation of its units:
 * the conv reads V·x and its net input returns as Vᵀ·z = V⁻¹·z, so E and symmetry are unchanged.
 */
import type { CouplingSpecBase, GridView } from '../compile/plan-parts.js';
import { gridInput } from '../compile/views.js';
import type { Tensor, Tensor4D } from '../tf.js';
import type { CouplingKind } from './kind.js';
import { initialWeights, gridDims, gridOf, kernelFits, viewedText, viewNotes } from './common.js';

export interface ConvSpec extends CouplingSpecBase<'conv'> {
  readonly lower: string;
  readonly upper: string;
  readonly kernel: number;
  /** Set when that end is a token layer reached through an unpatch node. */
  readonly lowerView?: GridView;
  readonly upperView?: GridView;
}

export const conv: CouplingKind<'conv', ConvSpec> = {
  kind: 'conv',
  kernelTiles: true,

  resolve(node, { ix, unpatches, declare }) {
    const lower = gridInput(ix, unpatches, node, 'lower');
    const upper = gridInput(ix, unpatches, node, 'upper');
    if (!lower || !upper) return undefined;
    if (lower.node.id === upper.node.id) {
      ix.error(node.id, `both ends connect to layer "${lower.node.id}"; couple a grid to itself with a conv-within node`, 'upper');
      return undefined;
    }
    if (lower.height !== upper.height || lower.width !== upper.width) {
      ix.error(
        node.id,
        `expected layers of equal height and width (stride 1, "same" padding), got lower "${lower.node.id}" ${lower.height}×${lower.width} and upper "${upper.node.id}" ${upper.height}×${upper.width}`,
        'upper',
      );
      return undefined;
    }
    const k = node.params.kernel;
    kernelFits(ix, node.id, k, lower.height, lower.width);
    // tfjs filter layout [k, k, in, out]: up reads the lower layer's channels.
    declare({
      name: node.id,
      owner: node.id,
      shape: [k, k, lower.channels, upper.channels],
      init: initialWeights(node.params.init, lower.channels * k * k, upper.channels * k * k),
    });
    return {
      id: node.id,
      kind: 'conv',
      param: node.id,
      lower: lower.node.id,
      upper: upper.node.id,
      kernel: k,
      ...(lower.view ? { lowerView: lower.view } : {}),
      ...(upper.view ? { upperView: upper.view } : {}),
    };
  },

  reads: (c) => [c.lower, c.upper],
  writes: (c) => [c.lower, c.upper],
  params: (c) => [c.param],

  term(c, layer) {
    const into = (view: GridView | undefined, expr: string, note: string) =>
      `z[${layer}] += ${viewedText(expr, view)}${viewNotes([[c.lower, c.lowerView], [c.upper, c.upperView]], note)}`;
    if (layer === c.upper) return { coupling: c.id, direction: 'up', from: c.lower, math: into(c.upperView, `conv(${gridOf(c.lower, c.lowerView)}, ${c.param})`, '') };
    const expr = `conv(${gridOf(c.upper, c.upperView)}, flip(${c.param})ᵀ)`;
    return { coupling: c.id, direction: 'down', from: c.upper, math: into(c.lowerView, expr, `conv-transpose of ${c.param}`) };
  },

  descent: { couplesUnitsOfALayer: false },

  flops(c, layer, batch) {
    const lower = gridDims(layer(c.lower), c.lowerView);
    const upper = gridDims(layer(c.upper), c.upperView);
    // 'same' k×k conv, padding taps included as the kernels compute them; the conv-transpose costs the same.
    return 2 * batch * upper.h * upper.w * lower.c * upper.c * c.kernel * c.kernel;
  },

  bind(c, params, { tf, convolution, flipSwap, asGrid, fromGrid, viewed, sumPerExample }) {
    const k = params.get(c.param)! as Tensor4D;
    const flipped = tf.keep(tf.tidy(() => flipSwap(k)));
    const { lowerView, upperView } = c;
    const up = (x: Tensor) => viewed(() => fromGrid(convolution(asGrid(x, lowerView), k, flipped), upperView), lowerView, upperView);
    // The views are permutations, so the adjoint of grid→tokens is tokens→grid: down mirrors up exactly.
    const down = (x: Tensor) => viewed(() => fromGrid(convolution(asGrid(x, upperView), flipped, k), lowerView), lowerView, upperView);
    return {
      spec: c,
      netInput: (layer, s) => (layer === c.upper ? up(s.get(c.lower)!) : down(s.get(c.upper)!)),
      vjp: (layer, _, g) => (layer === c.upper ? new Map([[c.lower, down(g)]]) : new Map([[c.upper, up(g)]])),
      energy: (s) => tf.neg(sumPerExample(tf.mul(s.get(c.upper)!, up(s.get(c.lower)!)))),
      tensors: [flipped],
    };
  },

  view: (_, __, free) => ({ values: free }),
};
