/**
 * Equilibrium propagation against recurrent backprop on small nets with clamps: the
 * estimate approaches the exact gradient as β → 0 at the rate its variant promises
 * (symmetric O(β²), one-sided O(β)), the nudged settles descend F = E + β·C, the softmax
 * nudge is F's exact minimiser, and what it cannot do is refused by name.
 */
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import type { Plan } from '../../../engine/compile/plan.js';
import type { Network } from '../../../engine/runtime/network.js';
import { buildBatch, disposeBatch, type Batch } from '../../../engine/runtime/batch.js';
import { disposeState, settle, settleIterations } from '../../../engine/runtime/settle.js';
import { loadPlanDatasets, pickExamples } from '../../../engine/runtime/prepare.js';
import { eqpropGradients, recurrentBackpropGradients, type MethodOptions } from '../../../engine/train/methods.js';
import { NudgedNet, eqpropRefusal, nudgeScale } from '../../../engine/train/eqprop-nudge.js';
import { softmaxCrossEntropyNudge } from '../../../engine/train/eqprop-softmax.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { flattenGrads, gradientGap } from '../../helpers/grad-compare.js';
import { compileOrThrow, randomNetwork } from '../../helpers/nets.js';
import { CLAMPED_NETS } from '../../helpers/clamped-nets.js';
import { between, clamp, dataset, layer, target, vector, type Parts } from '../../helpers/graphs.js';

const squaredError: Record<string, Parts[]> = CLAMPED_NETS;

/** Shapes (6×6) clamped, a hidden layer, and a softmax label layer scored by cross-entropy. */
const classifier: Parts[] = [
  layer('v', vector(36), { role: 'visible' }),
  layer('h', vector(8)),
  layer('y', vector(4), { role: 'visible', activation: 'softmax' }),
  between('dense', 'w', 'v', 'h', { init: { gain: 1.5 } }),
  between('dense', 'u', 'h', 'y', { init: { gain: 1.5 } }),
  dataset('d', { kind: 'shapes', count: 40, size: 6 }),
  clamp('c', 'v', 'd', { kind: 'whole' }),
  target('t', 'y', 'd', {}, 'labels'),
];

/** Settled tightly: θ and the adjoint tolerance near float32 resolution, so the reference is exact to ≈1e−6. */
const TIGHT: MethodOptions = { steps: 5000, theta: 1e-6, seed: 0, adjoint: { tolerance: 1e-7, maxSteps: 5000 } };

async function setUp(parts: Parts[], examples: number, settle: Record<string, unknown> = { schedule: 'sequential' }): Promise<{ plan: Plan; net: Network; batch: Batch }> {
  const plan = compileOrThrow(parts, settle);
  const datasets = await loadPlanDatasets(plan, '.');
  return { plan, net: randomNetwork(plan, 3), batch: buildBatch(plan, datasets, pickExamples(datasets, examples, 1, 'train'), 2) };
}

/** Eqprop's error against recurrent backprop at each β, for the symmetric and the one-sided estimate. */
async function errorsByBeta(net: Network, batch: Batch, betas: readonly number[], symmetric: boolean, exact: Float32Array) {
  const out: { beta: number; error: number; cosine: number; tossed: number; oneSided: number }[] = [];
  for (const beta of betas) {
    const r = await eqpropGradients(net, batch, { ...TIGHT, eqprop: { beta, symmetric } });
    out.push({ beta, ...gradientGap(await flattenGrads(r.grads), exact), tossed: r.tossed, oneSided: r.nudged?.oneSided ?? 0 });
  }
  return out;
}

describeEachBackend('equilibrium propagation', () => {
  for (const [name, parts] of Object.entries(squaredError)) {
    it(`${name}, squared error: approaches recurrent backprop as β → 0, symmetric as β², one-sided as β`, async () => {
      const { net, batch } = await setUp(parts, 4);
      const before = tf.memory().numTensors;
      const exact = await flattenGrads((await recurrentBackpropGradients(net, batch, TIGHT)).grads);
      const betas = [0.1, 0.01, 0.001];
      const sym = await errorsByBeta(net, batch, betas, true, exact);
      const one = await errorsByBeta(net, batch, betas, false, exact);
      console.log(name, JSON.stringify({ symmetric: sym, oneSided: one }));
      [...sym, ...one].forEach((r) => expect(r.tossed).toBe(0));
      // Symmetric: a tenth of β leaves ≈ a hundredth of the error, down to float32's floor (≈1e−4 here).
      expect(sym[1].error).toBeLessThan(sym[0].error / 30);
      expect(sym[1].cosine).toBeGreaterThan(0.99);
      expect(sym[2].error).toBeLessThan(3e-3);
      // One-sided: ≈ a tenth per tenth of β.
      for (const k of [0, 1]) {
        expect(one[k].error / one[k + 1].error).toBeGreaterThan(5);
        expect(one[k].error / one[k + 1].error).toBeLessThan(20);
      }
      expect(sym[1].error).toBeLessThan(one[1].error / 10);
      expect(tf.memory().numTensors).toBe(before);
      disposeBatch(batch);
      net.dispose();
    });
  }

  it('softmax cross-entropy: approaches recurrent backprop as β → 0; a −β phase with no minimum falls back to one-sided', async () => {
    const { net, batch } = await setUp(classifier, 8, {});
    const exact = await flattenGrads((await recurrentBackpropGradients(net, batch, TIGHT)).grads);
    const sym = await errorsByBeta(net, batch, [0.1, 0.01, 0.001, 0.0001], true, exact);
    console.log('softmax', JSON.stringify(sym));
    sym.forEach((r) => expect(r.tossed).toBe(0));
    for (let k = 1; k < sym.length; k++) expect(sym[k].error).toBeLessThan(sym[k - 1].error);
    expect(sym[3].cosine).toBeGreaterThan(0.99);
    // At β = 0.1 the labels of these untrained, confidently wrong nets (p_c ≈ 0.02) have no minimum of E − β·C nearby.
    expect(sym[0].oneSided).toBeGreaterThan(0);
    expect(sym[3].oneSided).toBe(0);
    expect(sym[0].cosine).toBeGreaterThan(0.9);
    disposeBatch(batch);
    net.dispose();
  });

  it("the softmax nudge is F's minimiser over each group: ln x_i − z_i − a_i/x_i is one constant per group", async () => {
    const groups = 64;
    const g = 5;
    const z = tf.randomNormal([groups, g], 0, 3, 'float32', 1);
    const hot = tf.oneHot(tf.randomUniform([groups], 0, g, 'int32', 2), g);
    // Coefficients from 1e−4 to 10, half of them negative (the −β phase).
    const size = tf.pow(10, tf.randomUniform([groups, 1], -4, 1, 'float32', 3));
    const sign = tf.sign(tf.randomUniform([groups, 1], -1, 1, 'float32', 4));
    const a = tf.mul(hot, tf.mul(size, sign));
    const { u, missing } = softmaxCrossEntropyNudge(z, a, g);
    const x = tf.softmax(u);
    const residual = tf.sub(tf.sub(tf.log(x), z), tf.div(a, x));
    const spread = tf.sub(tf.max(residual, 1), tf.min(residual, 1));
    const [spreads, gone, signs, sizes, p] = await Promise.all([spread.data(), tf.max(missing, 1).data(), sign.data(), size.data(), tf.sum(tf.mul(hot, tf.softmax(z)), 1).data()]);
    let solved = 0;
    spreads.forEach((s, k) => {
      if (gone[k] > 0) {
        // Only −β can lose its minimum, and only where the label's class is unlikely for its size.
        expect(signs[k]).toBeLessThan(0);
        expect(p[k]).toBeLessThan(3 * sizes[k]);
        return;
      }
      solved++;
      expect(s).toBeLessThan(1e-3);
    });
    expect(solved).toBeGreaterThan(groups / 2);
    [z, hot, size, sign, a, u, missing, x, residual, spread].forEach((t) => t.dispose());
  });

  const descentNets: Record<string, { parts: Parts[]; betas: number[] }> = {
    'dense, squared error': { parts: squaredError.dense, betas: [0.45, -0.45] },
    'conv, squared error': { parts: [...squaredError.conv.filter((p) => p.nodes[0].id !== 'r')], betas: [0.45, -0.45] },
    'softmax, cross-entropy': { parts: classifier, betas: [1, -0.005] },
  };
  for (const [name, { parts, betas }] of Object.entries(descentNets)) {
    it(`${name}: the nudged settle never raises F = E + β·C under a descent schedule`, async () => {
      const { plan, net, batch } = await setUp(parts, 8, { schedule: 'chromatic' });
      expect(plan.guarantee.kind).toBe('descent');
      const scale = nudgeScale(plan, batch.targets);
      for (const beta of betas) {
        const nudged = new NudgedNet(plan, net.params, beta, batch.targets, scale);
        // From the batch's own start: a long way down, where a step too bold would show.
        const steps = settleIterations({ net: nudged, initial: batch.initial, clamps: batch.clamps }, { steps: 300, theta: 1e-6, seed: 0 });
        let rises = 0;
        let iterations = 0;
        let r = await steps.next();
        while (!r.done) {
          rises += r.value.rose!.filter(Boolean).length;
          iterations++;
          r = await steps.next();
        }
        const energy = r.value.energy;
        expect(rises).toBe(0);
        expect(iterations).toBeGreaterThan(3);
        energy[energy.length - 1].forEach((e, b) => expect(e).toBeLessThan(energy[0][b]));
        disposeState(r.value.state);
        nudged.dispose();
      }
      scale.dispose();
      disposeBatch(batch);
      net.dispose();
    });
  }

  it('past the limit the squared-error nudge can raise F: why β ≥ 1/(2·weight) is refused', async () => {
    const { plan, net, batch } = await setUp(squaredError.dense, 8, { schedule: 'chromatic' });
    const scale = nudgeScale(plan, batch.targets);
    const nudged = new NudgedNet(plan, net.params, 3, batch.targets, scale);
    const steps = settleIterations({ net: nudged, initial: batch.initial, clamps: batch.clamps }, { steps: 100, theta: 1e-6, seed: 0 });
    let rises = 0;
    let r = await steps.next();
    for (; !r.done; r = await steps.next()) rises += r.value.rose!.filter(Boolean).length;
    disposeState(r.value.state);
    expect(rises).toBeGreaterThan(0);
    expect(eqpropRefusal(plan, 3)).toMatch(/too large/);
    nudged.dispose();
    scale.dispose();
    disposeBatch(batch);
    net.dispose();
  });

  it('F is E plus β·c times each example’s share of the loss; at β = 0 the nudged settle is the free one', async () => {
    const { plan, net, batch } = await setUp(squaredError.dense, 4, { schedule: 'chromatic' });
    const scale = nudgeScale(plan, batch.targets);
    const free = net.bind();
    const still = new NudgedNet(plan, net.params, 0, batch.targets, scale);
    const opts = { steps: 200, theta: 1e-6, seed: 0 } as const;
    const a = await settle({ net: free, initial: batch.initial, clamps: batch.clamps }, opts);
    const b = await settle({ net: still, initial: batch.initial, clamps: batch.clamps }, opts);
    expect(b.tStar).toEqual(a.tStar);
    expect(b.energy).toEqual(a.energy);
    // c counts the scored units of the batch: the bottom halves of 4 examples of 16.
    expect((await scale.data())[0]).toBe(32);
    [a.state, b.state].forEach(disposeState);
    [free, still].forEach((n) => n.dispose());
    scale.dispose();
    disposeBatch(batch);
    net.dispose();
  });

  it('examples whose free or nudged phase does not settle are tossed and counted; the rest still give a finite gradient', async () => {
    const { net, batch } = await setUp(squaredError.dense, 8);
    // A step budget that half the examples' free phases need more than.
    const bound = net.bind();
    const free = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps }, { steps: 2000, theta: 1e-6, seed: 0, energy: 'none' });
    disposeState(free.state);
    bound.dispose();
    const steps = [...free.tStar].sort((x, y) => x - y)[4] - 1;
    const unsettled = free.tStar.filter((t) => t > steps).length;
    expect(unsettled).toBeGreaterThanOrEqual(4);
    const r = await eqpropGradients(net, batch, { ...TIGHT, steps, eqprop: { beta: 0.01, symmetric: true, steps: 2000 } });
    expect(r.tossed).toBe(unsettled);
    expect(r.tStar.filter((t) => t < 0).length).toBe(unsettled);
    expect(r.tossedWhy.notSettled).toBe(r.tossed);
    const g = await flattenGrads(r.grads);
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g.some((v) => v !== 0)).toBe(true);
    disposeBatch(batch);
    net.dispose();
  });

  it('refuses, by name, what it cannot do: β past the descent limit, cross-entropy on a sigmoid layer, a target with no barrier', () => {
    const dense = compileOrThrow(squaredError.dense);
    expect(eqpropRefusal(dense, 0.45)).toBeUndefined();
    expect(eqpropRefusal(dense, 0.5)).toMatch(/β = 0.5 is too large for target "t" \(squared error, weight 1, tanh layer "v"\).*β < 0.5/);
    const sigmoid = compileOrThrow([...squaredError.dense.slice(1), layer('v', vector(16), { role: 'visible', activation: 'sigmoid' })].map((p) => p));
    expect(eqpropRefusal(sigmoid, 1.9)).toBeUndefined();
    const bce = compileOrThrow([
      layer('v', vector(16), { role: 'visible', activation: 'sigmoid' }),
      ...squaredError.dense.slice(1, 5),
      target('t', 'v', 'd', { loss: 'cross-entropy' }),
    ]);
    expect(eqpropRefusal(bce, 0.01)).toMatch(/target "t": cross-entropy on the sigmoid layer "v" is not supported/);
    const sign = compileOrThrow([layer('v', vector(16), { role: 'visible', activation: 'sign' }), ...squaredError.dense.slice(1)]);
    expect(eqpropRefusal(sign, 0.01)).toMatch(/the sign layer "v" has no barrier/);
    expect(eqpropRefusal(compileOrThrow(classifier), 5)).toBeUndefined();
  });
});
