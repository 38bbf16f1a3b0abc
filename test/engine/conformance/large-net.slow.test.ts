/**
 * examples/conv-large (3×64×64 ↔ 64×64×64, kernel 5; batch 256 in the file) settles and
 * trains on webgpu without a read per iteration and without growing tensors or GPU buffers
 * from batch to batch. Here on lavapipe (≈ 1 GFLOP/s on this net: a correctness device) at
 * batch 1 and T = 4; `npm run gpu-check` runs it at full size on a hardware adapter.
 */
import { describe, expect, it } from 'vitest';
import { runLargeNet } from '../../../bench/conformance/large-net.js';
import { webGpuAvailability } from '../../helpers/backends.js';

const webgpu = await webGpuAvailability();

describe.skipIf(!webgpu.available && !process.env.CI)(`conv-large on webgpu${webgpu.available ? '' : ` (skipped: ${webgpu.reason})`}`, () => {
  it('reads the device every few iterations, and keeps tensors and GPU bytes flat across batches', async () => {
    const r = await runLargeNet('examples/conv-large.attractor.json', 'webgpu', { batch: 1, steps: 4, batches: 3, settleSteps: 16 });
    console.log(JSON.stringify(r));
    expect(r.readCadence).toBe(8);
    // The settle ran all 16 iterations and read twice: once per 8.
    expect(r.settle.iterations).toBe(16);
    expect(r.settle.reads).toBeLessThanOrEqual(r.settle.iterations / 8);
    for (const b of r.batches) {
      expect(Number.isFinite(b.loss)).toBe(true);
      // A batch reads its settle every 8 iterations, then the loss and the gradients' finiteness once each.
      expect(b.reads).toBeLessThanOrEqual(Math.ceil(b.iterations / 8) + 2);
    }
    // The first batch creates the optimiser's state; from then on nothing grows.
    const after = r.batches.slice(1).map((b) => b.after);
    expect(new Set(after.map((a) => a.numTensors)).size).toBe(1);
    expect(after.every((a) => typeof a.gpuBytes === 'number' && a.gpuBytes > 0)).toBe(true);
    expect(new Set(after.map((a) => a.gpuBytes)).size).toBe(1);
  }, 600_000);
});
