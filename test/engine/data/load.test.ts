import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyLimit, evenlySpaced, holdoutSplit, loadDataset } from '../../../engine/data/load.js';
import { datasetParams } from '../../../nodes/kinds/dataset.js';

const base = mkdtempSync(path.join(tmpdir(), 'load-test-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Parameters as a graph file would give them, defaults filled in by the node's own schema. */
const params = (p: unknown) => datasetParams.parse(p);

describe('loadDataset', () => {
  it('loads MNIST with the reference split, or one part of it whole', async () => {
    const all = await loadDataset(params({ source: { kind: 'mnist', split: 'all' } }), base, 'digits');
    expect(Array.from(all.split!.test.subarray(0, 3))).toEqual([9, 19, 29]);
    expect(all.count).toBe(10_000);
    expect([all.split!.train.length, all.split!.test.length]).toEqual([9000, 1000]);
    const test = await loadDataset(params({ source: { kind: 'mnist', split: 'test' } }), base, 'digits');
    expect(test.count).toBe(1000);
    expect(test.split).toBeUndefined();
    const held = await loadDataset(params({ holdout: 0.25, source: { kind: 'mnist', split: 'train' } }), base, 'digits');
    expect([held.split!.train.length, held.split!.test.length]).toEqual([6750, 2250]);
  });

  it('limits to examples spread over every class, the held-out ones staying held out', async () => {
    const d = await loadDataset(params({ limit: 200, source: { kind: 'mnist', split: 'all' } }), base, 'digits');
    expect(d.count).toBe(200);
    expect([d.split!.train.length, d.split!.test.length]).toEqual([180, 20]);
    expect(new Set(d.labels)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const test = await loadDataset(params({ limit: 100, source: { kind: 'mnist', split: 'test' } }), base, 'digits');
    const perClass = Array.from({ length: 10 }, (_, c) => test.labels!.filter((l) => l === c).length);
    expect(perClass.every((n) => n >= 8 && n <= 12)).toBe(true);
  });

  it('holds out every 10th synthetic example unless told otherwise', async () => {
    const bars = await loadDataset(params({ source: { kind: 'bars-and-stripes', size: 4 } }), base, 'bars');
    expect(bars.count).toBe(30);
    expect(Array.from(bars.split!.test)).toEqual([9, 19, 29]);
    const none = await loadDataset(params({ holdout: 0, source: { kind: 'bars-and-stripes' } }), base, 'bars');
    expect(none.split).toBeUndefined();
    const shapes = await loadDataset(params({ holdout: 0.5, source: { kind: 'shapes', count: 10, seed: 4 } }), base, 's');
    expect(Array.from(shapes.split!.test)).toEqual([1, 3, 5, 7, 9]);
    const patterns = await loadDataset(params({ source: { kind: 'random-patterns', count: 3, size: 64 } }), base, 'p');
    expect([patterns.count, patterns.width]).toEqual([3, 64]);
  });

  it('reads files relative to baseDir and prefixes errors with the node', async () => {
    mkdirSync(path.join(base, 'data'), { recursive: true });
    writeFileSync(path.join(base, 'data/xor.csv'), 'a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n');
    const xor = await loadDataset(params({ source: { kind: 'csv', path: 'data/xor.csv', labelColumn: 'y' } }), base, 'xor');
    expect([xor.count, xor.width, xor.classes]).toEqual([4, 2, 2]);
    await expect(loadDataset(params({ source: { kind: 'idx', images: 'data/none.idx' } }), base, 'mine')).rejects.toThrow(
      /^dataset "mine": data\/none.idx: file not found/,
    );
    await expect(loadDataset(params({ source: { kind: 'png-folder', path: 'data' } }), base, 'pics')).rejects.toThrow(
      'dataset "pics": data: no .png images found',
    );
  });
});

describe('limit and holdout rules', () => {
  it('spreads indices evenly', () => {
    expect(evenlySpaced(10, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(evenlySpaced(10, 3)).toEqual([0, 3, 6]);
    expect(evenlySpaced(3, 5)).toEqual([0, 1, 2]);
  });

  it('holds out every k-th example, k = max(2, round(1/holdout))', () => {
    expect(holdoutSplit(6, 0)).toBeNull();
    expect(Array.from(holdoutSplit(12, 0.3)!.test)).toEqual([2, 5, 8, 11]);
    expect(Array.from(holdoutSplit(4, 1)!.test)).toEqual([1, 3]);
  });

  it('leaves a data set under the limit alone', async () => {
    const d = await loadDataset(params({ holdout: 0, source: { kind: 'bars-and-stripes', size: 2 } }), base, 'b');
    expect(applyLimit(d, 6)).toBe(d);
    expect(applyLimit(d, 2).count).toBe(2);
  });
});
