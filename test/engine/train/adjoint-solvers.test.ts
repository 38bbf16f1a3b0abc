/**
 * Recurrent backprop's two adjoint solvers (issue 12): conjugate gradients on the
 * symmetric system give the power series' gradient where the series converges, in fewer
 * steps, and a gradient that agrees with finite differences where the series diverges —
 * a diverging series is not a singular system. Graphs CG does not apply to use the series.
 */
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { buildBatch, disposeBatch } from '../../../engine/runtime/batch.js';
import { loadPlanDatasets, pickExamples } from '../../../engine/runtime/prepare.js';
import { readValues } from '../../../engine/runtime/readback.js';
import { bpttGradients, recurrentBackpropGradients, type GradientResult } from '../../../engine/train/methods.js';
import { cgRefusal } from '../../../engine/train/symmetric-adjoint.js';
import { checkTrainable } from '../../../engine/run/train-setup.js';
import { RunInputError } from '../../../engine/run/input-error.js';
import { trainingConfigSchema } from '../../../nodes/config.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { compileOrThrow, randomNetwork } from '../../helpers/nets.js';
import { between, clamp, dataset, grid, layer, target, vector, within } from '../../helpers/graphs.js';

async function flat(r: GradientResult): Promise<Float32Array> {
  const v = await readValues(tf.tidy(() => tf.concat([...r.grads.values()].map((g) => tf.reshape(g, [-1])))), true);
  r.grads.forEach((g) => g.dispose());
  return v;
}

const popcount = (n: number) => n.toString(2).split('').filter((c) => c === '1').length;

const relative = (a: Float32Array, b: Float32Array) => {
  let worst = 0;
  let scale = 0;
  a.forEach((x, i) => ((worst = Math.max(worst, Math.abs(x - b[i]))), (scale = Math.max(scale, Math.abs(b[i])))));
  return worst / (scale || 1);
};

describeEachBackend('adjoint solvers', () => {
  it('cg and the series give one gradient on a conv stack; cg takes fewer steps', async () => {
    const plan = compileOrThrow([
      layer('v', grid(1, 6, 6), { role: 'visible' }),
      layer('h', grid(3, 6, 6)),
      layer('top', vector(8)),
      between('conv', 'k', 'v', 'h', { kernel: 3, init: { gain: 1.5 } }),
      within('conv-within', 'r', 'h', { kernel: 3, init: { gain: 0.6 } }),
      between('dense', 'd', 'h', 'top', { init: { gain: 1.5 } }),
      dataset('data', { kind: 'random-patterns', count: 8, size: 36 }, { range: 'unit' }),
      clamp('c', 'v', 'data', { kind: 'top-half' }),
      target('t', 'v', 'data'),
    ]);
    expect(cgRefusal(plan)).toBeUndefined();
    const datasets = await loadPlanDatasets(plan, '.');
    const net = randomNetwork(plan, 2);
    const batch = buildBatch(plan, datasets, pickExamples(datasets, 4, 1, 'train'), 2);
    const before = tf.memory().numTensors;
    const opts = { steps: 300, theta: 1e-6, seed: 0 };
    const cg = await recurrentBackpropGradients(net, batch, { ...opts, adjoint: { solver: 'cg', tolerance: 1e-6, maxSteps: 500 } });
    const series = await recurrentBackpropGradients(net, batch, { ...opts, adjoint: { solver: 'neumann', tolerance: 1e-7, maxSteps: 2000 } });
    console.log(`conv stack: cg ${cg.adjointSteps} steps, series ${series.adjointSteps} steps`);
    expect([cg.tossed, series.tossed]).toEqual([0, 0]);
    expect(cg.adjointSteps).toBeLessThan(series.adjointSteps);
    expect(relative(await flat(cg), await flat(series))).toBeLessThan(1e-3);
    expect(tf.memory().numTensors).toBe(before);
    disposeBatch(batch);
    net.dispose();
  });

  it('cg solves what the series gives up on: a slow attractor, ρ(J) ≈ 0.99, the series at 500 steps, cg in a few', async () => {
    // All linear, W = 0.995·H/√8 with H a Hadamard matrix: the chromatic map contracts by 0.995² per
    // iteration, so the series needs ≈ 1,400 terms for 1e-6; I − S has a handful of distinct eigenvalues.
    const plan = compileOrThrow([
      layer('v', vector(8), { role: 'visible', activation: 'linear' }),
      layer('h', vector(8), { activation: 'linear' }),
      between('dense', 'w', 'v', 'h'),
      dataset('d', { kind: 'random-patterns', count: 8, size: 8 }, { range: 'unit' }),
      clamp('c', 'v', 'd', { kind: 'indices', indices: [0, 1, 2, 3] }),
      target('t', 'v', 'd'),
    ]);
    const datasets = await loadPlanDatasets(plan, '.');
    const net = randomNetwork(plan, 1);
    const h = [1, 1, 1, 1, 1, 1, 1, 1].map((_, i) => [0, 1, 2, 3, 4, 5, 6, 7].map((j) => ((popcount(i & j) % 2 === 0 ? 1 : -1) * 0.995) / Math.sqrt(8)));
    const w = tf.tensor2d(h);
    net.params.get('w')!.assign(w);
    w.dispose();
    const batch = buildBatch(plan, datasets, pickExamples(datasets, 4, 1, 'train'), 2);
    const opts = { steps: 20000, theta: 1e-7, seed: 0 };
    const series = await recurrentBackpropGradients(net, batch, { ...opts, adjoint: { solver: 'neumann', tolerance: 1e-6, maxSteps: 500 } });
    series.grads.forEach((g) => g.dispose());
    const cg = await recurrentBackpropGradients(net, batch, { ...opts, adjoint: { solver: 'cg', tolerance: 1e-6, maxSteps: 500 } });
    console.log(`slow attractor: t* ${cg.tStar.join(' ')}; series ${series.adjointSteps} steps, tossed ${series.tossed}; cg ${cg.adjointSteps} steps, tossed ${cg.tossed}`);
    expect(series.tossed).toBe(4);
    expect(series.tossedWhy.diverged).toBe(4);
    expect(cg.tossed).toBe(0);
    expect(cg.adjointSteps).toBeLessThan(20);
    // And its gradient is the right one: BPTT through every one of the ≈ 1,200 iterations to x*.
    const bptt = await bpttGradients(net, batch, { ...opts, adjoint: { tolerance: 1e-6, maxSteps: 500 } });
    expect(relative(await flat(cg), await flat(bptt))).toBeLessThan(1e-3);
    disposeBatch(batch);
    net.dispose();
  });

  it('graphs cg does not apply to say why, a run asking for cg is refused, and auto runs the series there', async () => {
    const softmax = compileOrThrow([
      layer('v', vector(9), { role: 'visible' }),
      layer('s', vector(4), { activation: 'softmax' }),
      between('dense', 'w', 'v', 's'),
      dataset('data', { kind: 'random-patterns', count: 8, size: 9 }, { range: 'unit' }),
      clamp('c', 'v', 'data', { kind: 'top-half' }),
      target('t', 'v', 'data'),
    ]);
    expect(cgRefusal(softmax)).toMatch(/layer "s" is softmax/);
    const config = trainingConfigSchema.parse({ method: 'recurrent-backprop', batch: 4, adjoint: { solver: 'cg' } });
    const words = { batch: 'use --batch', moreBatches: '', occupied: '' };
    expect(() => checkTrainable(softmax, config, 8, 'g.json', words)).toThrow(RunInputError);
    expect(() => checkTrainable(softmax, config, 8, 'g.json', words)).toThrow(/g.json: training.adjoint.solver "cg" does not apply: layer "s" is softmax/);
    const datasets = await loadPlanDatasets(softmax, '.');
    const net = randomNetwork(softmax, 3);
    const batch = buildBatch(softmax, datasets, pickExamples(datasets, 4, 1, 'train'), 3);
    const auto = await recurrentBackpropGradients(net, batch, { steps: 200, theta: 1e-6, seed: 0, adjoint: { solver: 'auto', tolerance: 1e-6, maxSteps: 500 } });
    const series = await recurrentBackpropGradients(net, batch, { steps: 200, theta: 1e-6, seed: 0, adjoint: { solver: 'neumann', tolerance: 1e-6, maxSteps: 500 } });
    expect(auto.adjointSteps).toBe(series.adjointSteps);
    expect(relative(await flat(auto), await flat(series))).toBe(0);
    disposeBatch(batch);
    net.dispose();
    const oneWay = compileOrThrow([
      layer('q', { type: 'tokens', tokens: 3, dim: 4 }),
      layer('k', { type: 'tokens', tokens: 5, dim: 6 }, { role: 'visible' }),
      { nodes: [{ id: 'x', kind: 'cross-attention', params: {} }], edges: [{ from: { node: 'q', port: 'state' }, to: { node: 'x', port: 'queries' } }, { from: { node: 'k', port: 'state' }, to: { node: 'x', port: 'keys' } }] },
    ]);
    expect(cgRefusal(oneWay)).toMatch(/coupling "x" is a one-way flow/);
  });
});
