import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../engine/data/dataset.js';
import { barsAndStripes, randomPatterns, shapes } from '../../../engine/data/synthetic.js';

const example = (d: Dataset, k: number) => d.images.subarray(k * d.height * d.width, (k + 1) * d.height * d.width);
const at = (img: Float32Array, n: number, r: number, c: number) => img[r * n + c];

describe('barsAndStripes', () => {
  it('has 2^(n+1) − 2 distinct patterns, each all bars or all stripes', () => {
    for (const n of [1, 2, 3, 4, 5]) {
      const d = barsAndStripes(n);
      expect(d.count).toBe(2 ** (n + 1) - 2);
      expect(new Set(Array.from({ length: d.count }, (_, k) => example(d, k).join(''))).size).toBe(d.count);
      for (let k = 0; k < d.count; k++) {
        const img = example(d, k);
        const rowsConstant = [...Array(n).keys()].every((r) => [...Array(n).keys()].every((c) => at(img, n, r, c) === at(img, n, r, 0)));
        const colsConstant = [...Array(n).keys()].every((c) => [...Array(n).keys()].every((r) => at(img, n, r, c) === at(img, n, 0, c)));
        expect(d.labels![k] === 0 ? rowsConstant : colsConstant).toBe(true);
        expect(img.every((v) => v === 0 || v === 1)).toBe(true);
      }
    }
    const four = barsAndStripes(4);
    expect(four.count).toBe(30);
    expect([four.channels, four.height, four.width]).toEqual([1, 4, 4]);
    expect(four.labels!.filter((l) => l === 0).length).toBe(16);
    expect(() => barsAndStripes(0)).toThrow(/size from 1/);
  });
});

describe('randomPatterns', () => {
  it('is repeatable per seed, different across seeds, and binary', () => {
    const a = randomPatterns(5, 100, 1);
    const b = randomPatterns(5, 100, 1);
    const c = randomPatterns(5, 100, 2);
    expect([a.count, a.channels, a.height, a.width]).toEqual([5, 1, 1, 100]);
    expect(Buffer.from(a.images.buffer).equals(Buffer.from(b.images.buffer))).toBe(true);
    expect(Buffer.from(a.images.buffer).equals(Buffer.from(c.images.buffer))).toBe(false);
    expect(a.images.every((v) => v === 0 || v === 1)).toBe(true);
    const big = randomPatterns(50, 1000, 3);
    const ones = big.images.reduce((s, v) => s + v, 0) / big.images.length;
    expect(Math.abs(ones - 0.5)).toBeLessThan(0.01);
    expect(Array.from(a.labels!)).toEqual([0, 1, 2, 3, 4]);
  });
});

/** Bounding box and pixel count of the 1s of an n×n image. */
function box(img: Float32Array, n: number) {
  let top = n, left = n, bottom = -1, right = -1, filled = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!img[r * n + c]) continue;
      filled++;
      top = Math.min(top, r);
      bottom = Math.max(bottom, r);
      left = Math.min(left, c);
      right = Math.max(right, c);
    }
  }
  return { top, left, h: bottom - top + 1, w: right - left + 1, filled };
}

describe('shapes', () => {
  it('draws the shape its label names', () => {
    const n = 16;
    const d = shapes(400, n, 7);
    expect([d.count, d.channels, d.height, d.width, d.classes]).toEqual([400, 1, n, n, 4]);
    expect(new Set(d.labels)).toEqual(new Set([0, 1, 2, 3]));
    for (let k = 0; k < d.count; k++) {
      const img = example(d, k);
      const b = box(img, n);
      const px = (r: number, c: number) => img[(b.top + r) * n + b.left + c];
      expect(b.h).toBe(b.w);
      expect(b.h).toBeGreaterThanOrEqual(5);
      const corners = px(0, 0) + px(0, b.w - 1) + px(b.h - 1, 0) + px(b.h - 1, b.w - 1);
      const rowSum = (r: number) => Array.from({ length: b.w }, (_, c) => px(r, c)).reduce((a, v) => a + v, 0);
      switch (d.labels![k]) {
        case 0: // square: the whole box
          expect(b.filled).toBe(b.h * b.w);
          break;
        case 1: // circle: no corners, widest in the middle
          expect(corners).toBe(0);
          expect(rowSum(Math.floor(b.h / 2))).toBe(b.w);
          break;
        case 2: // triangle: narrow top, full base, bottom corners set
          expect(rowSum(0)).toBeLessThanOrEqual(2);
          expect(rowSum(b.h - 1)).toBe(b.w);
          expect(px(b.h - 1, 0) + px(b.h - 1, b.w - 1)).toBe(2);
          break;
        case 3: // cross: no corners, full middle row and column
          expect(corners).toBe(0);
          expect(rowSum(Math.floor(b.h / 2))).toBe(b.w);
          expect(b.filled).toBeLessThan(b.h * b.w * 0.75);
          break;
      }
    }
  });

  it('is repeatable per seed and refuses images too small for a circle', () => {
    const a = shapes(20, 12, 3);
    expect(Buffer.from(a.images.buffer).equals(Buffer.from(shapes(20, 12, 3).images.buffer))).toBe(true);
    expect(Array.from(a.labels!)).not.toEqual(Array.from(shapes(20, 12, 4).labels!));
    expect(() => shapes(5, 3, 0)).toThrow(/size ≥ 4/);
  });

  it('colours each shape with a non-empty subset of the channels, drawn where the one-channel shape is', () => {
    const n = 12;
    const grey = shapes(300, n, 5);
    const rgb = shapes(300, n, 5, 3);
    expect([rgb.channels, rgb.height, rgb.width]).toEqual([3, n, n]);
    const plane = n * n;
    const colours = new Set<number>();
    for (let k = 0; k < rgb.count; k++) {
      const planes = [0, 1, 2].map((c) => rgb.images.subarray((3 * k + c) * plane, (3 * k + c + 1) * plane));
      const lit = planes.map((p) => p.some((v) => v === 1));
      expect(lit.some(Boolean), `example ${k} has a colour`).toBe(true);
      colours.add(lit.reduce((bits, on, c) => bits | (on ? 1 << c : 0), 0));
      // Every lit channel holds one and the same shape in a square box (a square fills it).
      const shape = planes[lit.indexOf(true)];
      planes.forEach((p, c) => lit[c] && expect(Array.from(p)).toEqual(Array.from(shape)));
      const b = box(shape, n);
      expect(b.h).toBe(b.w);
      if (rgb.labels![k] === 0) expect(b.filled).toBe(b.h * b.w);
    }
    expect(colours.size).toBe(7);
    // The colour is drawn after the shape: the first example is the grey set's first shape, coloured.
    const first = [0, 1, 2].map((c) => rgb.images.subarray(c * plane, (c + 1) * plane)).find((p) => p.some((v) => v === 1))!;
    expect(Array.from(first)).toEqual(Array.from(example(grey, 0)));
    expect(() => shapes(5, 8, 0, 9)).toThrow(/1 to 8 channels/);
  });
});

