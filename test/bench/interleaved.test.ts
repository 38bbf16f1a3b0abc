/**
 * The interleaved benchmark end to end on a tiny budget: `node dist/bench.mjs --quick` with
 * our wasm sides only (the integration tier has no reference), real processes, real
 * training. The assertions are about the shape of what it reports, never about timings.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';

interface Json {
  [key: string]: unknown;
}

describe('npm run bench -- --quick --no-reference', () => {
  let r: SpawnSyncReturns<string>;
  beforeAll(() => {
    r = spawnSync(
      process.execPath,
      ['dist/bench.mjs', '--quick', '--no-reference', '--only', 'dense', '--backend', 'wasm', '--rounds', '2', '--turn', '1', '--settles', '1', '--warmup', '1', '--batch', '16', '--steps', '4', '--json'],
      { encoding: 'utf8', timeout: 180_000 },
    );
  }, 200_000);

  it('exits 0 with one JSON object on stdout and its progress on stderr', () => {
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/bench: dense: round 2: wasm \d+ ms, wasm×2 \d+ ms/);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('reports every side: its work per round, reads, memory, held-out MSE after the same batches', () => {
    const doc = JSON.parse(r.stdout) as Json;
    expect(doc).toMatchObject({ benchmark: 'attractor-studio interleaved', mode: 'quick', reference: { available: false, reason: '--no-reference' } });
    const dense = (doc.examples as Json).dense as Json;
    expect(dense).toMatchObject({ name: 'dense', file: 'examples/mnist-completion.attractor.json', batchSize: 16, steps: 4 });
    expect(dense.gflopPerIteration).toBeGreaterThan(0);
    const summary = dense.summary as { rounds: number; sides: Json[]; comparisons: unknown[] };
    expect(summary.rounds).toBe(2);
    expect(summary.comparisons).toEqual([]);
    expect(summary.sides.map((s) => s.id)).toEqual(['wasm', 'wasm×2']);
    for (const side of summary.sides) {
      expect(side).toMatchObject({ implementation: 'ours', rounds: 2, trained: 3, info: { batchSize: 16, steps: 4 } });
      const training = side.training as Json;
      const settle = side.settle as Json;
      expect(training).toMatchObject({ count: 2, ms: { n: 2 } });
      expect(settle).toMatchObject({ count: 2, ms: { n: 2 } });
      for (const w of [training, settle]) {
        expect(w.readsPer).toBeGreaterThan(0);
        expect(w.gflops).toBeGreaterThan(0);
        expect(w.meanIterations).toBeGreaterThan(0);
      }
      expect(side.mse).toBeGreaterThan(0);
      expect((side.memory as Json).maxRssBytes).toBeGreaterThan(0);
      expect((side.memory as Json).peakTensorBytes).toBeGreaterThan(0);
      const tensors = side.tensors as { first: Json; last: Json };
      expect(tensors.last.numTensors).toBe(tensors.first.numTensors);
    }
    expect((summary.sides[1].info as Json).workers).toBe(1);
    // The raw rounds are there too: every side's batches and settles per round.
    const run = dense.run as { sides: { rounds: { batches: unknown[]; settles: unknown[] }[] }[] };
    expect(run.sides[0].rounds.map((t) => [t.batches.length, t.settles.length])).toEqual([[1, 1], [1, 1]]);
    expect(((doc.env as Json).loadAverageAtStart as number[]).length).toBe(3);
  });
});
