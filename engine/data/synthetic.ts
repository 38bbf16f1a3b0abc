/**
 * Small generated data sets for trying nets out without files. All values are 0
 * or 1 (stored in [0, 1] like every data set; the Dataset node's `range` maps
 * them to ±1 for sign and tanh layers).
 */
import type { Dataset } from './dataset.js';
import { makeRng } from './rng.js';

/** 2^(n+1) − 2 patterns of n² values: the memory cap on `n`. */
const MAX_BARS_SIZE = 14;

/**
 * Every n×n image made of whole horizontal bars (any subset of the rows on) or
 * whole vertical stripes (any subset of the columns on). The blank and the full
 * image are both, and kept once, so there are 2^n + 2^n − 2 = 2^(n+1) − 2
 * patterns (n = 4: 30). Bars come first (row subsets as binary numbers 0 … 2^n−1,
 * bit r = row r), then stripes the same way without the blank and full ones.
 * Label 0: bars (with blank and full), 1: stripes.
 */
export function barsAndStripes(n: number): Dataset {
  if (!Number.isInteger(n) || n < 1 || n > MAX_BARS_SIZE) {
    throw new Error(`bars-and-stripes: expected a size from 1 to ${MAX_BARS_SIZE}, got ${n}`);
  }
  const units = n * n;
  const subsets = 2 ** n;
  const count = 2 * subsets - 2;
  const images = new Float32Array(count * units);
  const labels = new Int32Array(count);
  let k = 0;
  for (let mask = 0; mask < subsets; mask++, k++) {
    for (let r = 0; r < n; r++) if (mask & (1 << r)) images.fill(1, k * units + r * n, k * units + (r + 1) * n);
  }
  for (let mask = 1; mask < subsets - 1; mask++, k++) {
    labels[k] = 1;
    for (let c = 0; c < n; c++) {
      if (!(mask & (1 << c))) continue;
      for (let r = 0; r < n; r++) images[k * units + r * n + c] = 1;
    }
  }
  return { name: `bars-and-stripes ${n}×${n}`, count, channels: 1, height: n, width: n, images, labels, classes: 2 };
}

/**
 * P random binary patterns of N units (each unit 1 with probability ½), the
 * classic Hopfield storage test; label = pattern index, so retrieval can be
 * scored per pattern.
 */
export function randomPatterns(count: number, size: number, seed: number): Dataset {
  if (!Number.isInteger(count) || count < 1) throw new Error(`random-patterns: expected a count ≥ 1, got ${count}`);
  if (!Number.isInteger(size) || size < 1) throw new Error(`random-patterns: expected a size ≥ 1, got ${size}`);
  const rng = makeRng(seed);
  const images = new Float32Array(count * size);
  for (let i = 0; i < images.length; i++) images[i] = rng.next() < 0.5 ? 1 : 0;
  return {
    name: `random-patterns ${count}×${size} seed ${seed}`,
    count,
    channels: 1,
    height: 1,
    width: size,
    images,
    labels: Int32Array.from({ length: count }, (_, i) => i),
    classes: count,
  };
}

export const SHAPE_NAMES = ['square', 'circle', 'triangle', 'cross'] as const;
/** Below 4 pixels a circle is a square. */
const MIN_SHAPE = 4;

/**
 * `count` s×s images, each one filled shape on a blank background: label 0
 * square, 1 circle (pixel centres within radius L/2), 2 triangle (apex up, base
 * L), 3 cross (a plus of bars about L/4 thick). The shape, its side
 * L ∈ [max(4, round(0.3·s)), s] and its position are drawn from the seed.
 */
export function shapes(count: number, size: number, seed: number): Dataset {
  if (!Number.isInteger(count) || count < 1) throw new Error(`shapes: expected a count ≥ 1, got ${count}`);
  if (!Number.isInteger(size) || size < MIN_SHAPE) {
    throw new Error(`shapes: expected an image size ≥ ${MIN_SHAPE} (smaller circles look like squares), got ${size}`);
  }
  const rng = makeRng(seed);
  const units = size * size;
  const images = new Float32Array(count * units);
  const labels = new Int32Array(count);
  const minSide = Math.max(MIN_SHAPE, Math.round(0.3 * size));
  for (let k = 0; k < count; k++) {
    const label = rng.int(SHAPE_NAMES.length);
    const side = minSide + rng.int(size - minSide + 1);
    const x0 = rng.int(size - side + 1);
    const y0 = rng.int(size - side + 1);
    labels[k] = label;
    const inside = insideTest(label, side);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) if (inside(x, y)) images[k * units + (y0 + y) * size + x0 + x] = 1;
    }
  }
  return {
    name: `shapes ${count} of ${size}×${size} seed ${seed}`,
    count,
    channels: 1,
    height: size,
    width: size,
    images,
    labels,
    classes: SHAPE_NAMES.length,
    classNames: [...SHAPE_NAMES],
  };
}

/** Whether pixel (x, y) of an L×L box belongs to the shape, testing pixel centres. */
function insideTest(label: number, side: number): (x: number, y: number) => boolean {
  const c = side / 2;
  switch (label) {
    case 0:
      return () => true;
    case 1:
      return (x, y) => (x + 0.5 - c) ** 2 + (y + 0.5 - c) ** 2 <= c * c;
    case 2:
      // Half-width grows by ½ per row, from ½ at the apex to L/2 at the base.
      return (x, y) => Math.abs(x + 0.5 - c) <= (y + 1) / 2;
    default: {
      let t = Math.max(1, Math.round(side / 4));
      if ((side - t) % 2 === 1) t += 1; // keeps the bars centred
      const lo = (side - t) / 2;
      return (x, y) => (x >= lo && x < lo + t) || (y >= lo && y < lo + t);
    }
  }
}
