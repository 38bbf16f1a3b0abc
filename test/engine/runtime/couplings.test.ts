/**
 * Every coupling kind, as math: the map gives exactly symmetric weights; the operator
 * is self-adjoint (within) or up/down are adjoint (between); the closed-form net input
 * equals −∂E/∂x by autodiff; conv-between down is exactly conv-transpose of up.
 */
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { flipSwap } from '../../../engine/runtime/products.js';
import { couplingKind } from '../../../engine/couplings/registry.js';
import type { CouplingSpec } from '../../../engine/compile/plan.js';
import * as kit from '../../../engine/runtime/tensor-kit.js';
import { makeRng } from '../../../engine/data/rng.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { compileOrThrow, randomNetwork, randomState } from '../../helpers/nets.js';
import { between, grid, layer, unpatched, vector, within, type Parts } from '../../helpers/graphs.js';

const CASES: Record<string, Parts[]> = {
  dense: [layer('a', vector(7), { role: 'visible' }), layer('b', vector(5)), between('dense', 'c', 'a', 'b')],
  'dense-within': [layer('a', vector(9), { role: 'visible' }), within('dense-within', 'c', 'a')],
  conv: [layer('a', grid(2, 6, 5), { role: 'visible' }), layer('b', grid(3, 6, 5)), between('conv', 'c', 'a', 'b', { kernel: 3 })],
  'conv-within': [layer('a', grid(3, 5, 6), { role: 'visible' }), within('conv-within', 'c', 'a', { kernel: 5 })],
  // Token layers shown to the conv as the grid their patches tile (a permutation: symmetry must survive it).
  'conv from unpatched tokens': [
    unpatched('u', 'a', 9, 12, { size: 2, channels: 3 }, { role: 'visible' }),
    layer('b', grid(2, 6, 6)),
    between('conv', 'c', { node: 'u', port: 'grid' }, 'b', { kernel: 3 }),
  ],
  'conv into unpatched tokens': [layer('a', grid(2, 6, 6), { role: 'visible' }), unpatched('u', 'b', 4, 27, { size: 3, channels: 3 }), between('conv', 'c', 'a', { node: 'u', port: 'grid' }, { kernel: 3 })],
  'conv-within on unpatched tokens': [unpatched('u', 'a', 9, 12, { size: 2, channels: 3 }, { role: 'visible' }), within('conv-within', 'c', { node: 'u', port: 'grid' }, { kernel: 5 })],
};

const dot = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(a, b)).dataSync()[0];

describeEachBackend('couplings', () => {
  for (const [kind, parts] of Object.entries(CASES)) {
    it(`${kind}: operator symmetry x·W(y) = y·W(x)`, () => {
      const plan = compileOrThrow(parts);
      const net = randomNetwork(plan, 3);
      const bound = net.bind();
      const c = bound.couplings.get('c')!;
      const rng = makeRng(1);
      tf.tidy(() => {
        const [x, y] = [randomState(plan, 2, rng), randomState(plan, 2, rng)];
        const spec = c.spec as CouplingSpec;
        const ends = couplingKind(spec).reads(spec);
        if (ends.length === 2) {
          const [lower, upper] = ends;
          // ⟨x_u, up(y_l)⟩ = ⟨down(x_u), y_l⟩: one symmetric W between the layers.
          const lhs = dot(x.get(upper)!, c.netInput(upper, y));
          const rhs = dot(c.netInput(lower, x), y.get(lower)!);
          expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * (1 + Math.abs(lhs)));
        } else {
          const lhs = dot(x.get('a')!, c.netInput('a', y));
          const rhs = dot(y.get('a')!, c.netInput('a', x));
          expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * (1 + Math.abs(lhs)));
        }
      });
      bound.dispose();
      net.dispose();
    });

    it(`${kind}: net input = −∂E/∂x + f⁻¹(x) by autodiff`, () => {
      const plan = compileOrThrow(parts);
      const net = randomNetwork(plan, 5);
      const bound = net.bind();
      const rng = makeRng(2);
      tf.tidy(() => {
        const state = randomState(plan, 3, rng);
        for (const update of plan.phases.flatMap((p) => p.updates)) {
          const x = state.get(update.layer)!;
          const grad = tf.grad((v: tf.Tensor) => tf.sum(bound.energy(new Map(state).set(update.layer, v))))(x);
          // E = couplings − b·x + Σ barrier, barrier' = artanh for tanh layers, so z = −∂E/∂x + artanh(x).
          const fromAutodiff = tf.add(tf.neg(grad), tf.atanh(x));
          const closed = bound.netInput(update, state);
          const err = tf.max(tf.abs(tf.sub(fromAutodiff, closed))).dataSync()[0];
          const scale = tf.max(tf.abs(closed)).dataSync()[0];
          expect(err).toBeLessThan(1e-4 * (1 + scale));
        }
      });
      bound.dispose();
      net.dispose();
    });

    it(`${kind}: the adjoint of every term is its vector–Jacobian product by autodiff`, () => {
      const plan = compileOrThrow(parts);
      const net = randomNetwork(plan, 7);
      const bound = net.bind();
      const c = bound.couplings.get('c')!;
      const spec = c.spec as CouplingSpec;
      const rng = makeRng(4);
      tf.tidy(() => {
        const [state, cot] = [randomState(plan, 2, rng), randomState(plan, 2, rng)];
        for (const into of couplingKind(spec).writes(spec)) {
          const g = cot.get(into)!;
          const closed = c.vjp(into, state, g);
          expect([...closed.keys()].every((from) => couplingKind(spec).reads(spec).includes(from))).toBe(true);
          for (const [from, mine] of closed) {
            const auto = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(c.netInput(into, new Map(state).set(from, v)), g)))(state.get(from)!);
            const err = tf.max(tf.abs(tf.sub(auto, mine))).dataSync()[0];
            expect(err, `${into} ← ${from}`).toBeLessThan(1e-4 * (1 + tf.max(tf.abs(auto)).dataSync()[0]));
          }
        }
      });
      bound.dispose();
      net.dispose();
    });
  }

  it('dense-within: W is exactly symmetric with a non-negative (or zero) diagonal', () => {
    const free = tf.randomNormal([6, 6], 0, 1, 'float32', 11);
    for (const selfConnections of ['nonnegative', 'zero'] as const) {
      const spec: CouplingSpec = { id: 'c', kind: 'dense-within', param: 'c', layer: 'a', selfConnections };
      const w = couplingKind(spec).view(spec, 'c', free, kit).values;
      const a = w.arraySync() as number[][];
      for (let i = 0; i < 6; i++) {
        for (let j = 0; j < 6; j++) expect(a[i][j]).toBe(a[j][i]);
        if (selfConnections === 'zero') expect(a[i][i] === 0).toBe(true);
        else expect(a[i][i]).toBeGreaterThanOrEqual(0);
      }
      w.dispose();
    }
    free.dispose();
  });

  it('conv-within: K[a,b,e,f] = K[−a,−b,f,e] exactly, centre self-taps ≥ 0 (seed Case 1)', () => {
    const k = 5;
    const c = 3;
    const free = tf.randomNormal([k, k, c, c], 0, 1, 'float32', 12);
    const spec: CouplingSpec = { id: 'c', kind: 'conv-within', param: 'c', layer: 'a', kernel: k, selfConnections: 'nonnegative' };
    const w = couplingKind(spec).view(spec, 'c', free, kit).values;
    const a = w.arraySync() as number[][][][];
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++)
        for (let e = 0; e < c; e++) for (let f = 0; f < c; f++) expect(a[i][j][e][f]).toBe(a[k - 1 - i][k - 1 - j][f][e]);
    for (let f = 0; f < c; f++) expect(a[2][2][f][f]).toBeGreaterThanOrEqual(0);
    w.dispose();
    free.dispose();
  });

  it('conv-between: down is exactly the conv-transpose of the up kernel (seed Case 2)', () => {
    tf.tidy(() => {
      const kernel = tf.randomNormal([5, 5, 2, 4], 0, 1, 'float32', 13) as tf.Tensor4D;
      const upper = tf.randomNormal([3, 9, 8, 4], 0, 1, 'float32', 14) as tf.Tensor4D;
      const viaFlip = tf.conv2d(upper, flipSwap(kernel), 1, 'same');
      const viaTranspose = tf.conv2dTranspose(upper, kernel, [3, 9, 8, 2], 1, 'same');
      const err = tf.max(tf.abs(tf.sub(viaFlip, viaTranspose))).dataSync()[0];
      expect(err).toBeLessThan(1e-4);
      // And the map is an involution: flipping twice gives the kernel back, bit for bit.
      expect(Array.from(flipSwap(flipSwap(kernel)).dataSync())).toEqual(Array.from(kernel.dataSync()));
    });
  });
});
