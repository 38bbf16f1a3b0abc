/**
 * BPTT by the explicit backward pass (bptt.ts) is the taped unroll's gradient: the same
 * loss, the same t*, the same gradient (to float32 rounding), for bptt and every-step, with
 * examples stopping at their t* and with all T, on dense, conv, stacked and attention nets.
 */
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { buildBatch, disposeBatch } from '../../../engine/runtime/batch.js';
import { loadPlanDatasets, pickExamples } from '../../../engine/runtime/prepare.js';
import { readValues } from '../../../engine/runtime/readback.js';
import { bpttGradients, everyStepGradients, type GradientResult } from '../../../engine/train/methods.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { compileOrThrow, randomNetwork } from '../../helpers/nets.js';
import { between, clamp, dataset, grid, layer, target, vector, within, type Parts } from '../../helpers/graphs.js';

const data = (size: number) => [dataset('d', { kind: 'random-patterns', count: 8, size }, { range: 'unit' })];

const NETS: Record<string, Parts[]> = {
  'dense with a within-layer coupling': [
    layer('v', vector(16), { role: 'visible' }),
    layer('h', vector(6)),
    between('dense', 'w', 'v', 'h', { init: { gain: 1.5 } }),
    within('dense-within', 'r', 'h', { init: { gain: 0.5 } }),
    ...data(16),
    clamp('c', 'v', 'd', { kind: 'top-half' }),
    target('t', 'v', 'd'),
  ],
  'conv, three layers': [
    layer('v', grid(1, 4, 4), { role: 'visible' }),
    layer('h', grid(2, 4, 4)),
    layer('top', vector(5), { activation: 'sigmoid' }),
    between('conv', 'k', 'v', 'h', { kernel: 3, init: { gain: 1.2 } }),
    between('dense', 'd2', 'h', 'top'),
    ...data(16),
    clamp('c', 'v', 'd', { kind: 'left-half' }),
    target('t', 'v', 'd'),
  ],
  'self-attention tokens (damped steps)': [
    layer('v', { type: 'tokens', tokens: 4, dim: 4 }, { role: 'visible' }),
    { nodes: [{ id: 'a', kind: 'self-attention', params: { heads: 2, keyDim: 3, step: 0.05 } }], edges: [{ from: { node: 'v', port: 'state' }, to: { node: 'a', port: 'layer' } }] },
    ...data(16),
    clamp('c', 'v', 'd', { kind: 'indices', indices: [0, 1, 2, 3, 4, 5, 6, 7] }),
    target('t', 'v', 'd'),
  ],
};

async function flat(r: GradientResult): Promise<Float32Array> {
  const v = await readValues(tf.tidy(() => tf.concat([...r.grads.values()].map((g) => tf.reshape(g, [-1])))), true);
  r.grads.forEach((g) => g.dispose());
  return v;
}

describeEachBackend('explicit BPTT', () => {
  for (const [name, parts] of Object.entries(NETS)) {
    for (const method of ['bptt', 'every-step'] as const) {
      for (const stopAtTStar of [true, false]) {
        it(`${name}, ${method}, ${stopAtTStar ? 'stopping at t*' : 'all T'}: the taped unroll's loss, t* and gradient`, async () => {
          const plan = compileOrThrow(parts, { schedule: 'chromatic', theta: 1e-4 });
          const datasets = await loadPlanDatasets(plan, '.');
          const net = randomNetwork(plan, 3);
          const batch = buildBatch(plan, datasets, pickExamples(datasets, 4, 1, 'train'), 2);
          const before = tf.memory().numTensors;
          const grad = method === 'bptt' ? bpttGradients : everyStepGradients;
          const opts = { steps: 25, theta: 1e-4, seed: 5, adjoint: { tolerance: 1e-6, maxSteps: 100 }, stopAtTStar };
          const explicit = await grad(net, batch, opts);
          const taped = await grad(net, batch, { ...opts, taped: true });
          expect(explicit.tStar).toEqual(taped.tStar);
          expect(explicit.iterations).toBe(taped.iterations);
          expect(Math.abs(explicit.loss - taped.loss)).toBeLessThan(1e-6 * (1 + Math.abs(taped.loss)));
          const [a, b] = [await flat(explicit), await flat(taped)];
          let worst = 0;
          let scale = 0;
          a.forEach((x, i) => ((worst = Math.max(worst, Math.abs(x - b[i]))), (scale = Math.max(scale, Math.abs(b[i])))));
          expect(scale).toBeGreaterThan(0);
          expect(worst / scale).toBeLessThan(1e-4);
          expect(tf.memory().numTensors).toBe(before);
          disposeBatch(batch);
          net.dispose();
        });
      }
    }
  }
});
