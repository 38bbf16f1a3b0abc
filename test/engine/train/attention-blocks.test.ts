/** Attention blocks inside the engine: guarantees, descent while settling, gradients, retrieval. */
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { Network } from '../../../engine/runtime/network.js';
import { buildBatch, disposeBatch } from '../../../engine/runtime/batch.js';
import { disposeState, settle } from '../../../engine/runtime/settle.js';
import { loadPlanDatasets, pickExamples } from '../../../engine/runtime/prepare.js';
import { gradcheck } from '../../../engine/train/gradcheck.js';
import { selfAttentionStepBound } from '../../../engine/runtime/attention.js';
import { tokenRadius2, type PositionalSpec } from '../../../engine/compile/attention-structure.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { compileOrThrow, randomNetwork } from '../../helpers/nets.js';
import { clamp, dataset, layer, target, vector, type Parts } from '../../helpers/graphs.js';

const tokensLayer = (id: string, tokens: number, dim: number, params: Record<string, unknown> = {}) => layer(id, { type: 'tokens', tokens, dim }, params);
const block = (id: string, kind: string, layerId: string, params: Record<string, unknown>, patternsFrom?: string): Parts => ({
  nodes: [{ id, kind, params }],
  edges: [
    { from: { node: layerId, port: 'state' }, to: { node: id, port: 'layer' } },
    ...(patternsFrom ? [{ from: { node: patternsFrom, port: 'images' }, to: { node: id, port: 'patterns' } }] : []),
  ],
});

const MASKS = [{ kind: 'full' }, { kind: 'local', radius: 1 }, { kind: 'local-global', radius: 1, global: 1 }, { kind: 'causal' }];

describeEachBackend('attention blocks', () => {
  it('self-attention: descent when α is within the bound on a tanh layer, none otherwise (with the reason)', async () => {
    const bound = selfAttentionStepBound(2, 4, 1, 6);
    const g = (step: number, activation = 'tanh') =>
      compileOrThrow([tokensLayer('x', 6, 4, { role: 'visible', activation }), block('a', 'self-attention', 'x', { heads: 2, keyDim: 3, beta: 1, step })]);
    expect(g(bound).guarantee.kind).toBe('descent');
    const far = g(10 * bound).guarantee;
    expect(far.kind).toBe('none');
    expect(far.reason).toMatch(/steps α = .* above the descent bound 1\/\(H\(1\+n\)\(2βR²\+1\)\)/);
    expect(g(bound, 'linear').guarantee.reason).toMatch(/tanh box/);
    expect(g(bound).phases[0].updates[0].damped).toBe(bound);
  });

  for (const mask of MASKS) {
    it(`self-attention (${mask.kind} mask): the energy never rises while settling at the bound`, async () => {
      const bound = selfAttentionStepBound(2, 4, 2, mask.kind === 'local' ? 3 : 6);
      const plan = compileOrThrow([tokensLayer('x', 6, 4, { role: 'visible' }), block('a', 'self-attention', 'x', { heads: 2, keyDim: 3, beta: 2, step: bound, mask })]);
      expect(plan.guarantee.kind).toBe('descent');
      for (let seed = 0; seed < 3; seed++) {
        const net = randomNetwork(plan, seed);
        const bound2 = net.bind();
        const start = new Map([['x', tf.randomUniform([3, 6, 4], -0.9, 0.9, 'float32', seed)]]);
        const r = await settle({ net: bound2, initial: start, clamps: new Map() }, { steps: 40, theta: 1e-9, seed, energy: 'phase', stopWhen: 'never' });
        for (let i = 1; i < r.phaseEnergy.length; i++) {
          r.phaseEnergy[i].forEach((e, b) => expect(e - r.phaseEnergy[i - 1][b]).toBeLessThan(1e-5 * (1 + Math.abs(e))));
        }
        expect(r.phaseEnergy.at(-1)![0]).toBeLessThan(r.phaseEnergy[0][0]);
        disposeState(r.state);
        disposeState(start);
        bound2.dispose();
        net.dispose();
      }
    });
  }

  const POSITIONAL = [
    { encoding: 'sinusoidal', combine: 'add', dim: 4 },
    { encoding: 'sinusoidal', combine: 'concat', dim: 3 },
    { encoding: 'learned', combine: 'add', dim: 4 },
    { encoding: 'learned', combine: 'concat', dim: 2 },
  ];
  for (const positional of POSITIONAL) {
    it(`positional pathway (${positional.encoding}, ${positional.combine}): descent at the bound with R² = ${positional.combine === 'add' ? '4d' : 'd + d_p'}`, async () => {
      const r2 = tokenRadius2(4, positional as PositionalSpec);
      const bound = selfAttentionStepBound(1, r2, 2, 6);
      const plan = compileOrThrow([tokensLayer('x', 6, 4, { role: 'visible' }), block('a', 'self-attention', 'x', { heads: 1, keyDim: 3, beta: 2, step: bound, positional })]);
      expect(plan.guarantee.kind).toBe('descent');
      expect(compileOrThrow([tokensLayer('x', 6, 4, { role: 'visible' }), block('a', 'self-attention', 'x', { heads: 1, keyDim: 3, beta: 2, step: 1.01 * bound, positional })]).guarantee.kind).toBe('none');
      const net = randomNetwork(plan, 4);
      const bound2 = net.bind();
      const start = new Map([['x', tf.randomUniform([2, 6, 4], -0.9, 0.9, 'float32', 9)]]);
      const r = await settle({ net: bound2, initial: start, clamps: new Map() }, { steps: 30, theta: 1e-9, seed: 0, energy: 'phase', stopWhen: 'never' });
      for (let i = 1; i < r.phaseEnergy.length; i++) r.phaseEnergy[i].forEach((e, b) => expect(e - r.phaseEnergy[i - 1][b]).toBeLessThan(1e-5 * (1 + Math.abs(e))));
      disposeState(r.state);
      disposeState(start);
      bound2.dispose();
      net.dispose();
    });
  }

  const cross = (keysClamped: boolean): Parts[] => [
    tokensLayer('q', 4, 4, { role: 'visible' }),
    tokensLayer('k', 3, 5, { role: 'visible' }),
    dataset('d', { kind: 'random-patterns', count: 8, size: 16 }, { range: 'unit' }),
    dataset('e', { kind: 'random-patterns', count: 8, size: 15, seed: 4 }),
    clamp('cq', 'q', 'd', { kind: 'top-half' }),
    ...(keysClamped ? [clamp('ck', 'k', 'e', { kind: 'whole' })] : []),
    target('t', 'q', 'd'),
    {
      nodes: [{ id: 'x', kind: 'cross-attention', params: { heads: 2, keyDim: 3, beta: 2 } }],
      edges: [
        { from: { node: 'q', port: 'state' }, to: { node: 'x', port: 'queries' } },
        { from: { node: 'k', port: 'state' }, to: { node: 'x', port: 'keys' } },
      ],
    },
  ];

  it('cross-attention: one-way; descent with the keys clamped, none (with the reason) when they move', async () => {
    const plan = compileOrThrow(cross(true));
    expect(plan.guarantee.kind).toBe('descent');
    const q = plan.phases.flatMap((p) => p.updates).find((u) => u.layer === 'q')!;
    expect(q.terms.map((t) => t.coupling)).toEqual(['x']);
    expect(plan.phases.flatMap((p) => p.updates).find((u) => u.layer === 'k')).toBeUndefined();
    expect(compileOrThrow(cross(false)).guarantee.reason).toMatch(/one-way: layer "k" moves without feeling it/);
    const datasets = await loadPlanDatasets(plan, '.');
    const net = randomNetwork(plan, 1);
    const bound = net.bind();
    const batch = buildBatch(plan, datasets, [0, 1, 2], 1);
    const r = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps }, { steps: 30, theta: 1e-9, seed: 0, energy: 'phase', stopWhen: 'never' });
    for (let i = 1; i < r.phaseEnergy.length; i++) r.phaseEnergy[i].forEach((e, b) => expect(e - r.phaseEnergy[i - 1][b]).toBeLessThan(1e-5 * (1 + Math.abs(e))));
    disposeState(r.state);
    disposeBatch(batch);
    bound.dispose();
    net.dispose();
  });

  it('Hopfield memory: one settle step retrieves stored patterns from 20%-flipped starts (β large)', async () => {
    const plan = compileOrThrow([
      layer('q', vector(64), { role: 'visible', activation: 'linear', bias: false }),
      dataset('d', { kind: 'random-patterns', count: 20, size: 64, seed: 3 }, { holdout: 0, shuffle: false }),
      clamp('c', 'q', 'd', { kind: 'whole' }, { hold: false }),
      { nodes: [{ id: 'n', kind: 'noise', params: { init: 'zeros', corrupt: 0.2 } }], edges: [{ from: { node: 'q', port: 'state' }, to: { node: 'n', port: 'layer' } }] },
      block('m', 'hopfield-memory', 'q', { patterns: 20, beta: 1, source: 'dataset' }, 'd'),
    ]);
    expect(plan.guarantee.kind).toBe('descent');
    const datasets = await loadPlanDatasets(plan, '.');
    const net = Network.create(plan, 0, datasets);
    const bound = net.bind();
    const all = Array.from({ length: 20 }, (_, i) => i);
    const batch = buildBatch(plan, datasets, all, 5);
    const r = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps }, { steps: 1, theta: 1e-6, seed: 0, stopWhen: 'never' });
    const y = net.params.get('m')!;
    const err = tf.tidy(() => tf.max(tf.abs(tf.sub(r.state.get('q')!, y))).dataSync()[0]);
    expect(err).toBeLessThan(1e-3);
    expect(net.params.get('m')!.trainable).toBe(false);
    disposeState(r.state);
    disposeBatch(batch);
    bound.dispose();
    net.dispose();
  });

  for (const [name, parts] of Object.entries({
    'self-attention': [
      tokensLayer('x', 4, 4, { role: 'visible' }),
      // A step above the descent bound still settles (faster): the gradients are what is checked here.
      block('a', 'self-attention', 'x', { heads: 2, keyDim: 3, beta: 1, step: 0.3 }),
      dataset('d', { kind: 'random-patterns', count: 8, size: 16 }, { range: 'unit' }),
      clamp('c', 'x', 'd', { kind: 'top-half' }),
      target('t', 'x', 'd'),
    ],
    'self-attention with a learned positional table': [
      tokensLayer('x', 4, 4, { role: 'visible' }),
      block('a', 'self-attention', 'x', { heads: 1, keyDim: 3, beta: 1, step: 0.3, positional: { encoding: 'learned', combine: 'concat', dim: 2 } }),
      dataset('d', { kind: 'random-patterns', count: 8, size: 16 }, { range: 'unit' }),
      clamp('c', 'x', 'd', { kind: 'top-half' }),
      target('t', 'x', 'd'),
    ],
    'cross-attention': cross(true),
    'hopfield-memory with projections': [
      layer('x', vector(16), { role: 'visible' }),
      block('m', 'hopfield-memory', 'x', { patterns: 5, beta: 2, projection: 6 }),
      dataset('d', { kind: 'random-patterns', count: 8, size: 16 }, { range: 'unit' }),
      clamp('c', 'x', 'd', { kind: 'top-half' }),
      target('t', 'x', 'd'),
    ],
    'hopfield-memory': [
      layer('x', vector(16), { role: 'visible', activation: 'linear' }),
      block('m', 'hopfield-memory', 'x', { patterns: 5, beta: 2 }),
      dataset('d', { kind: 'random-patterns', count: 8, size: 16 }, { range: 'unit' }),
      clamp('c', 'x', 'd', { kind: 'top-half' }),
      target('t', 'x', 'd'),
    ],
  })) {
    it(`${name}: recurrent backprop and BPTT agree with finite differences`, async () => {
      const plan = compileOrThrow(parts);
      const datasets = await loadPlanDatasets(plan, '.');
      const net = randomNetwork(plan, 2);
      const batch = buildBatch(plan, datasets, pickExamples(datasets, 3, 1, 'train'), 2);
      const r = await gradcheck(net, batch, { coordinates: 10, seed: 3, longSteps: 1500 });
      expect(r.tossed).toBe(0);
      expect(r.rbpVsFd.maxRelError).toBeLessThan(1e-2);
      expect(r.bpttVsFd.maxRelError).toBeLessThan(1e-2);
      disposeBatch(batch);
      net.dispose();
    });
  }
});
