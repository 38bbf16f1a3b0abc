import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../engine/compile/compile.js';
import type { Plan } from '../../engine/compile/plan.js';
import { loadGraphFile } from '../../engine/format/load.js';
import { batchFlops, flopsPerIteration, gflops, iterationEquivalents, productFlops } from '../../bench/flops.js';

async function plan(file: string): Promise<Plan> {
  const loaded = await loadGraphFile(join('examples', file));
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('; '));
  const { plan } = compileGraph(loaded.graph);
  if (!plan) throw new Error(`${file} does not compile`);
  return plan;
}

describe('FLOP counting of the benchmark', () => {
  it('dense example: 784 ↔ 256 at batch 64', async () => {
    const p = await plan('mnist-completion.attractor.json');
    // One product: x[64×784] · W[784×256] = 64·784·256 = 12,845,056 multiply-adds = 25,690,112 FLOPs.
    expect(productFlops(p, p.couplings[0], 64)).toBe(25_690_112);
    // One iteration of the 2-phase chromatic schedule: hidden ← up, visible ← down: two products.
    expect(flopsPerIteration(p, 64)).toBe(51_380_224);
    // The reference's own estimate for T = 20 BPTT: 3 × 2 × 2 · 64 · 200,704 weights · 20 = 3.08281344 GFLOP.
    expect(batchFlops(51_380_224, 'bptt', 20) / 1e9).toBeCloseTo(3.08281344, 12);
    // Recurrent backprop, 12 settle iterations and 30 adjoint steps: (12 + 1 + 30 + 3) = 46 iterations' worth.
    expect(batchFlops(51_380_224, 'recurrent-backprop', 12, 30)).toBe(46 * 51_380_224);
    // A settle of 9 iterations at batch 64.
    expect(batchFlops(flopsPerIteration(p, 64), 'settle', 9)).toBe(462_422_016);
    // Linear in the batch.
    expect(flopsPerIteration(p, 1)).toBe(802_816);
  });

  it('conv example: 1×28×28 ↔ 16×28×28, kernel 5, at batch 64', async () => {
    const p = await plan('conv-completion.attractor.json');
    // One 'same' conv: 64 examples · 28·28 outputs · 1 in · 16 out · 5·5 taps = 20,070,400 multiply-adds.
    expect(productFlops(p, p.couplings[0], 64)).toBe(40_140_800);
    // Up (conv) + down (conv-transpose, the same count).
    expect(flopsPerIteration(p, 64)).toBe(80_281_600);
    // The reference's estimate for T = 20: 3 · 2 · 2 · 64 · 784 · 400 · 20 = 4.816896 GFLOP.
    expect(batchFlops(80_281_600, 'bptt', 20) / 1e9).toBeCloseTo(4.816896, 12);
  });

  it('iteration equivalents and rates', () => {
    expect(iterationEquivalents('settle', 7)).toBe(7);
    expect(iterationEquivalents('bptt', 7)).toBe(21);
    expect(iterationEquivalents('every-step', 7)).toBe(21);
    expect(iterationEquivalents('recurrent-backprop', 7, 10)).toBe(21);
    // 3.08 GFLOP in 154 ms ≈ 20 GFLOP/s.
    expect(gflops(3_082_813_440, 154)).toBeCloseTo(20.018, 3);
    expect(gflops(1, 0)).toBeNaN();
  });
});
