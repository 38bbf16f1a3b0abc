/**
 * The schema library every node kind and the graph document use (Zod 4), with the
 * few parameter types that recur across kinds.
 *
 * `jitless` keeps Zod from compiling validators with `new Function`, which the
 * renderer's Content-Security-Policy forbids; it must run before any schema is built,
 * so every schema in nodes/ imports `z` from here, never from 'zod' directly.
 */
import { z } from 'zod';

z.config({ jitless: true });

export { z };

export const positiveInt = (what = 'an integer ≥ 1') =>
  z.number({ error: `expected ${what}` }).int({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });

export const oddKernel = () =>
  z
    .number({ error: 'expected an odd integer ≥ 1' })
    .int({ error: 'expected an odd integer ≥ 1' })
    .min(1, { error: 'expected an odd integer ≥ 1' })
    .refine((k) => k % 2 === 1, { error: 'expected an odd integer ≥ 1' });

export const fraction = (what = 'a number in [0, 1]') =>
  z.number({ error: `expected ${what}` }).min(0, { error: `expected ${what}` }).max(1, { error: `expected ${what}` });

export const finite = (what = 'a finite number') => z.number({ error: `expected ${what}` }).refine(Number.isFinite, { error: `expected ${what}` });

export const positive = (what = 'a number > 0') =>
  z.number({ error: `expected ${what}` }).gt(0, { error: `expected ${what}` }).refine(Number.isFinite, { error: `expected ${what}` });

/**
 * Random initial weights: std = gain·√(2 / (fan_in + fan_out)) (Glorot), as the reference
 * does. `gain` defaults per kind to one whose fresh net settles within the training's T
 * (20 iterations) on MNIST-sized layers: at gain 1 the 784↔256 dense net and the 5×5 conv
 * nets circle for 50 to 100 iterations (issue 15).
 */
const randomInit = (gain: number) =>
  z
    .object({
      kind: z.literal('random').default('random').describe('random initial weights (the default when "kind" is left out)'),
      gain: positive('a gain > 0').default(gain).describe('Glorot gain: std = gain·√(2/(fan_in+fan_out)); larger weights settle more slowly'),
      distribution: z.enum(['normal', 'uniform', 'zeros']).default('normal').describe('distribution of the free weights'),
    })
    .strict();

/**
 * Initial weights from a NumPy file beside the graph: an `.npy`, or one array of an `.npz`.
 * Resolved relative to the graph file and confined to its folder; the engine checks the
 * array's shape against the coupling's free parameter when it opens the graph.
 */
const fileInit = z
  .object({
    kind: z.literal('file'),
    path: z
      .string({ error: 'expected the path of an .npy or .npz file, relative to the graph file' })
      .min(1, { error: 'expected the path of an .npy or .npz file, relative to the graph file' })
      .describe('an .npy or .npz file, relative to the graph file and inside its folder'),
    array: z.string().min(1, { error: 'expected the name of an array in the .npz' }).optional().describe('the array of an .npz (may be left out when it holds one)'),
  })
  .strict();

export const weightInit = (gain: number) =>
  z
    .discriminatedUnion('kind', [randomInit(gain), fileInit], { error: 'expected an init with kind "random" (gain, distribution) or "file" (path, array)' })
    .default({ kind: 'random', gain, distribution: 'normal' });

export type WeightInitParams = z.output<ReturnType<typeof weightInit>>;

export const selfConnections = () =>
  z
    .enum(['nonnegative', 'zero'])
    .default('nonnegative')
    .describe('self-connections: |w| (≥ 0, Koiran) or exactly 0 (classic Hopfield)');
