/**
 * The explorer's own settle of stacked classic nets against the engine's: the blocked
 * unit-wise sweep equals the engine's one-unit-at-a-time step (runUnitwise) for the same
 * order, unit for unit; the parallel step equals x ← sign(x·W); and the corruptions change
 * exactly the units they say.
 */
import { beforeAll, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { startBackend } from '../../../engine/backend/select.js';
import { builtMemoryNet, compileMemoryNet } from '../../../engine/analysis/capacity-net.js';
import { couplingKind } from '../../../engine/couplings/registry.js';
import * as kit from '../../../engine/runtime/tensor-kit.js';
import { Network } from '../../../engine/runtime/network.js';
import { runUnitwise } from '../../../engine/runtime/step.js';
import { settleProbes, unitwiseSweep } from '../../../engine/analysis/retrieval-settle.js';
import { corruptedProbes, randomPatterns, streamRng } from '../../../engine/analysis/corruption.js';
import { trialStat } from '../../../engine/analysis/retrieval-stats.js';
import { halfCrossing } from '../../../engine/protocol/capacity.js';

beforeAll(() => startBackend('wasm'));

/** A classic net of n units storing p patterns (compiled by the real compiler, stored by the coupling's Hebbian rule), and b corrupted probes. */
function classicNet(n: number, p: number, b: number, schedule: 'asynchronous' | 'synchronous') {
  const { plan, layer, coupling } = compileMemoryNet(builtMemoryNet('classic'), { n, patterns: p, beta: null }, { schedule });
  const patterns = randomPatterns(p, n, streamRng(7, n), false);
  const y = tf.tensor2d(patterns, [p, n]);
  const w = couplingKind(coupling).hebbian!.store(coupling, layer, y, kit);
  const targets = Array.from({ length: b }, (_, k) => k % p);
  const start = corruptedProbes(patterns, n, targets, { kind: 'flip', level: 0.3 }, streamRng(7, n, 1));
  return { plan, layer, coupling, y, w, start };
}

it('a blocked unit-wise sweep is the engine’s unit-at-a-time step, unit for unit (N = 70: two full blocks and a partial one)', () => {
  const n = 70;
  const b = 6;
  const net = classicNet(n, 12, b, 'asynchronous');
  const order = streamRng(3).shuffle(Array.from({ length: n }, (_, i) => i));
  const x = tf.tensor2d(net.start, [b, n]);
  const mine = unitwiseSweep(x, { weights: tf.stack([net.w]) as tf.Tensor3D, start: tf.reshape(x, [1, b, n]) as tf.Tensor3D, layer: net.layer, unitwise: true }, order);
  const network = Network.fromValues(net.plan, new Map([[net.coupling.param, net.w]]));
  const bound = network.bind();
  const ctx = { net: bound, clamps: new Map(), dropout: new Map(), nextSeed: () => 0 };
  const engine = runUnitwise(ctx, net.plan.phases[0], new Map([[net.layer.id, x]]), order.map((i) => [0, i] as const)).get(net.layer.id)!;
  const [a, e, x0] = [mine.arraySync() as number[][], engine.arraySync() as number[][], x.arraySync() as number[][]];
  expect(a).toEqual(e);
  // And the sweep did something: 30% flips at α = 0.17 move units.
  expect(a).not.toEqual(x0);
  bound.dispose();
  network.dispose();
});

it('settleProbes: synchronous steps are x ← sign(x·W); t* and the final state agree with stepping by hand', async () => {
  const n = 50;
  const b = 4;
  const net = classicNet(n, 3, b, 'synchronous');
  const start = tf.tensor3d(net.start, [1, b, n]);
  const weights = tf.stack([net.w]) as tf.Tensor3D;
  const gen = settleProbes({ weights, start, layer: net.layer, unitwise: false }, { steps: 20, theta: 1e-3, seed: 1, readEvery: 1 });
  let step = await gen.next();
  while (!step.done) step = await gen.next();
  const { state, tStar } = step.value;
  let x = tf.tensor2d(net.start, [b, n]);
  const byHand: number[] = new Array<number>(b).fill(-1);
  for (let i = 1; i <= 20; i++) {
    const next = tf.sign(tf.matMul(x, net.w));
    const change = tf.max(tf.abs(tf.sub(next, x)), 1).arraySync() as number[];
    change.forEach((c, k) => {
      if (byHand[k] < 0 && c < 1e-3) byHand[k] = i;
    });
    x = next as tf.Tensor2D;
  }
  expect(tStar).toEqual(byHand);
  expect(tStar.every((t) => t > 0)).toBe(true);
  expect(tf.reshape(state, [b, n]).arraySync()).toEqual(x.arraySync());
});

it('corruptions: flip and mask change exactly round(f·N) units, noise every unit, each probe from its own pattern', () => {
  const n = 200;
  const patterns = randomPatterns(3, n, streamRng(1), false);
  const targets = [0, 1, 2, 0];
  const count = (c: 'flip' | 'mask', same: (a: number, b: number) => boolean) => {
    const start = corruptedProbes(patterns, n, targets, { kind: c, level: 0.13 }, streamRng(2));
    return targets.map((t, k) => Array.from({ length: n }, (_, i) => same(start[k * n + i], patterns[t * n + i])).filter((v) => !v).length);
  };
  expect(count('flip', (a, b) => a === b)).toEqual([26, 26, 26, 26]);
  expect(count('mask', (a, b) => a === b)).toEqual([26, 26, 26, 26]);
  const masked = corruptedProbes(patterns, n, targets, { kind: 'mask', level: 0.13 }, streamRng(2));
  expect(masked.filter((v) => v === 0).length).toBe(4 * 26);
  const noisy = corruptedProbes(patterns, n, [0], { kind: 'noise', level: 0.5 }, streamRng(2));
  const residual = Array.from(noisy, (v, i) => v - patterns[i]);
  const sd = Math.sqrt(residual.reduce((a, v) => a + v * v, 0) / n);
  expect(residual.every((v) => v !== 0)).toBe(true);
  expect(sd).toBeGreaterThan(0.4);
  expect(sd).toBeLessThan(0.6);
  // Unit-length patterns: entries ±1/√N.
  expect(randomPatterns(1, 16, streamRng(1), true).every((v) => Math.abs(Math.abs(v) - 0.25) < 1e-7)).toBe(true);
});

it('trial statistics and the ½ crossing', () => {
  expect(trialStat([0.5])).toEqual({ mean: 0.5, se: null });
  const s = trialStat([1, 2, 3]);
  expect(s.mean).toBe(2);
  expect(s.se).toBeCloseTo(1 / Math.sqrt(3));
  expect(halfCrossing([0.1, 0.2, 0.3], [1, 0.75, 0.25], 'falls')).toEqual({ at: 0.25, between: [0.2, 0.3] });
  expect(halfCrossing([0.1, 0.2], [1, 0.9], 'falls')).toEqual({ at: null, between: null });
  const up = halfCrossing([1, 100], [0, 1], 'rises', true);
  expect(up.at).toBeCloseTo(10);
});
