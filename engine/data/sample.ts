/**
 * The one rule for taking a subset of examples to show or score (held-out evaluations,
 * galleries, the examples a settle picks or browses): spread over every class, seeded.
 *
 * Data sets are often stored grouped by class (the `mnist` package: all 0s, then all 1s,
 * …), so "the first n" describes one or two classes. Here the examples are dealt class by
 * class instead: each round takes the next example of every class that has one left, the
 * classes of a round in a seeded order, each class's examples in a seeded order. Every
 * prefix of the order is as even over the classes as it can be, so the first 10 MNIST
 * examples are ten different digits. Without labels the order is a seeded shuffle.
 */
import { makeRng } from './rng.js';

/** The class of a dataset index; null when the data has no labels. */
export type ClassOf = ((index: number) => number) | null;

/** All of `pool` (dataset indices), reordered so that every prefix is spread over the classes. */
export function spreadOrder(pool: readonly number[], classOf: ClassOf, seed: number): number[] {
  const rng = makeRng(seed);
  if (!classOf) return rng.shuffle([...pool]);
  const byClass = new Map<number, number[]>();
  for (const i of pool) {
    const c = classOf(i);
    const list = byClass.get(c);
    if (list) list.push(i);
    else byClass.set(c, [i]);
  }
  // Classes in ascending order before shuffling, so the result does not depend on the pool's order of first appearance.
  const queues = [...byClass.keys()].sort((a, b) => a - b).map((c) => rng.shuffle(byClass.get(c)!));
  const out: number[] = [];
  for (let round = 0; out.length < pool.length; round++) {
    const live = queues.filter((q) => round < q.length);
    for (const q of rng.shuffle(live)) out.push(q[round]);
  }
  return out;
}

/**
 * `count` dataset indices from `pool`, spread over the classes; past the pool's size the
 * order repeats (a batch larger than the part). Empty pool: empty.
 */
export function spreadSample(pool: readonly number[], classOf: ClassOf, count: number, seed: number): number[] {
  if (pool.length === 0) return [];
  const order = spreadOrder(pool, classOf, seed);
  return Array.from({ length: count }, (_, i) => order[i % order.length]);
}
