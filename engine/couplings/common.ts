/** What several coupling kinds share on the compiler's side: initialisation and kernel checks, and how the plan names views. */
import type { GraphIndex } from '../compile/graph-index.js';
import type { WeightInitParams } from '../../nodes/schema.js';
import type { GridView, LayerSpec, ParamSpec, WeightInit } from '../compile/plan-parts.js';
import type { Tensor, Tensor2D } from '../tf.js';
import type { Kit } from './kind.js';

/** Glorot initialisation: std = gain·√(2/(fanIn+fanOut)). */
export function glorot(init: { gain: number; distribution: WeightInit['distribution'] }, fanIn: number, fanOut: number): WeightInit {
  return { gain: init.gain, distribution: init.distribution, fanIn, fanOut };
}

/** A coupling's `init` as its free parameter starts: Glorot-scaled random values, or an array from a file. */
export function initialWeights(init: WeightInitParams, fanIn: number, fanOut: number): ParamSpec['init'] {
  if (init.kind === 'file') return { fromFile: { path: init.path, ...(init.array !== undefined ? { array: init.array } : {}) } };
  return glorot(init, fanIn, fanOut);
}

/**
 * A kernel wider than any offset on the grid: its outer taps never touch a unit, and the
 * "same"-padded convolution would still allocate and compute them (a 9999-wide kernel on a
 * 28×28 grid is 10⁸ taps): refused, as a size limit.
 */
export function kernelFits(ix: GraphIndex, id: string, k: number, h: number, w: number): void {
  const widest = 2 * Math.max(h, w) - 1;
  if (k > widest) {
    ix.error(id, `expected a kernel of at most ${widest} on a ${h}×${w} grid (wider taps never touch a unit), got ${k}`, undefined, ['params', 'kernel']);
  }
}

/** [channels, height, width] of the grid a conv reads: a grid layer, or a token layer through its unpatch view. */
export function gridDims(layer: LayerSpec, view?: GridView): { c: number; h: number; w: number } {
  if (view) return { c: view.channels, h: view.height, w: view.width };
  if (layer.shape.type !== 'grid') throw new Error(`layer "${layer.id}" is not a grid, but a conv coupling reads it`);
  return { c: layer.shape.channels, h: layer.shape.height, w: layer.shape.width };
}

/** x[layer] as a grid in plan text: the layer itself, or its patch tokens put back together by an unpatch node. */
export function gridOf(layer: string, view: GridView | undefined): string {
  return view ? `unpatch(x[${layer}])` : `x[${layer}]`;
}

/** A grid-shaped net input in plan text, cut back into patch tokens when its layer is seen through an unpatch node. */
export function viewedText(expr: string, view: GridView | undefined): string {
  return view ? `patches(${expr})` : expr;
}

export function unpatchedText(layer: string, v: GridView): string {
  return `"${layer}" put back as a grid[${v.channels}×${v.height}×${v.width}]`;
}

/** The trailing note of a term in plan text: what the unpatch views are, after any note of its own. */
export function viewNotes(ends: [string, GridView | undefined][], own: string): string {
  const seen = ends.filter((e): e is [string, GridView] => e[1] !== undefined).map(([l, v]) => `${unpatchedText(l, v)} of ${v.patch}×${v.patch} patches`);
  const all = [own, ...new Set(seen)].filter((s) => s !== '');
  return all.length > 0 ? `  (${all.join('; ')})` : '';
}

/** Said once for every kind whose update is a linearised concave term. */
export const CONCAVE_NOTE = 'Hopfield memory and cross-attention terms are concave in the layer they move and are linearised at the old state (CCCP), so those updates descend too';

/** Ŵ = W/‖W‖_F, so ‖Ŵ_Q Ŵ_Kᵀ‖₂ ≤ 1. */
export function normalised(w: Tensor, { tf }: Kit): Tensor2D {
  return tf.div(w, tf.norm(w)) as Tensor2D;
}
