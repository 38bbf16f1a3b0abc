/** The associative-recall generator: token layout, answers, seeding, and what it refuses. */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../../engine/data/dataset.js';
import { loadDataset } from '../../../engine/data/load.js';
import { associativeRecall } from '../../../engine/data/synthetic.js';
import { datasetParams } from '../../../nodes/kinds/dataset.js';

/** Example k as tokens of [key one-hot (V) ; value one-hot (V)]. */
function tokensOf(d: Dataset, k: number, symbols: number): { key: number[]; value: number[] }[] {
  const width = 2 * symbols;
  const units = d.width;
  const row = d.images.subarray(k * units, (k + 1) * units);
  return Array.from({ length: units / width }, (_, t) => ({
    key: Array.from(row.subarray(t * width, t * width + symbols)),
    value: Array.from(row.subarray(t * width + symbols, (t + 1) * width)),
  }));
}

const hot = (v: number[]) => v.indexOf(1);
const isOneHot = (v: number[]) => v.every((x) => x === 0 || x === 1) && v.reduce((a: number, b) => a + b, 0) === 1;

describe('associativeRecall', () => {
  it('lays out pairs then a query: distinct keys, the query key among them, its value in the answer slot and the label', () => {
    for (const [pairs, symbols] of [
      [1, 1],
      [2, 4],
      [4, 4],
      [3, 8],
    ]) {
      const d = associativeRecall(pairs, symbols, 300, 5);
      expect([d.count, d.channels, d.height, d.width, d.classes]).toEqual([300, 1, 1, (pairs + 1) * 2 * symbols, symbols]);
      for (let k = 0; k < d.count; k++) {
        const tokens = tokensOf(d, k, symbols);
        expect(tokens).toHaveLength(pairs + 1);
        tokens.forEach((t) => expect(isOneHot(t.key) && isOneHot(t.value)).toBe(true));
        const keys = tokens.slice(0, pairs).map((t) => hot(t.key));
        expect(new Set(keys).size).toBe(pairs);
        const query = tokens[pairs];
        const asked = keys.indexOf(hot(query.key));
        expect(asked).toBeGreaterThanOrEqual(0);
        expect(hot(query.value)).toBe(hot(tokens[asked].value));
        expect(d.labels![k]).toBe(hot(query.value));
      }
    }
  });

  it('asks about every position and every answer, and values repeat within a sequence', () => {
    const d = associativeRecall(3, 4, 2000, 1);
    const askedAt = new Set<number>();
    let repeats = 0;
    for (let k = 0; k < d.count; k++) {
      const tokens = tokensOf(d, k, 4);
      askedAt.add(tokens.slice(0, 3).findIndex((t) => hot(t.key) === hot(tokens[3].key)));
      if (new Set(tokens.slice(0, 3).map((t) => hot(t.value))).size < 3) repeats++;
    }
    expect(askedAt).toEqual(new Set([0, 1, 2]));
    expect(new Set(d.labels)).toEqual(new Set([0, 1, 2, 3]));
    // Values are drawn with replacement: with 3 of 4 symbols, 1 − (4·3·2)/4³ = 62.5 % of sequences repeat one.
    expect(repeats / d.count).toBeGreaterThan(0.55);
    expect(repeats / d.count).toBeLessThan(0.7);
  });

  it('is repeatable per seed and different across seeds', () => {
    const a = associativeRecall(2, 4, 50, 3);
    const b = associativeRecall(2, 4, 50, 3);
    const c = associativeRecall(2, 4, 50, 4);
    expect(Buffer.from(a.images.buffer).equals(Buffer.from(b.images.buffer))).toBe(true);
    expect(Array.from(a.labels!)).toEqual(Array.from(b.labels!));
    expect(Buffer.from(a.images.buffer).equals(Buffer.from(c.images.buffer))).toBe(false);
  });

  it('refuses more pairs than symbols (keys must be distinct) and bad sizes', () => {
    expect(() => associativeRecall(5, 4, 10, 0)).toThrow(/5 pairs need 5 distinct keys but there are only 4 symbols/);
    expect(() => associativeRecall(0, 4, 10, 0)).toThrow(/pairs ≥ 1/);
    expect(() => associativeRecall(2, 4, 0, 0)).toThrow(/count ≥ 1/);
  });

  it('loads from a Dataset node, with every 10th sequence held out and the error naming the node', async () => {
    const params = datasetParams.parse({ source: { kind: 'associative-recall', pairs: 2, symbols: 4, count: 100, seed: 1 } });
    const d = await loadDataset(params, '.', 'recall');
    expect(d.width).toBe(24);
    expect(Buffer.from(d.images.buffer).equals(Buffer.from(associativeRecall(2, 4, 100, 1).images.buffer))).toBe(true);
    expect(Array.from(d.split!.test.subarray(0, 3))).toEqual([9, 19, 29]);
    const bad = datasetParams.parse({ source: { kind: 'associative-recall', pairs: 9, symbols: 8 } });
    await expect(loadDataset(bad, '.', 'recall')).rejects.toThrow(/^dataset "recall": associative-recall: 9 pairs need 9 distinct keys/);
  });
});
