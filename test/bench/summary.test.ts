/**
 * The interleaved benchmark's numbers and tables from a made-up run: per-round speed-ups,
 * their median and spread, the work rates and reads, and what the report prints of them.
 */
import { describe, expect, it } from 'vitest';
import type { InterleavedRun, SideRun, Turn } from '../../bench/interleave/coordinator.js';
import type { BatchSample, SettleSample } from '../../bench/interleave/protocol.js';
import { perRoundMedians, summariseRun } from '../../bench/interleave/summary.js';
import { comparisonTable, sideLines, sidesTable } from '../../bench/report.js';

const batch = (ms: number, iterations: number, reads: number | null = 3): BatchSample => ({ ms, iterations, adjointSteps: 0, reads, loss: 0.1, tossed: 0 });
const settle = (ms: number, iterations: number, reads: number | null = 2): SettleSample => ({ ms, iterations, reads, settled: 4, unsettled: 0 });
const turn = (batches: BatchSample[], settles: SettleSample[], numTensors = 10): Turn => ({ batches, settles, tensors: { numTensors, numBytes: 1000 } });

function side(id: string, implementation: 'ours' | 'reference', rounds: Turn[], mse?: number): SideRun {
  return {
    id,
    implementation,
    info: { detail: `${id} detail`, batchSize: 4, steps: 20, theta: 1e-3 },
    rounds,
    trained: 1 + rounds.reduce((n, t) => n + t.batches.length, 0),
    ...(mse !== undefined ? { quality: { mse, examples: 100, trained: 1 + rounds.reduce((n, t) => n + t.batches.length, 0) } } : {}),
    memory: { maxRssBytes: 300 * 1024 ** 2, ...(implementation === 'ours' ? { peakTensorBytes: 64 * 1024 ** 2 } : {}) },
  };
}

// Round 2 is slow for everybody (a neighbour's burst): the ratios stay put.
const ours = side('wasm', 'ours', [
  turn([batch(50, 10), batch(70, 12)], [settle(20, 8)]),
  turn([batch(150, 10), batch(170, 12)], [settle(60, 8)]),
  turn([batch(60, 10), batch(60, 12)], [settle(20, 8)], 10),
], 0.05);
const reference = side('ref-2t', 'reference', [
  turn([batch(120, 20, null), batch(120, 20, null)], [settle(10, 8, null)]),
  turn([batch(320, 20, null), batch(320, 20, null)], [settle(30, 8, null)]),
  turn([batch(90, 20, null), batch(90, 20, null)], [settle(10, 8, null)]),
], 0.04);
const oneThread = side('ref-1t', 'reference', [turn([batch(200, 20, null)], [])], 0.04);
const failed: SideRun = { id: 'webgpu', implementation: 'ours', rounds: [], trained: 0, failed: 'GPU unavailable: no adapter' };

const run: InterleavedRun = {
  sides: [failed, ours, oneThread, reference],
  rounds: 3,
  seconds: 12,
  plan: { warmupBatches: 1, warmupSettles: 1, batchesPerTurn: 2, settlesPerTurn: 1, budget: { minRounds: 3, maxRounds: 3, budgetMs: 1e9 }, startTimeoutMs: 1, requestTimeoutMs: 1, memory: true },
};

describe('summary of an interleaved run', () => {
  const perIteration = 1e6;
  const s = summariseRun(run, { perIteration, oursMethod: 'bptt' });

  it('takes each side’s median per round', () => {
    expect(perRoundMedians(ours.rounds, 'batches')).toEqual([60, 160, 60]);
    expect(perRoundMedians(reference.rounds, 'settles')).toEqual([10, 30, 10]);
  });

  it('compares ours with the 2-thread reference, then the 1-thread one, round by round', () => {
    expect(s.comparisons.map((c) => `${c.ours}/${c.reference}`)).toEqual(['wasm/ref-2t', 'wasm/ref-1t']);
    // The 1-thread side stopped after its first round: one ratio, 200/60.
    expect(s.comparisons[1].trainingSpeedup).toMatchObject({ n: 1, min: 200 / 60, max: 200 / 60 });
    const c = s.comparisons[0];
    // Per round 120/60, 320/160, 90/60 = 2, 2, 1.5.
    expect(c.trainingSpeedup).toEqual({ n: 3, median: 2, q1: 1.75, q3: 2, min: 1.5, max: 2 });
    // Settles: 10/20, 30/60, 10/20: the reference is twice as fast.
    expect(c.settleSpeedup.median).toBe(0.5);
    expect(c.mseRatio).toBeCloseTo(1.25, 12);
  });

  it('summarises each side’s work: times, iterations, reads, GFLOP/s', () => {
    const w = s.sides.find((x) => x.id === 'wasm')!;
    expect(w.training!.count).toBe(6);
    expect(w.training!.ms.median).toBe(65);
    expect(w.training!.meanIterations).toBe(11);
    expect(w.training!.readsPer).toBe(3);
    // BPTT counts 3 × iterations × FLOPs per iteration: 3 · 66 · 1e6 over 560 ms.
    expect(w.training!.gflops).toBeCloseTo((3 * 66 * 1e6) / 1e9 / 0.56, 9);
    expect(w.settle!.readsPer).toBe(2);
    expect(w.tensors).toEqual({ first: { numTensors: 10, numBytes: 1000 }, last: { numTensors: 10, numBytes: 1000 } });
    const r = s.sides.find((x) => x.id === 'ref-2t')!;
    expect(r.training!.readsPer).toBeNull();
    expect(r.training!.gflops).toBeCloseTo((6 * 3 * 20 * 1e6) / 1e9 / 1.06, 9);
    expect(s.sides.find((x) => x.id === 'webgpu')).toMatchObject({ failed: 'GPU unavailable: no adapter', rounds: 0 });
  });

  it('prints the sides that ran, says why the others did not, and prints the speed-ups with their spread', () => {
    const table = sidesTable(s.sides).join('\n');
    expect(table).toMatch(/^side +ms\/batch +IQR/);
    // Batches 50, 60, 60, 70, 150, 170: quartiles at positions 1.25 and 3.75.
    expect(table).toMatch(/\nwasm +65\.0 +60\.0–130 +11 +- +0\.354 +3 +20\.0 /);
    expect(table).not.toMatch(/\nwebgpu/);
    expect(table).toMatch(/\nref-2t +120 /);
    const lines = sideLines(s.sides, [{ id: 'wasm×2', reason: 'no core to spare' }]).join('\n');
    expect(lines).toMatch(/webgpu +not run: GPU unavailable: no adapter/);
    expect(lines).toMatch(/wasm×2 +not run: no core to spare/);
    const comparison = comparisonTable(s.comparisons).join('\n');
    expect(comparison).toMatch(/wasm vs ref-2t +2\.00× +1\.75×–2\.00× +1\.50×–2\.00× +0\.50× .* 1\.25×$/m);
  });
});
