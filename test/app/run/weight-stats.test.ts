/** The numbers shown beside the weight drawings (issue 15, item 7): magnitudes, and a single value as a number. */
import { describe, expect, it } from 'vitest';
import { weightStats } from '../../../app/renderer/src/run/train/weight-stats.js';

describe('weight stats', () => {
  it('give the largest |w| and the rms, skipping padding', () => {
    const s = weightStats(Float32Array.from([3, -4, NaN]));
    expect(s.maxAbs).toBe(4);
    expect(s.rms).toBeCloseTo(Math.sqrt(12.5), 6);
    expect(s.single).toBeNull();
  });

  it('a 1-unit bias is its value (it was drawn as a blank square)', () => {
    expect(weightStats(Float32Array.from([-0.25]))).toEqual({ maxAbs: 0.25, rms: 0.25, single: -0.25 });
    expect(weightStats(Float32Array.from([0])).single).toBe(0);
  });
});
