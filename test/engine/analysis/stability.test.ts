/**
 * Fixed-point stability (issue 13): ρ of the settle step's Jacobian, measured by power
 * iteration on the adjoint's products, against nets whose spectrum is known in closed form
 * (a ring, a complete graph, a path left free by a clamp, a bipartite pair with given
 * singular values) or computed independently in float64 (an asynchronous sweep); and what it
 * predicts: the adjoint series converges where ρ < 1 and is tossed where ρ ≥ 1.
 */
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { Network, type State } from '../../../engine/runtime/network.js';
import type { Batch } from '../../../engine/runtime/batch.js';
import { fixedPointStability } from '../../../engine/analysis/stability.js';
import { recurrentBackpropGradients } from '../../../engine/train/methods.js';
import { unitOrder } from '../../../engine/runtime/step.js';
import { makeRng } from '../../../engine/data/rng.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { compileOrThrow } from '../../helpers/nets.js';
import { between, dataset, layer, target, vector, within } from '../../helpers/graphs.js';

type Matrix = number[][];

const ring = (n: number, a: number): Matrix => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => ((i - j + n) % n === 1 || (j - i + n) % n === 1 ? a : 0)));
const complete = (n: number, a: number): Matrix => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : a)));

/** A one-layer net x ← f(x W + b) with W given, zero biases. */
function withinNet(w: Matrix, activation: string, schedule: string, scored = false): Network {
  const n = w.length;
  const loss = scored ? [dataset('data', { kind: 'random-patterns', count: 4, size: n }), target('t', 'x', 'data')] : [];
  const plan = compileOrThrow([layer('x', vector(n), { activation, role: scored ? 'visible' : 'hidden' }), within('dense-within', 'w', 'x', { selfConnections: 'zero' }), ...loss], { schedule });
  const net = Network.create(plan, 1);
  net.params.get('w')!.assign(tf.tensor2d(w));
  for (const [name, v] of net.params) if (name.endsWith('.b')) v.assign(tf.zerosLike(v));
  return net;
}

function constantState(id: string, batch: number, n: number, value: number): State {
  return new Map([[id, tf.fill([batch, n], value)]]);
}

async function stabilityOf(net: Network, state: State, clamps: Batch['clamps'] = new Map()) {
  const bound = net.bind();
  const out = await fixedPointStability(bound, clamps, state, { maxSteps: 400, tolerance: 1e-5 });
  bound.dispose();
  return out;
}

/** ρ of a float64 matrix by power iteration with the same windowed growth rate, many steps. */
function spectralRadius(m: Matrix): number {
  let v = m.map((_, i) => 1 + Math.sin(i + 1));
  const logs: number[] = [];
  for (let k = 0; k < 4000; k++) {
    const w = m.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
    const norm = Math.hypot(...w);
    logs.push(Math.log(norm / Math.hypot(...v)));
    v = w.map((x) => x / norm);
  }
  return Math.exp(logs.slice(-1000).reduce((a, b) => a + b, 0) / 1000);
}

describeEachBackend('fixed-point stability', () => {
  it('a ring: ρ = 2a, one real positive eigenvalue (odd n) or a ± pair (even n)', async () => {
    const odd = withinNet(ring(9, 0.4), 'linear', 'synchronous');
    const [r] = await stabilityOf(odd, constantState('x', 1, 9, 0));
    expect(r.rho).toBeCloseTo(0.8, 3);
    expect(r.dominant).toBe('positive');
    expect(r.converged).toBe(true);
    odd.dispose();
    const even = withinNet(ring(8, 0.3), 'linear', 'synchronous');
    const [e] = await stabilityOf(even, constantState('x', 1, 8, 0));
    expect(e.rho).toBeCloseTo(0.6, 3);
    expect(e.dominant).toBe('pair');
    even.dispose();
  });

  it('a complete graph with negative weights: ρ = b(n − 1) > 1 on the negative side, the synchronous 2-cycle', async () => {
    const net = withinNet(complete(6, -0.25), 'linear', 'synchronous');
    const [r] = await stabilityOf(net, constantState('x', 1, 6, 0));
    expect(r.rho).toBeCloseTo(1.25, 3);
    expect(r.dominant).toBe('negative');
    net.dispose();
  });

  it('tanh: J = f′(z)·W, so ρ shrinks by 1 − tanh(z)² where the net input sits', async () => {
    const net = withinNet(ring(9, 0.4), 'tanh', 'synchronous');
    const out = await stabilityOf(net, new Map([['x', tf.tensor2d([new Array(9).fill(0), new Array(9).fill(0.6)])]]));
    expect(out[0].rho).toBeCloseTo(0.8, 3);
    // Each unit's net input is 2 · 0.4 · 0.6 from its two neighbours.
    expect(out[1].rho).toBeCloseTo(0.8 * (1 - Math.tanh(0.48) ** 2), 3);
    net.dispose();
  });

  it('a clamp: clamped units have zero rows, and the free path left of a ring has ρ = 2a cos(π/(m + 1))', async () => {
    const net = withinNet(ring(16, 0.45), 'linear', 'synchronous');
    const mask = tf.tensor2d([Array.from({ length: 16 }, (_, i) => (i < 8 ? 1 : 0))]);
    const clamps = new Map([['x', { layer: 'x', mask, values: tf.zeros([1, 16]) }]]);
    const [r] = await stabilityOf(net, constantState('x', 1, 16, 0.3), clamps);
    expect(r.rho).toBeCloseTo(0.9 * Math.cos(Math.PI / 9), 3);
    clamps.forEach((c) => (c.mask.dispose(), c.values.dispose()));
    net.dispose();
  });

  it('a layer-wise sweep over a bipartite pair: the nonzero eigenvalues are W’s squared singular values', async () => {
    const plan = compileOrThrow([layer('v', vector(5), { activation: 'linear' }), layer('h', vector(4), { activation: 'linear' }), between('dense', 'w', 'v', 'h')], { schedule: 'sequential' });
    const net = Network.create(plan, 1);
    const s = [0.9, 0.5, 0.3, 0.1];
    net.params.get('w')!.assign(tf.tensor2d(Array.from({ length: 5 }, (_, i) => Array.from({ length: 4 }, (_, j) => (i === j ? s[i] : 0)))));
    const [r] = await stabilityOf(net, new Map([['v', tf.zeros([1, 5])], ['h', tf.zeros([1, 4])]]));
    expect(r.rho).toBeCloseTo(0.81, 3);
    expect(r.dominant).toBe('positive');
    net.dispose();
  });

  it('asynchronous updates: the same 2-cycling weights give a Gauss–Seidel sweep with ρ < 1, as computed in float64', async () => {
    const w = complete(6, -0.25);
    const net = withinNet(w, 'linear', 'asynchronous');
    const [r] = await stabilityOf(net, constantState('x', 1, 6, 0));
    // The sweep's Jacobian, unit by unit, in the order the engine uses (seeded as the adjoint seeds it).
    const bound = net.bind();
    const order = unitOrder(net.plan.phases[0], bound, (a) => makeRng(0 + 2).shuffle(a)).map(([, unit]) => unit);
    bound.dispose();
    let J: Matrix = w.map((_, i) => w.map((__, j) => (i === j ? 1 : 0)));
    for (const u of order) {
      // x_u ← Σ_j W_uj x_j: row u of the step is W's row u, the rest identity; J ← step · J.
      J = J.map((row, i) => (i === u ? w[u].map((_, j) => w[u].reduce((acc, wk, k) => acc + wk * J[k][j], 0)) : row));
    }
    expect(r.rho).toBeLessThan(1);
    expect(r.rho).toBeCloseTo(spectralRadius(J), 2);
    net.dispose();
  });

  it('predicts the adjoint: the series converges where ρ < 1 and is tossed where ρ ≥ 1; cg still solves a 2-cycling minimum', async () => {
    // x* = 0 with zero biases is a fixed point; the settle starts there, so every example is at x*.
    const cases = [
      { w: ring(9, 0.4), rho: 0.8, series: 'converges', cg: 'converges' },
      { w: complete(9, -0.2), rho: 1.6, series: 'tossed', cg: 'converges' }, // I − W ≻ 0: a minimum the synchronous map 2-cycles around
      { w: ring(9, 0.6), rho: 1.2, series: 'tossed', cg: 'tossed' }, // I − W indefinite: a saddle
    ];
    for (const c of cases) {
      const net = withinNet(c.w, 'tanh', 'synchronous', true);
      const batch: Batch = {
        size: 2,
        initial: constantState('x', 2, 9, 0),
        clamps: new Map(),
        dropout: new Map(),
        targets: [{ target: 't', layer: 'x', values: tf.tensor2d([Array.from({ length: 9 }, (_, i) => Math.sin(i)), Array.from({ length: 9 }, (_, i) => Math.cos(i))]), mask: tf.ones([2, 9]) }],
      };
      const [r] = await stabilityOf(net, constantState('x', 1, 9, 0));
      expect(r.rho).toBeCloseTo(c.rho, 3);
      const opts = { steps: 50, theta: 1e-6, seed: 0 };
      for (const solver of ['neumann', 'cg'] as const) {
        const g = await recurrentBackpropGradients(net, batch, { ...opts, adjoint: { solver, tolerance: 1e-6, maxSteps: 400 } });
        g.grads.forEach((t) => t.dispose());
        const expected = solver === 'neumann' ? c.series : c.cg;
        expect({ rho: c.rho, solver, tossed: g.tossed }).toEqual({ rho: c.rho, solver, tossed: expected === 'tossed' ? 2 : 0 });
        // Where the series converges its error shrinks by ρ a step: ≈ ln(tol)/ln ρ steps.
        if (solver === 'neumann' && expected === 'converges') expect(g.adjointSteps).toBeLessThan(2 * Math.log(1e-6) / Math.log(r.rho) + 10);
      }
      batch.initial.forEach((t) => t.dispose());
      batch.targets.forEach((t) => (t.values.dispose(), t.mask.dispose()));
      net.dispose();
    }
  });

  it('frees every tensor it makes', async () => {
    const net = withinNet(ring(9, 0.4), 'tanh', 'synchronous');
    const state = constantState('x', 3, 9, 0.2);
    const before = tf.memory().numTensors;
    await stabilityOf(net, state);
    expect(tf.memory().numTensors).toBe(before);
    state.forEach((t) => t.dispose());
    net.dispose();
  });
});
