/**
 * Which examples a settle runs on: dataset indices picked by count from the held-out part,
 * or named by position within a part. Both go through the spread order (data/sample.ts):
 * positions 0, 1, 2 … of MNIST's held-out part are digits of different classes.
 */
import type { Dataset } from '../data/dataset.js';
import { pickExamples, spreadPart } from '../runtime/prepare.js';
import type { ExampleRef } from '../protocol/run.js';
import { RunInputError } from './input-error.js';

export type ExampleChoice = { readonly count: number } | readonly ExampleRef[];

/** Dataset indices in batch order; without data, 0..n−1 (the batch then starts from noise alone). */
export function exampleIndices(choice: ExampleChoice, datasets: ReadonlyMap<string, Dataset>, seed: number): number[] {
  if ('count' in choice) return pickExamples(datasets, choice.count, seed, 'test');
  const refs = choice;
  if (datasets.size === 0) return refs.map((e) => e.index);
  const parts = new Map<ExampleRef['part'], number[]>();
  return refs.map((e, i) => {
    const pool = parts.get(e.part) ?? parts.set(e.part, spreadPart(datasets, e.part, seed)).get(e.part)!;
    if (e.index >= pool.length) throw new RunInputError(`examples[${i}].index: ${e.index} is past the end of the ${e.part} part (${pool.length} examples: 0 to ${pool.length - 1})`);
    return pool[e.index];
  });
}
