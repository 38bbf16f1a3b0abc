import { describe, expect, it } from 'vitest';
import { BenchUsageError, parseBenchOptions } from '../../bench/options.js';
import { median, quantile, summarise } from '../../bench/measure.js';

describe('bench options', () => {
  it('defaults to the full run, and to the quick one when CI=true', () => {
    const full = parseBenchOptions([], {})!;
    expect(full.quick).toBe(false);
    expect(full.batches).toBe(100);
    expect(full.examples).toEqual(['dense', 'conv']);
    expect(full.reference).toBe(true);
    expect(full.backend).toBe('auto');
    const ci = parseBenchOptions([], { CI: 'true' })!;
    expect(ci.quick).toBe(true);
    expect(ci.batches).toBeLessThan(full.batches);
    expect(parseBenchOptions(['--full'], { CI: 'true' })!.quick).toBe(false);
    expect(parseBenchOptions([], { CI: 'false' })!.quick).toBe(false);
  });

  it('takes every option it documents', () => {
    const o = parseBenchOptions(['--quick', '--batches', '7', '--conv-batches', '3', '--only', 'conv', '--no-reference', '--backend', 'cpu', '--json'], {})!;
    expect(o).toMatchObject({ quick: true, batches: 7, convBatches: 3, examples: ['conv'], reference: false, backend: 'cpu', json: true });
    // The last batch is profiled for memory, so at least one batch before it stays timed.
    expect(o.warmup).toBe(2);
    expect(parseBenchOptions(['--batches', '2'], {})!.warmup).toBe(0);
    expect(parseBenchOptions(['--help'], {})).toBeNull();
  });

  it('refuses bad options with a message', () => {
    for (const argv of [['--batches', '0'], ['--batches', 'x'], ['--only', 'attention'], ['--backend', 'gpu'], ['--frobnicate'], ['--quick', '--full'], ['extra']]) {
      expect(() => parseBenchOptions(argv, {}), argv.join(' ')).toThrow(BenchUsageError);
    }
  });
});

describe('timing statistics (as the reference computes them)', () => {
  it('median, p10/p90 and warmup', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    // sorted[min(n − 1, ⌊q·n⌋)]
    expect(quantile(ten, 0.1)).toBe(2);
    expect(quantile(ten, 0.9)).toBe(10);
    const s = summarise([100, 90, 1, 2, 3], 2);
    expect(s).toMatchObject({ count: 3, median: 2, p10: 1, p90: 3, mean: 2 });
    expect(summarise([5, 7], 3).count).toBe(2);
    expect(median([])).toBeNaN();
  });
});
