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

/** Initial scale of free weights: std = gain·√(2 / (fan_in + fan_out)) (Glorot), as the reference does. */
/**
 * Initial weights. `gain` defaults per kind to one whose fresh net settles within the
 * training's T (20 iterations) on MNIST-sized layers: at gain 1 the 784↔256 dense net and
 * the 5×5 conv nets circle for 50 to 100 iterations (issue 15).
 */
export const weightInit = (gain: number) =>
  z
    .object({
      gain: positive('a gain > 0').default(gain).describe('Glorot gain: std = gain·√(2/(fan_in+fan_out)); larger weights settle more slowly'),
      distribution: z.enum(['normal', 'uniform', 'zeros']).default('normal').describe('distribution of the free weights'),
    })
    .strict()
    .default({ gain, distribution: 'normal' });

export const selfConnections = () =>
  z
    .enum(['nonnegative', 'zero'])
    .default('nonnegative')
    .describe('self-connections: |w| (≥ 0, Koiran) or exactly 0 (classic Hopfield)');
