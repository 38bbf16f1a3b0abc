/**
 * Pixels for numbers: grayscale for a layer's own range (pixels, probabilities) and a
 * diverging blue–white–red map for signed values (weights, tanh units), drawn into a
 * canvas at one pixel per value and scaled up nearest-neighbour by CSS
 * (image-rendering: pixelated), so a 28×28 digit stays crisp at any size.
 */

export type Colormap = 'gray' | 'diverging' | 'viridis';

export interface Range {
  readonly lo: number;
  readonly hi: number;
}

/** Min and max of the finite values (NaN-safe); a constant array gets a unit-wide range. */
export function extent(data: ArrayLike<number>): Range {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { lo: 0, hi: 1 };
  if (lo === hi) return { lo: lo - 0.5, hi: hi + 0.5 };
  return { lo, hi };
}

/** Symmetric around zero: the diverging map's white is exactly 0. */
export function symmetric(data: ArrayLike<number>): Range {
  const { lo, hi } = extent(data);
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  return { lo: -m, hi: m };
}

// A compact viridis: 9 stops, linearly interpolated.
const VIRIDIS = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

export function rgb(map: Colormap, t: number): [number, number, number] {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0.5;
  if (map === 'gray') {
    const g = Math.round(x * 255);
    return [g, g, g];
  }
  if (map === 'diverging') {
    // Blue (#2166ac) → white → red (#b2182b).
    if (x < 0.5) {
      const u = x / 0.5;
      return [Math.round(33 + (255 - 33) * u), Math.round(102 + (255 - 102) * u), Math.round(172 + (255 - 172) * u)];
    }
    const u = (x - 0.5) / 0.5;
    return [Math.round(255 + (178 - 255) * u), Math.round(255 + (24 - 255) * u), Math.round(255 + (43 - 255) * u)];
  }
  const p = x * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(p));
  const f = p - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/**
 * Draws `rows × cols` values (row-major from `offset`, every `stride`-th) into the canvas,
 * resizing it to rows × cols pixels. Values outside the range clip.
 */
export function paint(
  canvas: HTMLCanvasElement,
  data: ArrayLike<number>,
  rows: number,
  cols: number,
  map: Colormap,
  range: Range,
  { offset = 0, stride = 1 }: { offset?: number; stride?: number } = {},
): void {
  if (canvas.width !== cols) canvas.width = cols;
  if (canvas.height !== rows) canvas.height = rows;
  const ctx = canvas.getContext('2d');
  if (!ctx || rows === 0 || cols === 0) return;
  const img = ctx.createImageData(cols, rows);
  const span = range.hi - range.lo || 1;
  const n = rows * cols;
  for (let k = 0; k < n; k++) {
    const v = data[offset + k * stride];
    const [r, g, b] = rgb(map, (v - range.lo) / span);
    img.data[4 * k] = r;
    img.data[4 * k + 1] = g;
    img.data[4 * k + 2] = b;
    img.data[4 * k + 3] = Number.isFinite(v) ? 255 : 60;
  }
  ctx.putImageData(img, 0, 0);
}

/** How a one-example layer of `dims` is laid out as images: rows × cols per tile, tiles per channel. */
export interface Layout {
  readonly rows: number;
  readonly cols: number;
  readonly tiles: number;
  /** Values per tile are taken every `stride`-th (channels last in grids). */
  readonly stride: number;
  readonly kind: 'image' | 'strip' | 'matrix';
}

/** Vectors: square ones as images (784 → 28×28), others as strips wrapped at 32; grids as one image per channel; tokens as a token × dim matrix. */
export function layoutOf(dims: readonly number[]): Layout {
  if (dims.length === 3) {
    const [h, w, c] = dims;
    return { rows: h, cols: w, tiles: c, stride: c, kind: 'image' };
  }
  if (dims.length === 2) return { rows: dims[0], cols: dims[1], tiles: 1, stride: 1, kind: 'matrix' };
  const n = dims.reduce((a, b) => a * b, 1);
  const side = Math.round(Math.sqrt(n));
  if (side * side === n && n >= 16) return { rows: side, cols: side, tiles: 1, stride: 1, kind: 'image' };
  const cols = Math.min(n, 32);
  return { rows: Math.ceil(n / cols), cols, tiles: 1, stride: 1, kind: 'strip' };
}
