/**
 * The sampling rule every shown or scored subset goes through (engine/data/sample.ts): on
 * data stored class by class, as the mnist package stores its digits, every prefix of the
 * order is spread over the classes; the order is a seeded permutation of the pool.
 */
import { describe, expect, it } from 'vitest';
import { spreadOrder, spreadSample } from '../../../engine/data/sample.js';

/** A pool stored grouped by class, uneven sizes: class c has sizes[c] examples, indices in class order. */
function grouped(sizes: readonly number[]): { pool: number[]; classOf: (i: number) => number } {
  const labels = sizes.flatMap((n, c) => Array.from({ length: n }, () => c));
  return { pool: labels.map((_, i) => i), classOf: (i) => labels[i] };
}

const counts = (ids: readonly number[], classOf: (i: number) => number) => {
  const out = new Map<number, number>();
  for (const i of ids) out.set(classOf(i), (out.get(classOf(i)) ?? 0) + 1);
  return out;
};

describe('spreadOrder', () => {
  const { pool, classOf } = grouped([98, 113, 103, 101, 98, 89, 96, 103, 97, 102]);

  it('is a permutation of the pool', () => {
    const order = spreadOrder(pool, classOf, 3);
    expect(order).toHaveLength(pool.length);
    expect([...order].sort((a, b) => a - b)).toEqual(pool);
  });

  it('deals the classes in turn: the first 10k hold k of each class while every class has k', () => {
    const order = spreadOrder(pool, classOf, 3);
    for (const k of [1, 2, 5, 20, 89]) {
      const c = counts(order.slice(0, 10 * k), classOf);
      expect([...c.values()], `first ${10 * k}`).toEqual(new Array(10).fill(k));
    }
    // The first of the grouped pool ("the first 200 held-out digits") holds two classes; a sample of 200 holds 20 of each.
    expect(counts(pool.slice(0, 200), classOf).size).toBe(2);
    expect([...counts(spreadSample(pool, classOf, 200, 0), classOf).values()]).toEqual(new Array(10).fill(20));
  });

  it('is seeded: the same seed gives the same order, another seed another one, and the first class varies with it', () => {
    expect(spreadOrder(pool, classOf, 7)).toEqual(spreadOrder(pool, classOf, 7));
    expect(spreadOrder(pool, classOf, 7)).not.toEqual(spreadOrder(pool, classOf, 8));
    const firstClasses = new Set(Array.from({ length: 20 }, (_, seed) => classOf(spreadOrder(pool, classOf, seed)[0])));
    expect(firstClasses.size).toBeGreaterThan(3);
  });

  it('without labels is a seeded shuffle', () => {
    const order = spreadOrder(pool, null, 1);
    expect([...order].sort((a, b) => a - b)).toEqual(pool);
    expect(order).not.toEqual(pool);
    expect(spreadOrder(pool, null, 1)).toEqual(order);
  });
});

describe('spreadSample', () => {
  it('repeats the order past the pool, and is empty for an empty pool', () => {
    const { pool, classOf } = grouped([2, 1]);
    const s = spreadSample(pool, classOf, 7, 0);
    expect(s).toHaveLength(7);
    expect(s.slice(3)).toEqual(s.slice(0, 4));
    expect(spreadSample([], classOf, 4, 0)).toEqual([]);
  });
});
