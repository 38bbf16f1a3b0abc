/**
 * Which unit of a layer image lies under a point (emergent's "click a unit"): the inverse
 * of the drawing in Heatmap/LayerImage, where tile t of an image holds channel t and a
 * cell (row, col) of a tile is unit (row·cols + col)·stride + t in engine layout.
 */
import { layoutOf } from './colormap.js';

/** The unit at fractions (fx, fy) ∈ [0, 1) across tile `tile`; null outside the layer (a strip's padding). */
export function unitAt(dims: readonly number[], tile: number, fx: number, fy: number): number | null {
  const layout = layoutOf(dims);
  const units = dims.reduce((a, b) => a * b, 1);
  if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1) || tile < 0 || tile >= layout.tiles) return null;
  const row = Math.floor(fy * layout.rows);
  const col = Math.floor(fx * layout.cols);
  const unit = (row * layout.cols + col) * layout.stride + tile;
  return unit < units ? unit : null;
}
