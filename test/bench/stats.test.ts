import { describe, expect, it } from 'vitest';
import { mean, median, quantile, roundRatios, spread } from '../../bench/stats.js';

describe('benchmark statistics', () => {
  it('quantiles interpolate between order statistics', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // Position q·(n − 1) of 1…5: q = 0.25 → 2, q = 0.1 → 1.4.
    expect(quantile([5, 4, 3, 2, 1], 0.25)).toBe(2);
    expect(quantile([5, 4, 3, 2, 1], 0.1)).toBeCloseTo(1.4, 12);
    expect(quantile([7], 0.9)).toBe(7);
    expect(median([])).toBeNaN();
    expect(mean([1, 2, 6])).toBe(3);
  });

  it('a spread is median, quartiles and range of the finite values', () => {
    expect(spread([10, 1, 9, 2, 8, 3, 7, 4, 6, 5, NaN])).toEqual({ n: 10, median: 5.5, q1: 3.25, q3: 7.75, min: 1, max: 10 });
    const none = spread([NaN]);
    expect(none.n).toBe(0);
    expect(none.median).toBeNaN();
    expect(none.min).toBeNaN();
  });

  it('ratios are taken round by round, skipping rounds a side has no value for', () => {
    // The reference's ms over ours, per round: a machine that slows both sides alike in round 2 leaves the ratio alone.
    const reference = [100, 300, NaN, 120];
    const ours = [50, 150, 60, 0];
    expect(roundRatios(reference, ours)).toEqual([2, 2]);
    expect(roundRatios([1, 2, 3], [1])).toEqual([1]);
    // The median of per-round ratios is not the ratio of the medians when the load moves.
    const ref = [100, 100, 400];
    const mine = [50, 200, 200];
    expect(median(roundRatios(ref, mine))).toBe(2);
    expect(median(ref) / median(mine)).toBe(0.5);
  });
});
