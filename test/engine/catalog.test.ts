/** The engine builds and settles every kind in the catalog's explicit list. */
import { describe, expect, it } from 'vitest';
import { KINDS, isCouplingKind, type KindId } from '../../nodes/catalog.js';
import { compileGraph } from '../../engine/compile/compile.js';
import { Network } from '../../engine/runtime/network.js';
import { buildBatch, disposeBatch } from '../../engine/runtime/batch.js';
import { disposeState, settle } from '../../engine/runtime/settle.js';
import { loadPlanDatasets, pickExamples } from '../../engine/runtime/prepare.js';
import { tf } from '../../engine/tf.js';
import { startBackend } from '../../engine/backend/select.js';
import { between, clamp, dataset, graphOf, grid, layer, noise, target, unpatched, vector, within, type Parts } from '../helpers/graphs.js';

const patterns = dataset('d', { kind: 'random-patterns', count: 6, size: 16 });
const pair = [layer('v', vector(16), { role: 'visible' }), layer('h', vector(5))];

/** A small graph that uses the kind; Record<KindId, …> makes a missing kind a type error. */
const GRAPHS: Record<KindId, Parts[]> = {
  layer: [layer('v', vector(3), { activation: 'softmax' })],
  dense: [...pair, between('dense', 'w', 'v', 'h')],
  'dense-within': [layer('v', vector(6), { activation: 'sigmoid' }), within('dense-within', 'w', 'v')],
  conv: [layer('v', grid(1, 4, 4), { role: 'visible' }), layer('h', grid(2, 4, 4)), between('conv', 'w', 'v', 'h', { kernel: 3 })],
  'conv-within': [layer('v', grid(2, 4, 4)), within('conv-within', 'w', 'v', { kernel: 3 })],
  clamp: [...pair, between('dense', 'w', 'v', 'h'), patterns, clamp('c', 'v', 'd', { kind: 'random-fraction', fraction: 0.5 })],
  dataset: [...pair, between('dense', 'w', 'v', 'h'), patterns, clamp('c', 'v', 'd', { kind: 'whole' }, { hold: false })],
  target: [...pair, between('dense', 'w', 'v', 'h'), patterns, clamp('c', 'v', 'd', { kind: 'top-half' }), target('t', 'v', 'd')],
  noise: [...pair, between('dense', 'w', 'v', 'h'), noise('n', 'h', { init: 'normal', dropout: 0.3 })],
  'self-attention': [layer('v', { type: 'tokens', tokens: 5, dim: 4 }), { nodes: [{ id: 'a', kind: 'self-attention', params: { heads: 2, keyDim: 3, step: 0.001, mask: { kind: 'local', radius: 1 } } }], edges: [{ from: { node: 'v', port: 'state' }, to: { node: 'a', port: 'layer' } }] }],
  patches: [
    layer('v', grid(1, 8, 8), { role: 'visible' }),
    { nodes: [{ id: 'p', kind: 'patches', params: { size: 4 } }], edges: [{ from: { node: 'v', port: 'state' }, to: { node: 'p', port: 'grid' } }] },
    { nodes: [{ id: 'a', kind: 'self-attention', params: { step: 0.001 } }], edges: [{ from: { node: 'p', port: 'tokens' }, to: { node: 'a', port: 'layer' } }] },
  ],
  unpatch: [
    unpatched('u', 't', 4, 8, { size: 2, channels: 2 }, { role: 'visible' }),
    layer('h', grid(3, 4, 4)),
    between('conv', 'w', { node: 'u', port: 'grid' }, 'h', { kernel: 3 }),
    within('conv-within', 'r', { node: 'u', port: 'grid' }, { kernel: 3 }),
  ],
  'cross-attention': [
    layer('q', { type: 'tokens', tokens: 3, dim: 4 }),
    layer('k', { type: 'tokens', tokens: 5, dim: 6 }, { role: 'visible' }),
    dataset('d6', { kind: 'random-patterns', count: 4, size: 30 }),
    clamp('c', 'k', 'd6', { kind: 'whole' }),
    { nodes: [{ id: 'x', kind: 'cross-attention', params: { heads: 2, keyDim: 3 } }], edges: [{ from: { node: 'q', port: 'state' }, to: { node: 'x', port: 'queries' } }, { from: { node: 'k', port: 'state' }, to: { node: 'x', port: 'keys' } }] },
  ],
  'hopfield-memory': [
    layer('v', vector(16), { role: 'visible', activation: 'linear' }),
    patterns,
    clamp('c', 'v', 'd', { kind: 'whole' }, { hold: false }),
    { nodes: [{ id: 'm', kind: 'hopfield-memory', params: { patterns: 6, source: 'dataset' } }], edges: [{ from: { node: 'v', port: 'state' }, to: { node: 'm', port: 'layer' } }, { from: { node: 'd', port: 'images' }, to: { node: 'm', port: 'patterns' } }] },
  ],
};

describe('the catalog', () => {
  it('lists each kind once, with ports, defaults and a one-line doc', () => {
    expect(new Set(KINDS.map((k) => k.id)).size).toBe(KINDS.length);
    expect(Object.keys(GRAPHS).sort()).toEqual(KINDS.map((k) => k.id).sort());
    for (const k of KINDS) {
      expect(k.doc.length).toBeGreaterThan(10);
      expect(k.doc).not.toMatch(/\n/);
      expect(() => k.params.parse({})).not.toThrow();
    }
  });

  for (const kind of KINDS) {
    it(`the engine builds and settles a graph with a ${kind.id} node`, async () => {
      await startBackend('wasm');
      const graph = graphOf(GRAPHS[kind.id]);
      expect(graph.nodes.some((n) => n.kind === kind.id)).toBe(true);
      const { plan, problems } = compileGraph(graph);
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      if (isCouplingKind(kind.id)) {
        // Every coupling kind reaches the plan: a kind the compiler silently dropped would settle an uncoupled net.
        const ids = graph.nodes.filter((n) => n.kind === kind.id).map((n) => n.id);
        const terms = plan!.phases.flatMap((p) => p.updates.flatMap((u) => u.terms));
        for (const id of ids) expect(terms.some((t) => t.coupling === id), id).toBe(true);
      }
      const before = tf.memory().numTensors;
      const datasets = await loadPlanDatasets(plan!, '.');
      const net = Network.create(plan!, 1, datasets);
      const bound = net.bind();
      const batch = buildBatch(plan!, datasets, pickExamples(datasets, 3, 0, 'test'), 2);
      const r = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps, dropout: batch.dropout }, { steps: 5, theta: 1e-3, seed: 0 });
      expect(r.iterations).toBeGreaterThan(0);
      expect(r.energy.flat().every(Number.isFinite)).toBe(true);
      disposeState(r.state);
      disposeBatch(batch);
      bound.dispose();
      net.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
