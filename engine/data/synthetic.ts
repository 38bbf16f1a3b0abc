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
/** Colours are subsets of the channels: 8 channels give 255 already. */
const MAX_SHAPE_CHANNELS = 8;
/** Below 4 pixels a circle is a square. */
const MIN_SHAPE = 4;

/**
 * `count` s×s images, each one filled shape on a blank background: label 0
 * square, 1 circle (pixel centres within radius L/2), 2 triangle (apex up, base
 * L), 3 cross (a plus of bars about L/4 thick). The shape, its side
 * L ∈ [max(4, round(0.3·s)), s] and its position are drawn from the seed.
 * With c > 1 `channels` each shape also gets a colour, a non-empty subset of the
 * channels drawn from the seed (2^c − 1 colours); one channel draws no colour, so
 * its images are the same as before colours existed.
 */
export function shapes(count: number, size: number, seed: number, channels = 1): Dataset {
  if (!Number.isInteger(count) || count < 1) throw new Error(`shapes: expected a count ≥ 1, got ${count}`);
  if (!Number.isInteger(size) || size < MIN_SHAPE) {
    throw new Error(`shapes: expected an image size ≥ ${MIN_SHAPE} (smaller circles look like squares), got ${size}`);
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > MAX_SHAPE_CHANNELS) {
    throw new Error(`shapes: expected 1 to ${MAX_SHAPE_CHANNELS} channels, got ${channels}`);
  }
  const rng = makeRng(seed);
  const plane = size * size;
  const units = channels * plane;
  const images = new Float32Array(count * units);
  const labels = new Int32Array(count);
  const minSide = Math.max(MIN_SHAPE, Math.round(0.3 * size));
  for (let k = 0; k < count; k++) {
    const label = rng.int(SHAPE_NAMES.length);
    const side = minSide + rng.int(size - minSide + 1);
    const x0 = rng.int(size - side + 1);
    const y0 = rng.int(size - side + 1);
    // Bit c of the colour: channel c is on (CHW layout, channel planes one after another).
    const colour = channels === 1 ? 1 : 1 + rng.int(2 ** channels - 1);
    labels[k] = label;
    const inside = insideTest(label, side);
    for (let c = 0; c < channels; c++) {
      if (!(colour & (1 << c))) continue;
      const at = k * units + c * plane;
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) if (inside(x, y)) images[at + (y0 + y) * size + x0 + x] = 1;
      }
    }
  }
  return {
    name: `shapes ${count} of ${channels > 1 ? `${channels}×` : ''}${size}×${size} seed ${seed}`,
    count,
    channels,
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

/**
 * Associative recall: `count` sequences of T = pairs + 1 tokens, each token
 * d = 2·V values wide, V = `symbols`:
 *
 *   token t (t < pairs):  [one-hot(key_t) ; one-hot(value_t)]
 *   token T−1 (query):    [one-hot(key_q) ; one-hot(value_q)]
 *
 * The keys of one sequence are distinct (drawn without replacement from the V
 * symbols, in random order), the values are drawn freely (they may repeat), and
 * the query's key is one of the sequence's keys, so value_q is the value stored
 * with it: the answer. A net is shown every unit but the query's value slot
 * (units (T−1)·d + V … T·d − 1) and must fill it in. Examples are flat
 * (1×1×T·d), row-major by token, so a tokens layer [T, d] reads token t from
 * units t·d … (t+1)·d − 1. `labels` hold value_q (classes V).
 */
export function associativeRecall(pairs: number, symbols: number, count: number, seed: number): Dataset {
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`associative-recall: expected pairs ≥ 1, got ${pairs}`);
  if (!Number.isInteger(symbols) || symbols < 1) throw new Error(`associative-recall: expected symbols ≥ 1, got ${symbols}`);
  if (!Number.isInteger(count) || count < 1) throw new Error(`associative-recall: expected a count ≥ 1, got ${count}`);
  if (pairs > symbols) {
    throw new Error(`associative-recall: ${pairs} pairs need ${pairs} distinct keys but there are only ${symbols} symbols (keep pairs ≤ symbols)`);
  }
  const rng = makeRng(seed);
  const width = 2 * symbols;
  const tokens = pairs + 1;
  const units = tokens * width;
  const images = new Float32Array(count * units);
  const labels = new Int32Array(count);
  const alphabet = Array.from({ length: symbols }, (_, i) => i);
  for (let k = 0; k < count; k++) {
    const keys = rng.shuffle([...alphabet]).slice(0, pairs);
    const values = keys.map(() => rng.int(symbols));
    const asked = rng.int(pairs);
    const row = k * units;
    for (let t = 0; t < pairs; t++) {
      images[row + t * width + keys[t]] = 1;
      images[row + t * width + symbols + values[t]] = 1;
    }
    images[row + pairs * width + keys[asked]] = 1;
    images[row + pairs * width + symbols + values[asked]] = 1;
    labels[k] = values[asked];
  }
  return {
    name: `associative-recall ${pairs} pairs of ${symbols} symbols, ${count} seed ${seed}`,
    count,
    channels: 1,
    height: 1,
    width: units,
    images,
    labels,
    classes: symbols,
  };
}
