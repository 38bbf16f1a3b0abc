import { describe, expect, it } from 'vitest';
import {
  checkFinite,
  checkFits,
  exampleUnits,
  selectExamples,
  toLayerLayout,
  type Dataset,
} from '../../../engine/data/dataset.js';
import { loadMnist } from '../../../engine/data/mnist.js';

function tiny(count: number, channels: number, height: number, width: number): Dataset {
  const units = channels * height * width;
  return {
    name: 'tiny',
    count,
    channels,
    height,
    width,
    images: Float32Array.from({ length: count * units }, (_, i) => i / (count * units)),
    labels: Int32Array.from({ length: count }, (_, i) => i % 3),
    classes: 3,
  };
}

describe('checkFits', () => {
  it('names both nodes and both sizes when the unit counts differ', async () => {
    const digits = await loadMnist({ split: 'test' });
    expect(checkFits(digits, 'digits', { type: 'grid', channels: 4, height: 16, width: 16 }, 'visible')).toBe(
      'dataset "digits" gives 784 values per example (1×28×28) but layer "visible" has 1024 units (grid[4×16×16])',
    );
    expect(checkFits(digits, 'digits', { type: 'vector', size: 785 }, 'v')).toBe(
      'dataset "digits" gives 784 values per example (1×28×28) but layer "v" has 785 units (vector[785])',
    );
  });

  it('lets a vector or token layer take any example of its unit count', async () => {
    const digits = await loadMnist({ split: 'test' });
    expect(checkFits(digits, 'digits', { type: 'vector', size: 784 }, 'visible')).toBeNull();
    expect(checkFits(digits, 'digits', { type: 'tokens', tokens: 28, dim: 28 }, 'visible')).toBeNull();
    expect(checkFits(digits, 'digits', { type: 'grid', channels: 1, height: 28, width: 28 }, 'visible')).toBeNull();
  });

  it('holds a grid layer to the example shape, but takes flat rows of its size', () => {
    const d = tiny(2, 1, 28, 28);
    expect(checkFits(d, 'd', { type: 'grid', channels: 4, height: 14, width: 14 }, 'g')).toBe(
      'dataset "d" gives 784 values per example (1×28×28) but layer "g" is grid[4×14×14]: a grid layer needs examples of 4×14×14 (channels×height×width)',
    );
    expect(checkFits(tiny(2, 1, 1, 784), 'd', { type: 'grid', channels: 1, height: 28, width: 28 }, 'g')).toBeNull();
    expect(checkFits(tiny(2, 3, 4, 4), 'd', { type: 'grid', channels: 3, height: 4, width: 4 }, 'g')).toBeNull();
  });
});

describe('checkFinite', () => {
  it('passes real digits', async () => {
    expect(checkFinite(await loadMnist({ split: 'test' }))).toBeNull();
  });

  it('names the first bad example and the value', () => {
    const d = tiny(5, 1, 2, 3);
    d.images[3 * 6 + 4] = Number.NaN;
    d.images[4 * 6 + 0] = Number.POSITIVE_INFINITY;
    expect(checkFinite(d)).toBe('has a non-finite value in example 3 (unit 4): NaN');
    d.images[3 * 6 + 4] = 0;
    expect(checkFinite(d)).toBe('has a non-finite value in example 4 (unit 0): Infinity');
  });

  it('rejects an empty data set and inconsistent sizes', () => {
    const empty: Dataset = { name: 'e', count: 0, channels: 1, height: 1, width: 5, images: new Float32Array(0) };
    expect(checkFinite(empty)).toBe('has no examples');
    const d = tiny(3, 1, 2, 2);
    expect(checkFinite({ ...d, images: d.images.subarray(1) })).toBe('holds 11 values, expected 3 examples × 4');
    expect(checkFinite({ ...d, labels: new Int32Array(2) })).toBe('has 2 labels for 3 examples');
  });
});

describe('selectExamples', () => {
  it('copies the chosen examples and labels in order and carries the split over', () => {
    const d = { ...tiny(6, 1, 2, 2), split: { train: Int32Array.from([0, 1, 2, 4]), test: Int32Array.from([3, 5]) } };
    const s = selectExamples(d, [5, 0, 3, 3]);
    expect(s.count).toBe(4);
    expect(exampleUnits(s)).toBe(4);
    expect(Array.from(s.images.subarray(0, 4))).toEqual(Array.from(d.images.subarray(20, 24)));
    expect(Array.from(s.images.subarray(4, 8))).toEqual(Array.from(d.images.subarray(0, 4)));
    expect(Array.from(s.labels!)).toEqual([2, 0, 0, 0]);
    expect(Array.from(s.split!.train)).toEqual([1]);
    expect(Array.from(s.split!.test)).toEqual([0, 2, 3]);
    s.images[0] = 42;
    expect(d.images[20]).not.toBe(42);
    expect(() => selectExamples(d, [6])).toThrow(/example index 6 is outside/);
  });
});

describe('toLayerLayout', () => {
  it('turns CHW examples into channels-last grids', () => {
    // Two 3×2×2 examples; value = 100·example + 10·channel + pixel.
    const d: Dataset = { name: 'rgb', count: 2, channels: 3, height: 2, width: 2, images: new Float32Array(24) };
    for (let e = 0; e < 2; e++) for (let c = 0; c < 3; c++) for (let p = 0; p < 4; p++) d.images[e * 12 + c * 4 + p] = 100 * e + 10 * c + p;
    const hwc = toLayerLayout(d.images, d, { type: 'grid', channels: 3, height: 2, width: 2 });
    expect(Array.from(hwc.subarray(0, 12))).toEqual([0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23]);
    expect(hwc[12]).toBe(100);
    expect(hwc[13]).toBe(110);
    const tokens = toLayerLayout(d.images, d, { type: 'tokens', tokens: 4, dim: 3 });
    expect(Array.from(tokens)).toEqual(Array.from(hwc));
    expect(toLayerLayout(d.images, d, { type: 'vector', size: 12 })).toBe(d.images);
  });

  it('keeps one-channel images as they are and refuses a wrong size', async () => {
    const digits = await loadMnist({ split: 'test', digits: [3] });
    expect(toLayerLayout(digits.images, digits, { type: 'grid', channels: 1, height: 28, width: 28 })).toBe(digits.images);
    expect(() => toLayerLayout(digits.images, digits, { type: 'vector', size: 100 })).toThrow(/cannot lay out/);
  });
});
