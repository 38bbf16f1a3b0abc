import { describe, expect, it } from 'vitest';
import { BenchUsageError, parseBenchOptions } from '../../bench/options.js';

describe('bench options', () => {
  it('defaults to the full run on every backend that runs, and to the quick one when CI=true', () => {
    const full = parseBenchOptions([], {})!;
    expect(full).toMatchObject({ quick: false, examples: ['dense', 'conv'], backends: 'auto', split: true, reference: true, referenceThreads: [1, 2], method: 'bptt', memory: true, memoryTable: false, json: false });
    expect(full.rounds.dense.maxRounds).toBeGreaterThan(full.rounds.dense.minRounds);
    const ci = parseBenchOptions([], { CI: 'true' })!;
    expect(ci.quick).toBe(true);
    expect(ci.rounds.dense.maxRounds).toBeLessThan(full.rounds.dense.maxRounds);
    expect(ci.rounds.dense.budgetMs).toBeLessThan(full.rounds.dense.budgetMs);
    expect(parseBenchOptions(['--full'], { CI: 'true' })!.quick).toBe(false);
    expect(parseBenchOptions([], { CI: 'false' })!.quick).toBe(false);
  });

  it('takes every option it documents', () => {
    const o = parseBenchOptions(
      ['--quick', '--only', 'conv,conv-large', '--backend', 'webgpu,wasm', '--no-split', '--no-reference', '--threads', '2,4', '--method', 'recurrent-backprop',
        '--rounds', '7', '--budget', '30', '--turn', '3', '--settles', '0', '--warmup', '0', '--batch', '8', '--steps', '5', '--memory-table', '--json'],
      {},
    )!;
    expect(o).toMatchObject({
      quick: true,
      examples: ['conv', 'conv-large'],
      backends: ['webgpu', 'wasm'],
      split: false,
      reference: false,
      referenceThreads: [2, 4],
      method: 'recurrent-backprop',
      batch: 8,
      steps: 5,
      memoryTable: true,
      json: true,
    });
    expect(o.rounds.conv).toEqual({ maxRounds: 7, minRounds: 3, budgetMs: 30_000, batchesPerTurn: 3, settlesPerTurn: 0, warmupBatches: 0 });
    expect(parseBenchOptions(['--backend', 'auto'], {})!.backends).toBe('auto');
    expect(parseBenchOptions(['--rounds', '2'], {})!.rounds.dense.minRounds).toBe(2);
    expect(parseBenchOptions(['--min-rounds', '1'], {})!.rounds.conv.minRounds).toBe(1);
    expect(parseBenchOptions(['--no-memory'], {})!.memory).toBe(false);
    expect(parseBenchOptions(['--help'], {})).toBeNull();
  });

  it('refuses bad options with a message', () => {
    for (const argv of [['--rounds', '0'], ['--turn', 'x'], ['--only', 'attention'], ['--backend', 'gpu'], ['--backend', ','], ['--threads', '0'], ['--method', 'hebbian'], ['--frobnicate'], ['--quick', '--full'], ['extra']]) {
      expect(() => parseBenchOptions(argv, {}), argv.join(' ')).toThrow(BenchUsageError);
    }
    expect(() => parseBenchOptions(['--only', 'dense,mnist'], {})).toThrow(/--only: expected a comma-separated list of dense, conv, conv-large, got "dense,mnist"/);
  });
});
