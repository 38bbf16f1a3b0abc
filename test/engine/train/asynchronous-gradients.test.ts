/**
 * Training differentiates the schedule that actually ran (issue 13, bug 1): on an
 * asynchronous (unit-at-a-time) schedule, BPTT unrolls the unit updates and recurrent
 * backprop solves the adjoint of the unit-wise map, so both agree with finite differences
 * of the settled loss — where the synchronous stand-in was off by a factor of 6 and its
 * Neumann series diverged.
 *
 * The net: 20 tanh units, 8 clamped, uniform inhibition W = −0.1(11ᵀ − I) + 0.05·I. Its
 * energy is convex (Hessian ≈ I − W ≻ 0), so the asynchronous dynamics settle to the one
 * fixed point, while D·W has an eigenvalue near −1.9 there: the synchronous map 2-cycles
 * and the synchronous adjoint series diverges (it tossed all 4 examples before the fix).
 */
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { buildBatch, disposeBatch } from '../../../engine/runtime/batch.js';
import { gradcheck } from '../../../engine/train/gradcheck.js';
import { loadPlanDatasets, pickExamples } from '../../../engine/runtime/prepare.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { compileOrThrow, randomNetwork } from '../../helpers/nets.js';
import { clamp, dataset, layer, target, vector, within } from '../../helpers/graphs.js';

describeEachBackend('asynchronous schedule gradients', () => {
  it('BPTT and recurrent backprop of a 20-unit within-layer net agree with finite differences', async () => {
    const plan = compileOrThrow(
      [
        layer('v', vector(20), { role: 'visible' }),
        within('dense-within', 'w', 'v'),
        dataset('d', { kind: 'random-patterns', count: 8, size: 20 }, { range: 'unit' }),
        clamp('c', 'v', 'd', { kind: 'indices', indices: [0, 1, 2, 3, 4, 5, 6, 7] }),
        target('t', 'v', 'd'),
      ],
      { schedule: 'asynchronous' },
    );
    expect(plan.unitwise).toBe(true);
    const datasets = await loadPlanDatasets(plan, '.');
    const net = randomNetwork(plan, 1);
    // The diagonal stays off 0, where |·| (self-connections ≥ 0) has a kink finite differences cannot see.
    const w = tf.tidy(() => tf.add(tf.mul(-0.1, tf.sub(tf.ones([20, 20]), tf.eye(20))), tf.mul(0.05, tf.eye(20))));
    net.params.get('w')!.assign(w);
    w.dispose();
    const batch = buildBatch(plan, datasets, pickExamples(datasets, 4, 1, 'train'), 2);
    const before = tf.memory().numTensors;
    const r = await gradcheck(net, batch, { coordinates: 12, seed: 5, longSteps: 300, theta: 1e-6 });
    console.log('asynchronous', JSON.stringify({ rbpVsFd: r.rbpVsFd, bpttVsFd: r.bpttVsFd, bpttVsRbp: r.bpttVsRbp, tossed: r.tossed, tStar: r.tStar }));
    expect(r.tStar.every((t) => t > 0)).toBe(true);
    expect(r.tossed).toBe(0);
    expect(r.bpttVsFd.maxRelError).toBeLessThan(1e-2);
    expect(r.rbpVsFd.maxRelError).toBeLessThan(1e-2);
    expect(r.bpttVsRbp.maxRelError).toBeLessThan(1e-3);
    expect(tf.memory().numTensors).toBe(before);
    disposeBatch(batch);
    net.dispose();
  });

  it('BPTT unrolls the unit updates that ran: a random strong within-layer net with several attractors', async () => {
    // Before the fix BPTT unrolled synchronous updates here: cosine −0.18 against finite differences.
    const plan = compileOrThrow(
      [
        layer('v', vector(20), { role: 'visible' }),
        within('dense-within', 'w', 'v', { init: { gain: 6 } }),
        dataset('d', { kind: 'random-patterns', count: 8, size: 20 }, { range: 'unit' }),
        clamp('c', 'v', 'd', { kind: 'indices', indices: [0, 1, 2, 3, 4, 5, 6, 7] }),
        target('t', 'v', 'd'),
      ],
      { schedule: 'asynchronous' },
    );
    const datasets = await loadPlanDatasets(plan, '.');
    const net = randomNetwork(plan, 1);
    const batch = buildBatch(plan, datasets, pickExamples(datasets, 4, 1, 'train'), 2);
    const r = await gradcheck(net, batch, { coordinates: 12, seed: 5, longSteps: 300, theta: 1e-6 });
    console.log('asynchronous, several attractors', JSON.stringify({ bpttVsFd: r.bpttVsFd, bpttVsRbp: r.bpttVsRbp, tossed: r.tossed }));
    expect(r.tossed).toBe(0);
    // Saturated units make central differences with ε = 1e-3 coarse here; the two exact methods agree closely.
    expect(r.bpttVsFd.cosine).toBeGreaterThan(0.99);
    expect(r.bpttVsRbp.maxRelError).toBeLessThan(1e-3);
    disposeBatch(batch);
    net.dispose();
  });
});
