/**
 * The example graphs the benchmark times, and the reference command that trains the same
 * net (none for conv-large: the reference has no such net). Pure data, no TensorFlow.js:
 * the coordinator reads it too.
 */
export const EXAMPLE_NAMES = ['dense', 'conv', 'conv-large'] as const;
export type ExampleName = (typeof EXAMPLE_NAMES)[number];

export interface BenchExample {
  readonly name: ExampleName;
  /** Relative to the project root. */
  readonly file: string;
  /** The reference's architecture for the same net (ref_attractor.py's dense / conv completion). */
  readonly referenceArch?: 'dense' | 'conv';
}

export const BENCH_EXAMPLES: Readonly<Record<ExampleName, BenchExample>> = {
  dense: { name: 'dense', file: 'examples/mnist-completion.attractor.json', referenceArch: 'dense' },
  conv: { name: 'conv', file: 'examples/conv-completion.attractor.json', referenceArch: 'conv' },
  // 3×64×64 ↔ 64×64×64, batch 256: ≈ 20 GFLOP per iteration, a net for a GPU.
  'conv-large': { name: 'conv-large', file: 'examples/conv-large.attractor.json' },
};

export function isExampleName(s: string): s is ExampleName {
  return (EXAMPLE_NAMES as readonly string[]).includes(s);
}
