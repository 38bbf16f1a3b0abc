/**
 * The unpatch view: a token layer shown to grid couplings as the grid its patch tokens
 * tile. It must be the exact inverse of the patches view (values moved, never computed),
 * so couplings through it are the grid couplings with their units renumbered: the same
 * numbers, the same symmetry, the same guarantees, and an energy that never rises under
 * a descent schedule.
 */
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { asGrid, cutPatches, fromGrid, putPatches } from '../../../engine/runtime/patches.js';
import { disposeState, settle } from '../../../engine/runtime/settle.js';
import type { CouplingSpec, GridView, Plan } from '../../../engine/compile/plan.js';
import { makeRng } from '../../../engine/data/rng.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { compileOrThrow, randomNetwork, randomState } from '../../helpers/nets.js';
import { between, grid, layer, unpatched, within, type Parts } from '../../helpers/graphs.js';

const U = { node: 'u', port: 'grid' };

/** Distinct values in a random order, so any misplacement shows. */
function distinct(shape: number[], seed: number): tf.Tensor {
  const rng = makeRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.shuffle(Array.from({ length: n }, (_, i) => i + rng.next() * 0.5)), shape);
}

const same = (a: tf.Tensor, b: tf.Tensor) => {
  expect(a.shape).toEqual(b.shape);
  expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
};

function coupling<K extends CouplingSpec['kind']>(plan: Plan, id: string, kind: K): Extract<CouplingSpec, { kind: K }> {
  const c = plan.couplings.find((x) => x.id === id);
  if (c?.kind !== kind) throw new Error(`no ${kind} coupling "${id}"`);
  return c as Extract<CouplingSpec, { kind: K }>;
}

/** The view the compiler records for conv-within "r" on the unpatched token layer "t". */
function viewOf(tokens: number, dim: number, size: number, channels: number): GridView {
  const plan = compileOrThrow([unpatched('u', 't', tokens, dim, { size, channels }), within('conv-within', 'r', U, { kernel: 3 })]);
  return coupling(plan, 'r', 'conv-within').view!;
}

/** A token layer through unpatch and the same numbers as a plain grid layer, each with conv "k" to grid "h" and conv-within "r". */
function twins(schedule: string): { viewed: Plan; plain: Plan } {
  const rest = (g: string | typeof U): Parts[] => [
    layer('h', grid(2, 6, 6), { activation: 'tanh' }),
    between('conv', 'k', g, 'h', { kernel: 3, init: { gain: 2 } }),
    within('conv-within', 'r', g, { kernel: 3, init: { gain: 2 } }),
  ];
  return {
    // No bias on "t": a token layer's is per feature, a grid's per channel, so the two would differ.
    viewed: compileOrThrow([unpatched('u', 't', 9, 12, { size: 2, channels: 3 }, { role: 'visible', bias: false }), ...rest(U)], { schedule }),
    plain: compileOrThrow([layer('t', grid(3, 6, 6), { role: 'visible', bias: false }), ...rest('t')], { schedule }),
  };
}

function worstRise(phaseEnergy: number[][]): number {
  let worst = -Infinity;
  for (let i = 1; i < phaseEnergy.length; i++) {
    phaseEnergy[i].forEach((e, b) => (worst = Math.max(worst, (e - phaseEnergy[i - 1][b]) / (1 + Math.abs(phaseEnergy[i - 1][b])))));
  }
  return worst;
}

describeEachBackend('unpatch', () => {
  it('MNIST-sized: 16 tokens of 7·7·1 are a 1×28×28 grid with patch k at row-major place k', async () => {
    const v = viewOf(16, 49, 7, 1);
    expect(v).toEqual({ patch: 7, height: 28, width: 28, channels: 1 });
    tf.tidy(() => {
      const t = distinct([2, 16, 49], 1);
      const g = asGrid(t, v);
      expect(g.shape).toEqual([2, 28, 28, 1]);
      const [tv, gv] = [t.arraySync() as number[][][], g.arraySync() as number[][][][]];
      // Token 6 is patch row 1, column 2: its feature (py, px) sits at grid (7 + py, 14 + px).
      for (const [py, px] of [[0, 0], [3, 5], [6, 6]]) expect(gv[1][7 + py][14 + px][0]).toBe(tv[1][6][py * 7 + px]);
    });
  });

  for (const [tokens, dim, size, channels] of [
    [16, 49, 7, 1],
    [9, 12, 2, 3],
    [4, 27, 3, 3],
    [1, 8, 2, 2],
  ]) {
    it(`${tokens} tokens of ${dim} (p = ${size}, c = ${channels}): patches(unpatch(t)) = t and unpatch(patches(g)) = g, bit for bit`, async () => {
      const v = viewOf(tokens, dim, size, channels);
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const t = distinct([3, tokens, dim], 2);
        const g = distinct([3, v.height, v.width, v.channels], 3) as tf.Tensor4D;
        same(fromGrid(asGrid(t, v), v), t);
        same(asGrid(fromGrid(g, v), v), g);
        // …and it is the patches node's own permutation, run backwards.
        same(cutPatches(asGrid(t, v), size), t);
        same(asGrid(cutPatches(g, size), v), g);
        same(asGrid(t, v), putPatches(t as tf.Tensor3D, v.height, v.width, v.channels, size));
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('a coupling through unpatch is the grid coupling on renumbered units: same net inputs and energy, exactly', async () => {
    const { viewed, plain } = twins('chromatic');
    const netV = randomNetwork(viewed, 4);
    const netP = randomNetwork(plain, 4);
    const [bv, bp] = [netV.bind(), netP.bind()];
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const v = coupling(viewed, 'k', 'conv').lowerView!;
      const state = randomState(viewed, 2, makeRng(5));
      const gridState = new Map(state).set('t', asGrid(state.get('t')!, v));
      for (const update of viewed.phases.flatMap((p) => p.updates)) {
        const plainUpdate = plain.phases.flatMap((p) => p.updates).find((u) => u.layer === update.layer)!;
        const z = bv.netInput(update, state);
        const zPlain = bp.netInput(plainUpdate, gridState);
        same(update.layer === 't' ? asGrid(z, v) : z, zPlain);
      }
      const [e, ePlain] = [bv.energy(state).arraySync(), bp.energy(gridState).arraySync()];
      e.forEach((x, i) => expect(Math.abs(x - ePlain[i])).toBeLessThan(1e-5 * (1 + Math.abs(x))));
    });
    expect(tf.memory().numTensors).toBe(before);
    [bv, bp].forEach((b) => b.dispose());
    [netV, netP].forEach((n) => n.dispose());
  });

  it('guarantees are those of the same graph on a grid layer, schedule by schedule', async () => {
    for (const schedule of ['synchronous', 'sequential', 'chromatic', 'asynchronous']) {
      const { viewed, plain } = twins(schedule);
      expect(viewed.guarantee, schedule).toEqual(plain.guarantee);
    }
    expect(twins('asynchronous').viewed.guarantee.kind).toBe('descent');
  });

  for (const [name, schedule, parts] of [
    [
      'tokens ↔ grid by a conv through unpatch, chromatic',
      'chromatic',
      [unpatched('u', 't', 9, 12, { size: 2, channels: 3 }, { role: 'visible', activation: 'sigmoid' }), layer('h', grid(2, 6, 6)), between('conv', 'k', U, 'h', { kernel: 3, init: { gain: 3 } })],
    ],
    ['tokens ↺ conv-within through unpatch, one unit at a time', 'asynchronous', [unpatched('u', 't', 4, 8, { size: 2, channels: 2 }, { role: 'visible' }), within('conv-within', 'r', U, { kernel: 3, init: { gain: 3 } })]],
  ] as const) {
    it(`${name}: descent, and the energy never rises while settling`, async () => {
      const plan = compileOrThrow(parts as unknown as Parts[], { schedule });
      expect(plan.guarantee.kind).toBe('descent');
      for (let seed = 0; seed < 3; seed++) {
        const net = randomNetwork(plan, seed);
        const bound = net.bind();
        const start = randomState(plan, 3, makeRng(10 + seed));
        const before = tf.memory().numTensors;
        const r = await settle({ net: bound, initial: start, clamps: new Map() }, { steps: plan.unitwise ? 3 : 30, theta: 1e-9, seed, energy: 'phase', stopWhen: 'never' });
        expect(r.phaseEnergy.length).toBeGreaterThan(2);
        expect(worstRise(r.phaseEnergy), `seed ${seed}`).toBeLessThan(1e-5);
        expect(r.phaseEnergy.at(-1)![0]).toBeLessThan(r.phaseEnergy[0][0]);
        disposeState(r.state);
        expect(tf.memory().numTensors).toBe(before);
        disposeState(start);
        bound.dispose();
        net.dispose();
      }
    });
  }

  it('self-attention on patches of unpatched tokens at the same p is attention on the tokens themselves', async () => {
    const block = (from: string): Parts => ({
      nodes: [{ id: 'a', kind: 'self-attention', params: { heads: 2, keyDim: 3, step: 0.01 } }],
      edges: [{ from: { node: from, port: from === 'p' ? 'tokens' : 'state' }, to: { node: 'a', port: 'layer' } }],
    });
    const cut: Parts = { nodes: [{ id: 'p', kind: 'patches', params: { size: 2 } }], edges: [{ from: U, to: { node: 'p', port: 'grid' } }] };
    const through = compileOrThrow([unpatched('u', 't', 9, 12, { size: 2, channels: 3 }), cut, block('p')]);
    const direct = compileOrThrow([layer('t', { type: 'tokens', tokens: 9, dim: 12 }), block('t')]);
    expect(coupling(through, 'a', 'self-attention').view).toEqual({ patch: 2, height: 6, width: 6, channels: 3, unpatch: { patch: 2, height: 6, width: 6, channels: 3 } });
    const [nt, nd] = [randomNetwork(through, 6), randomNetwork(direct, 6)];
    const [bt, bd] = [nt.bind(), nd.bind()];
    tf.tidy(() => {
      const state = randomState(direct, 2, makeRng(7));
      same(bt.netInput(through.phases[0].updates[0], state), bd.netInput(direct.phases[0].updates[0], state));
    });
    [bt, bd].forEach((b) => b.dispose());
    [nt, nd].forEach((n) => n.dispose());
  });
});
