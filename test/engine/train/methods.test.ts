/** Gradient methods beyond the finite-difference check: tossing, Hebbian recall, every-step, determinism. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { loadGraphFile } from '../../../engine/format/load.js';
import { compileGraph } from '../../../engine/compile/compile.js';
import { Network } from '../../../engine/runtime/network.js';
import { buildBatch, disposeBatch } from '../../../engine/runtime/batch.js';
import { disposeState, settle } from '../../../engine/runtime/settle.js';
import { loadPlanDatasets, pickExamples } from '../../../engine/runtime/prepare.js';
import { storeHebbian } from '../../../engine/train/hebbian.js';
import { createOptimizer } from '../../../engine/train/optimizers.js';
import { trainBatch } from '../../../engine/train/trainer.js';
import { bpttGradients, everyStepGradients } from '../../../engine/train/methods.js';
import { trainingConfigSchema } from '../../../nodes/config.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { compileOrThrow, randomNetwork } from '../../helpers/nets.js';
import { between, clamp, dataset, layer, target, vector } from '../../helpers/graphs.js';

describeEachBackend('gradient methods', () => {
  it('an example settled on an unstable fixed point (spectral radius 9) is tossed and counted; the run goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attractor-toss-'));
    // Example 0 starts at 0, a fixed point of a bias-free tanh net, unstable with W = 3I; example 1 does not.
    writeFileSync(join(dir, 'start.csv'), '0,0,0,0\n0.9,0.8,0.9,0.7\n0,0,0,0\n0.6,0.9,0.9,0.8\n');
    writeFileSync(join(dir, 'goal.csv'), '0.5,0.5,0.5,0.5\n0.5,0.5,0.5,0.5\n0.5,0.5,0.5,0.5\n0.5,0.5,0.5,0.5\n');
    const plan = compileOrThrow([
      layer('v', vector(4), { role: 'visible', bias: false }),
      layer('h', vector(4), { bias: false }),
      between('dense', 'w', 'v', 'h'),
      dataset('start', { kind: 'csv', path: join(dir, 'start.csv') }, { holdout: 0, range: 'unit' }),
      dataset('goal', { kind: 'csv', path: join(dir, 'goal.csv') }, { holdout: 0, range: 'unit' }),
      clamp('c', 'v', 'start', { kind: 'whole' }, { hold: false }),
      target('t', 'v', 'goal', { units: 'all' }),
    ]);
    const datasets = await loadPlanDatasets(plan, dir);
    const network = Network.fromValues(plan, new Map([['w', tf.mul(3, tf.eye(4))]]));
    const config = trainingConfigSchema.parse({ method: 'recurrent-backprop', batch: 4, optimizer: { kind: 'sgd', lr: 0.01 } });
    const input = { plan, network, optimizer: createOptimizer(config.optimizer), datasets, config, theta: 1e-4 };
    const first = await trainBatch(input, 0);
    expect(first.tossed).toBe(2);
    expect(Number.isFinite(first.loss)).toBe(true);
    const second = await trainBatch(input, 1);
    expect(second.step).toBe(2);
    expect(network.params.get('w')!.dataSync().every(Number.isFinite)).toBe(true);
    input.optimizer.dispose();
    network.dispose();
  });

  it('Hebbian storage: 5 random patterns of 100 units, each recalled from 10% flipped bits', async () => {
    const loaded = await loadGraphFile('examples/hopfield.attractor.json');
    if (!loaded.ok) throw new Error('example does not load');
    const plan = compileGraph(loaded.graph).plan!;
    const datasets = await loadPlanDatasets(plan, 'examples');
    const network = Network.create(plan, 0);
    const all = [0, 1, 2, 3, 4];
    expect(storeHebbian(plan, network, datasets, all).get('W')).toBe(5);
    const w = network.params.get('W')!.arraySync() as number[][];
    for (let i = 0; i < 100; i++) for (let j = 0; j < 100; j++) expect(w[i][j]).toBe(i === j ? 0 : w[j][i]);
    const batch = buildBatch(plan, datasets, all, 3);
    const patterns = tf.tensor2d(Float32Array.from(datasets.get('patterns')!.images, (v) => 2 * v - 1), [5, 100]);
    const flipped = tf.sum(tf.cast(tf.notEqual(batch.initial.get('units')!, patterns), 'float32'), 1).arraySync() as number[];
    flipped.forEach((f) => expect(f).toBeGreaterThan(3));
    const bound = network.bind();
    const r = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps }, { steps: 20, theta: 1e-3, seed: 1 });
    const wrong = tf.sum(tf.cast(tf.notEqual(r.state.get('units')!, patterns), 'float32'), 1).arraySync();
    expect(wrong).toEqual([0, 0, 0, 0, 0]);
    r.tStar.forEach((t) => expect(t).toBeGreaterThan(0));
    [patterns].forEach((t) => t.dispose());
    disposeState(r.state);
    disposeBatch(batch);
    bound.dispose();
    network.dispose();
  });

  it('every-step (TD(1)) points the same way as final-step BPTT and lowers the loss', async () => {
    const plan = compileOrThrow([
      layer('v', vector(16), { role: 'visible' }),
      layer('h', vector(8)),
      between('dense', 'w', 'v', 'h', { init: { gain: 1 } }),
      dataset('d', { kind: 'random-patterns', count: 16, size: 16 }, { range: 'unit' }),
      clamp('c', 'v', 'd', { kind: 'top-half' }),
      target('t', 'v', 'd'),
    ]);
    const datasets = await loadPlanDatasets(plan, '.');
    const network = randomNetwork(plan, 2);
    const batch = buildBatch(plan, datasets, pickExamples(datasets, 8, 0, 'train'), 1);
    const opts = { steps: 50, theta: 1e-5, seed: 0, adjoint: { tolerance: 1e-6, maxSteps: 500 } };
    const a = await everyStepGradients(network, batch, opts);
    const b = await bpttGradients(network, batch, opts);
    const flat = (m: Map<string, tf.Tensor>) => [...m.values()].flatMap((t) => Array.from(t.dataSync()));
    const [ga, gb] = [flat(a.grads), flat(b.grads)];
    const cos = ga.reduce((s, x, i) => s + x * gb[i], 0) / Math.sqrt(ga.reduce((s, x) => s + x * x, 0) * gb.reduce((s, x) => s + x * x, 0));
    expect(cos).toBeGreaterThan(0.5);
    [a, b].forEach((r) => r.grads.forEach((g) => g.dispose()));
    disposeBatch(batch);
    const config = trainingConfigSchema.parse({ method: 'every-step', batch: 8, steps: 30, optimizer: { kind: 'adam', lr: 0.02 } });
    const input = { plan, network, optimizer: createOptimizer(config.optimizer), datasets, config, theta: 1e-4 };
    const losses: number[] = [];
    for (let s = 0; s < 30; s++) losses.push((await trainBatch(input, s)).loss);
    expect(losses.slice(-5).reduce((x, y) => x + y) / 5).toBeLessThan(losses.slice(0, 5).reduce((x, y) => x + y) / 5);
    input.optimizer.dispose();
    network.dispose();
  });

  it('bptt stops each example at its t* by default, or unrolls all T when asked', async () => {
    const plan = compileOrThrow([
      layer('v', vector(16), { role: 'visible' }),
      layer('h', vector(8)),
      between('dense', 'w', 'v', 'h', { init: { gain: 0.5 } }),
      dataset('d', { kind: 'random-patterns', count: 16, size: 16 }),
      clamp('c', 'v', 'd', { kind: 'top-half' }),
      target('t', 'v', 'd'),
    ]);
    const datasets = await loadPlanDatasets(plan, '.');
    const network = Network.create(plan, 1);
    const batch = buildBatch(plan, datasets, pickExamples(datasets, 8, 0, 'train'), 1);
    const opts = { steps: 40, theta: 1e-3, seed: 0, adjoint: { tolerance: 1e-4, maxSteps: 100 } };
    const early = await bpttGradients(network, batch, opts);
    const full = await bpttGradients(network, batch, { ...opts, stopAtTStar: false });
    expect(early.iterations).toBeLessThan(40);
    expect(early.tStar.every((t) => t > 0 && t <= early.iterations)).toBe(true);
    expect(full.iterations).toBe(40);
    expect(full.tStar).toEqual(early.tStar);
    [early, full].forEach((r) => r.grads.forEach((g) => g.dispose()));
    disposeBatch(batch);
    network.dispose();
  });

  it('same seed, same backend: an identical loss curve; tensor counts flat across batches', async () => {
    const plan = compileOrThrow([
      layer('v', vector(16), { role: 'visible' }),
      layer('h', vector(8)),
      between('dense', 'w', 'v', 'h'),
      dataset('d', { kind: 'random-patterns', count: 32, size: 16 }),
      clamp('c', 'v', 'd', { kind: 'random-fraction', fraction: 0.5 }),
      target('t', 'v', 'd'),
    ]);
    const datasets = await loadPlanDatasets(plan, '.');
    const curve = async (method: 'bptt' | 'recurrent-backprop') => {
      const network = Network.create(plan, 4);
      const config = trainingConfigSchema.parse({ method, batch: 8, seed: 3 });
      const input = { plan, network, optimizer: createOptimizer(config.optimizer), datasets, config, theta: 1e-3 };
      const counts: number[] = [];
      const losses: number[] = [];
      for (let s = 0; s < 6; s++) {
        losses.push((await trainBatch(input, s)).loss);
        counts.push(tf.memory().numTensors);
      }
      input.optimizer.dispose();
      network.dispose();
      return { losses, counts };
    };
    for (const method of ['bptt', 'recurrent-backprop'] as const) {
      const a = await curve(method);
      const b = await curve(method);
      expect(b.losses).toEqual(a.losses);
      expect(new Set(a.counts).size).toBe(1);
    }
  });
});
