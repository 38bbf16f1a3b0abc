/** Sweep specs as typed: values and ranges, the expansion into configurations, the spec's limits. */
import { describe, expect, it } from 'vitest';
import { expandSweep, MAX_SWEEP_RUNS, parseSweepValues, sweepSpecSchema } from '../../../engine/protocol/sweeps.js';

describe('sweep values', () => {
  it('lists and ranges', () => {
    expect(parseSweepValues('0.1,0.3, 1')).toEqual([0.1, 0.3, 1]);
    expect(parseSweepValues('adam,sgd,true')).toEqual(['adam', 'sgd', true]);
    expect(parseSweepValues('0:1:5')).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const log = parseSweepValues('0.001:0.1:3:log');
    expect(log.map((v) => Number((v as number).toPrecision(6)))).toEqual([0.001, 0.01, 0.1]);
  });

  it('refuses what it cannot read, saying what was expected', () => {
    expect(() => parseSweepValues('1,,2')).toThrow(/values separated by commas/);
    expect(() => parseSweepValues('0:1:0')).toThrow(/1 to/);
    expect(() => parseSweepValues('-1:1:3:log')).toThrow(/both ends > 0/);
  });

  it('expands every combination, the first parameter slowest, then the seeds', () => {
    const configs = expandSweep({ params: [{ path: 'a.x', values: [1, 2] }, { path: 'b.y', values: ['p', 'q'] }], seeds: 2 }, 7);
    expect(configs.map((c) => [c.set['a.x'], c.set['b.y'], c.seed])).toEqual([
      [1, 'p', 7], [1, 'p', 8], [1, 'q', 7], [1, 'q', 8], [2, 'p', 7], [2, 'p', 8], [2, 'q', 7], [2, 'q', 8],
    ]);
    expect(configs.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('the spec schema: paths, duplicates, size', () => {
    expect(sweepSpecSchema.safeParse({ params: [{ path: 'lr', values: [1] }] }).success).toBe(false);
    expect(sweepSpecSchema.safeParse({ params: [{ path: 'a.b', values: [1] }, { path: 'a.b', values: [2] }] }).success).toBe(false);
    const big = Array.from({ length: MAX_SWEEP_RUNS + 1 }, (_, i) => i);
    expect(sweepSpecSchema.safeParse({ params: [{ path: 'a.b', values: big }] }).success).toBe(false);
    expect(sweepSpecSchema.parse({ params: [{ path: 'training.optimizer.lr', values: [0.1] }] })).toMatchObject({ seeds: 1, runner: 'local' });
  });
});
