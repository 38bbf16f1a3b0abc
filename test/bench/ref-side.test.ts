/**
 * The reference's side of the interleaved benchmark (bench/side/ref_side.py) with the real
 * torch and the real digits, where python3-torch is installed (CI has none: skipped there,
 * the title says why).
 */
import { describe, expect, it } from 'vitest';
import { SideProcess } from '../../bench/interleave/side-process.js';
import type { QualityResult, SettleResult, TrainResult } from '../../bench/interleave/protocol.js';
import { setupReference } from '../../bench/run.js';
import { sideSpecs } from '../../bench/interleave/sides.js';
import { BENCH_EXAMPLES } from '../../bench/examples.js';
import { parseBenchOptions } from '../../bench/options.js';
import { trainingConfigSchema } from '../../nodes/config.js';

const reference = setupReference(process.cwd(), { reference: true });

describe.skipIf(!reference.available)(`the reference as a side${reference.available ? '' : ` (skipped: ${reference.reason})`}`, () => {
  it('trains, settles and evaluates the dense net a few batches at a time, keeping its net between requests', async () => {
    const options = parseBenchOptions(['--no-split', '--backend', 'cpu', '--threads', '1'], {})!;
    const training = trainingConfigSchema.parse({ batch: 8, steps: 3 });
    const spec = sideSpecs({ root: process.cwd(), example: BENCH_EXAMPLES.dense, training, options, reference }).specs.find((s) => s.id === 'ref-1t')!;
    const { side, info } = await SideProcess.start(spec.id, spec.command, 60_000);
    try {
      expect(info).toMatchObject({ batchSize: 8, steps: 3, threads: 1, device: 'cpu' });
      expect(info.detail).toMatch(/^torch \S+, 1 thread$/);
      const first = await side.request<TrainResult>({ op: 'train', batches: 2 }, 60_000);
      const second = await side.request<TrainResult>({ op: 'train', batches: 1 }, 60_000);
      expect([first.trained, second.trained]).toEqual([2, 3]);
      for (const b of [...first.samples, ...second.samples]) expect(b).toMatchObject({ iterations: 3, reads: null, tossed: 0 });
      const settles = await side.request<SettleResult>({ op: 'settle', settles: 2 }, 60_000);
      expect(settles.samples).toHaveLength(2);
      for (const s of settles.samples) expect(s.settled + s.unsettled).toBe(8);
      const q = await side.request<QualityResult>({ op: 'quality' }, 60_000);
      expect(q).toMatchObject({ examples: 1000, trained: 3 });
      expect(q.mse).toBeGreaterThan(0);
      await expect(side.request({ op: 'frobnicate' } as never, 60_000)).rejects.toThrow(/ref-1t: ValueError: unknown request 'frobnicate'/);
    } finally {
      await side.close();
    }
  });
});
