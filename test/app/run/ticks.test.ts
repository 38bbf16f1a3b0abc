/** The run charts' axis ticks (issue 15, item 7): whole iterations only, and no "0" on a log axis. */
import { describe, expect, it } from 'vitest';
import { INTEGER_INCREMENTS, integerTickLabels, logTickLabels } from '../../../app/renderer/src/run/charts/ticks.js';

describe('chart ticks', () => {
  it('count axes step by whole numbers and label no fractions', () => {
    expect(INTEGER_INCREMENTS.slice(0, 6)).toEqual([1, 2, 5, 10, 20, 50]);
    expect(INTEGER_INCREMENTS.every(Number.isInteger)).toBe(true);
    expect(integerTickLabels([0, 0.5, 1, 1.5, 2])).toEqual(['0', '', '1', '', '2']);
  });

  it('a log axis labels positive values shortly and leaves 0, negatives and NaN blank', () => {
    expect(logTickLabels([0, -1, NaN, 1e-6, 2e-5, 0.001, 0.05, 1, 30, 1e5])).toEqual(['', '', '', '1e-6', '2e-5', '0.001', '0.05', '1', '30', '1e5']);
  });
});
