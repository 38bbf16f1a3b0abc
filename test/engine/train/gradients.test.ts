import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { makeRng } from '../../../engine/data/rng.js';
import { buildBatch, disposeBatch } from '../../../engine/runtime/batch.js';
import { gradcheck } from '../../../engine/train/gradcheck.js';
import { loadPlanDatasets, pickExamples } from '../../../engine/runtime/prepare.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { compileOrThrow, randomNetwork } from '../../helpers/nets.js';
import { CLAMPED_NETS } from '../../helpers/clamped-nets.js';
import { between, clamp, dataset, grid, layer, target, unpatched, within, type Parts } from '../../helpers/graphs.js';

const NETS: Record<string, Parts[]> = {
  ...CLAMPED_NETS,
  // Gradients must reach the kernels through the unpatch view's permutation and back.
  'conv through unpatch': [
    unpatched('u', 'v', 4, 4, { size: 2 }, { role: 'visible' }),
    layer('h', grid(2, 4, 4)),
    between('conv', 'k', { node: 'u', port: 'grid' }, 'h', { kernel: 3, init: { gain: 1.2 } }),
    within('conv-within', 'r', { node: 'u', port: 'grid' }, { kernel: 3, init: { gain: 0.4 } }),
    dataset('d', { kind: 'random-patterns', count: 8, size: 16 }, { range: 'unit' }),
    clamp('c', 'v', 'd', { kind: 'left-half' }),
    target('t', 'v', 'd'),
  ],
};

describeEachBackend('gradients', () => {
  for (const [name, parts] of Object.entries(NETS)) {
    it(`${name}: recurrent backprop and long-T BPTT agree with central finite differences`, async () => {
      const plan = compileOrThrow(parts, { schedule: 'sequential' });
      const datasets = await loadPlanDatasets(plan, '.');
      const net = randomNetwork(plan, 3);
      const batch = buildBatch(plan, datasets, pickExamples(datasets, 4, 1, 'train'), 2);
      const before = tf.memory().numTensors;
      const r = await gradcheck(net, batch, { coordinates: 16, seed: 5 });
      console.log(name, JSON.stringify({ rbpVsFd: r.rbpVsFd, bpttVsFd: r.bpttVsFd, bpttVsRbp: r.bpttVsRbp, tStar: r.tStar }));
      expect(r.tossed).toBe(0);
      expect(r.rbpVsFd.maxRelError).toBeLessThan(1e-2);
      expect(r.bpttVsFd.maxRelError).toBeLessThan(1e-2);
      expect(r.bpttVsRbp.maxRelError).toBeLessThan(1e-3);
      expect(tf.memory().numTensors).toBe(before);
      disposeBatch(batch);
      net.dispose();
      void makeRng;
    });
  }
});
