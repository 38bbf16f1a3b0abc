/**
 * Random starts land inside each layer's range (issue 13, bug 3): the start is a random
 * net input passed through the layer's activation, so a sigmoid layer never starts below
 * 0 and a tanh layer never outside (−1, 1), whatever the scale; clamped and start-data
 * units still hold their data, and the energy of the start is finite.
 */
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { buildBatch, disposeBatch } from '../../../engine/runtime/batch.js';
import { unitRange } from '../../../engine/runtime/activations.js';
import { Network } from '../../../engine/runtime/network.js';
import { loadPlanDatasets } from '../../../engine/runtime/prepare.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { compileOrThrow } from '../../helpers/nets.js';
import { between, clamp, dataset, layer, noise, vector } from '../../helpers/graphs.js';

const ACTIVATIONS = ['tanh', 'sigmoid', 'sign', 'softmax', 'linear'] as const;

describeEachBackend('noise starts', () => {
  for (const activation of ACTIVATIONS) {
    for (const init of ['uniform', 'normal'] as const) {
      it(`${init} noise of scale 2 starts a ${activation} layer inside its range`, async () => {
        const plan = compileOrThrow([
          layer('v', vector(12), { role: 'visible' }),
          layer('h', vector(8), { activation, ...(activation === 'softmax' ? { softmaxGroup: 4 } : {}) }),
          between('dense', 'w', 'v', 'h'),
          noise('n', 'h', { init, scale: 2 }),
          dataset('d', { kind: 'random-patterns', count: 10, size: 12 }),
          clamp('c', 'v', 'd', { kind: 'whole' }),
        ]);
        const datasets = await loadPlanDatasets(plan, '.');
        const batch = buildBatch(plan, datasets, [0, 1, 2, 3, 4, 5], 9);
        const h = Array.from(await batch.initial.get('h')!.data());
        const { lo, hi } = unitRange({ activation });
        for (const x of h) {
          expect(x).toBeGreaterThanOrEqual(lo);
          expect(x).toBeLessThanOrEqual(hi);
        }
        // Random, not a constant start; and the clamped layer holds its data exactly.
        expect(new Set(h.map((x) => x.toFixed(4))).size).toBeGreaterThan(1);
        expect(Array.from(await batch.initial.get('v')!.data())).toEqual(Array.from(await batch.clamps.get('v')!.values.data()));
        if (activation === 'softmax') {
          for (let g = 0; g < h.length; g += 4) expect(h.slice(g, g + 4).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        }
        const net = Network.create(plan, 1, datasets);
        const bound = net.bind();
        const e = bound.energy(batch.initial);
        expect(Array.from(await e.data()).every(Number.isFinite)).toBe(true);
        tf.dispose(e);
        bound.dispose();
        net.dispose();
        disposeBatch(batch);
      });
    }
  }
});
