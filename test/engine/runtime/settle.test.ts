/**
 * Settling, tested as math: energy never rises phase by phase under descent schedules;
 * parallel updates end in a fixed point or a 2-cycle; clamps hold; t* is right; no leaks.
 */
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { makeRng } from '../../../engine/data/rng.js';
import { Network, type State } from '../../../engine/runtime/network.js';
import { disposeState, settle, settleIterations } from '../../../engine/runtime/settle.js';
import type { ClampBinding } from '../../../engine/runtime/step.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { compileOrThrow, randomClamp, randomGraphParts, randomNetwork, randomState, TOPOLOGIES } from '../../helpers/nets.js';
import { between, layer, vector, within } from '../../helpers/graphs.js';

const NETS = 50;

/** The largest rise of any example's energy from one phase to the next, relative to the energy's size. */
function worstRise(phaseEnergy: number[][]): number {
  let worst = -Infinity;
  for (let i = 1; i < phaseEnergy.length; i++) {
    phaseEnergy[i].forEach((e, b) => {
      worst = Math.max(worst, (e - phaseEnergy[i - 1][b]) / (1 + Math.abs(phaseEnergy[i - 1][b])));
    });
  }
  return worst;
}

function disposeClamps(c: Map<string, ClampBinding>): void {
  c.forEach((b) => {
    b.mask.dispose();
    b.values.dispose();
  });
}

describeEachBackend('settle', () => {
  it(`energy never increases, phase by phase, under descent schedules on ${NETS} random symmetric nets`, async () => {
    const settles = [
      { schedule: 'chromatic' },
      { schedule: 'sequential', order: 'fixed' },
      { schedule: 'sequential', order: 'shuffled' },
      { schedule: 'asynchronous' },
    ];
    let checked = 0;
    for (let seed = 0; seed < NETS; seed++) {
      const rng = makeRng(1000 + seed);
      const topology = TOPOLOGIES[seed % TOPOLOGIES.length];
      const parts = randomGraphParts(topology, rng);
      const cfg = settles[seed % settles.length];
      const plan = compileOrThrow(parts, cfg);
      if (plan.guarantee.kind !== 'descent') continue;
      const net = randomNetwork(plan, seed);
      const bound = net.bind();
      const start = randomState(plan, 3, rng);
      const clamps = seed % 2 === 0 ? randomClamp(plan, start, rng) : new Map<string, ClampBinding>();
      const r = await settle({ net: bound, initial: start, clamps }, { steps: plan.unitwise ? 4 : 30, theta: 1e-6, seed, energy: 'phase' });
      expect(r.phaseEnergy.length, `net ${seed} (${topology}, ${cfg.schedule})`).toBeGreaterThan(1);
      expect(worstRise(r.phaseEnergy), `net ${seed} (${topology}, ${cfg.schedule})`).toBeLessThan(1e-5);
      checked++;
      disposeState(r.state);
      disposeState(start);
      disposeClamps(clamps);
      bound.dispose();
      net.dispose();
    }
    // Topologies with an internal coupling are descent only one unit at a time: most nets still count.
    expect(checked).toBeGreaterThanOrEqual(30);
  });

  it('synchronous updates of random symmetric nets end in a fixed point or a 2-cycle', async () => {
    for (let seed = 0; seed < 12; seed++) {
      const rng = makeRng(2000 + seed);
      const activation = seed % 2 === 0 ? 'sign' : 'tanh';
      const plan = compileOrThrow(
        [layer('a', vector(12), { role: 'visible', activation }), layer('b', vector(9), { activation }), between('dense', 'w', 'a', 'b', { init: { gain: 3 } }), within('dense-within', 'r', 'b', { init: { gain: 2 } })],
        { schedule: 'synchronous' },
      );
      expect(plan.guarantee.kind).toBe('fixed-point-or-2-cycle');
      const net = randomNetwork(plan, seed);
      const bound = net.bind();
      const start = randomState(plan, 4, rng);
      const r = await settle({ net: bound, initial: start, clamps: new Map() }, { steps: 2000, theta: 1e-4, seed, energy: 'none' });
      r.tStar.forEach((t, b) => expect(t >= 0 || r.cycle2[b], `net ${seed} example ${b}`).toBe(true));
      disposeState(r.state);
      disposeState(start);
      bound.dispose();
      net.dispose();
    }
  });

  it('detects a constructed 2-cycle', async () => {
    // Two sign units joined by w = −1, updated together from (+1, +1): (−1, −1), (+1, +1), …
    const plan = compileOrThrow([layer('a', vector(1), { role: 'visible', activation: 'sign', bias: false }), layer('b', vector(1), { activation: 'sign', bias: false }), between('dense', 'w', 'a', 'b')], {
      schedule: 'synchronous',
    });
    const net = Network.fromValues(plan, new Map([['w', tf.tensor2d([[-1]])]]));
    const bound = net.bind();
    const start: State = new Map([
      ['a', tf.ones([1, 1])],
      ['b', tf.ones([1, 1])],
    ]);
    const r = await settle({ net: bound, initial: start, clamps: new Map() }, { steps: 10, theta: 1e-3, seed: 0 });
    expect(r.cycle2).toEqual([true]);
    expect(r.tStar).toEqual([-1]);
    expect(r.iterations).toBe(2);
    // The same net one layer at a time reaches a fixed point.
    const chromatic = compileOrThrow([layer('a', vector(1), { role: 'visible', activation: 'sign', bias: false }), layer('b', vector(1), { activation: 'sign', bias: false }), between('dense', 'w', 'a', 'b')]);
    const net2 = Network.fromValues(chromatic, new Map([['w', tf.tensor2d([[-1]])]]));
    const bound2 = net2.bind();
    const r2 = await settle({ net: bound2, initial: start, clamps: new Map() }, { steps: 10, theta: 1e-3, seed: 0 });
    expect(r2.cycle2).toEqual([false]);
    expect(r2.tStar[0]).toBeGreaterThan(0);
    [r.state, r2.state, start].forEach(disposeState);
    [bound, bound2, net, net2].forEach((x) => x.dispose());
  });

  it('clamped units never change; t* matches a hand-computed chain', async () => {
    // v (1 unit, clamped to 1) — h1 — h2, tanh, chromatic: phases [h1], [v, h2].
    const plan = compileOrThrow([
      layer('v', vector(1), { role: 'visible', bias: false }),
      layer('h1', vector(1), { bias: false }),
      layer('h2', vector(1), { bias: false }),
      between('dense', 'a', 'v', 'h1'),
      between('dense', 'b', 'h1', 'h2'),
    ]);
    const [wa, wb] = [0.9, -1.3];
    const net = Network.fromValues(plan, new Map([['a', tf.tensor2d([[wa]])], ['b', tf.tensor2d([[wb]])]]));
    const bound = net.bind();
    const theta = 1e-4;
    // The same dynamics with plain numbers.
    const v = 1;
    let [h1, h2] = [0, 0];
    let expected = -1;
    for (let i = 1; i <= 200 && expected < 0; i++) {
      const n1 = Math.tanh(wa * v + wb * h2);
      const n2 = Math.tanh(wb * n1);
      const change = Math.max(Math.abs(n1 - h1), Math.abs(n2 - h2));
      [h1, h2] = [n1, n2];
      if (change < theta) expected = i;
    }
    expect(expected).toBeGreaterThan(3);
    const start: State = new Map([
      ['v', tf.tensor2d([[1], [1]])],
      ['h1', tf.zeros([2, 1])],
      ['h2', tf.zeros([2, 1])],
    ]);
    const clamps = new Map([['v', { layer: 'v', mask: tf.ones([1, 1]), values: tf.tensor2d([[1], [1]]) }]]);
    const snapshots = Array.from({ length: 30 }, (_, i) => i);
    const r = await settle({ net: bound, initial: start, clamps }, { steps: 200, theta, seed: 0, snapshots });
    expect(r.tStar).toEqual([expected, expected]);
    expect(r.state.get('h1')!.dataSync()[0]).toBeCloseTo(h1, 5);
    for (const [, s] of r.snapshots) expect(Array.from(s.get('v')!.dataSync())).toEqual([1, 1]);
    r.snapshots.forEach(disposeState);
    [r.state, start].forEach(disposeState);
    disposeClamps(clamps);
    bound.dispose();
    net.dispose();
  });

  it('a converged example stops changing while the rest of the batch goes on', async () => {
    const plan = compileOrThrow([layer('v', vector(4), { role: 'visible' }), layer('h', vector(3)), between('dense', 'w', 'v', 'h', { init: { gain: 2 } })]);
    const net = randomNetwork(plan, 4);
    const bound = net.bind();
    const rng = makeRng(9);
    const start = randomState(plan, 5, rng);
    const r = await settle({ net: bound, initial: start, clamps: new Map() }, { steps: 100, theta: 1e-3, seed: 0, snapshots: Array.from({ length: 101 }, (_, i) => i) });
    r.tStar.forEach((t, b) => {
      if (t < 0) return;
      const at = r.snapshots.get(t)!.get('h')!.arraySync() as number[][];
      const last = r.snapshots.get(r.iterations)!.get('h')!.arraySync() as number[][];
      expect(last[b]).toEqual(at[b]);
    });
    expect(new Set(r.tStar).size).toBeGreaterThan(1);
    r.snapshots.forEach(disposeState);
    [r.state, start].forEach(disposeState);
    bound.dispose();
    net.dispose();
  });

  it('tf.memory().numTensors is the same after 1 and after 200 iterations', async () => {
    const plan = compileOrThrow([layer('v', vector(6), { role: 'visible', activation: 'sign' }), layer('h', vector(5), { activation: 'sign' }), between('dense', 'w', 'v', 'h'), within('dense-within', 'r', 'h')], {
      schedule: 'synchronous',
    });
    const net = randomNetwork(plan, 1);
    const bound = net.bind();
    const rng = makeRng(3);
    const start = randomState(plan, 2, rng);
    const counts: number[] = [];
    const run = async (steps: number) => {
      const before = tf.memory().numTensors;
      const iterations = settleIterations({ net: bound, initial: start, clamps: new Map() }, { steps, theta: 1e-3, seed: 0, stopWhen: 'never' });
      for (;;) {
        const r = await iterations.next();
        if (!r.done) {
          counts.push(tf.memory().numTensors);
          continue;
        }
        expect(r.value.iterations).toBe(steps);
        disposeState(r.value.state);
        break;
      }
      return tf.memory().numTensors - before;
    };
    expect(await run(1)).toBe(0);
    expect(await run(200)).toBe(0);
    expect(new Set(counts.slice(3)).size).toBe(1);
    disposeState(start);
    bound.dispose();
    net.dispose();
  });
});
