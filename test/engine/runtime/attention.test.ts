/**
 * Attention blocks as math (DESIGN §4): masks hold exactly the tokens of N(i); the
 * closed-form net inputs are −∂E/∂x by autodiff; the Hopfield memory retrieves in one
 * step at large β and falls to the mean-like metastable state at small β; and the damped
 * self-attention dynamics never raise the energy at the documented step bound.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import {
  additiveMask,
  maskMatrix,
  maxAttendedBy,
  memoryEnergy,
  memoryNetInput,
  selfAttention,
  selfAttentionEnergy,
  selfAttentionNetInput,
  selfAttentionStepBound,
  type AttentionMask,
  type MemoryWeights,
  type SelfAttentionWeights,
} from '../../../engine/runtime/attention.js';
import { makeRng, type Rng } from '../../../engine/data/rng.js';
import { describeEachBackend } from '../../helpers/backends.js';

/** Each mask kind with N(i) written out independently of attention.ts. */
const MASKS: { name: string; mask: AttentionMask; rule: (i: number, j: number) => boolean }[] = [
  { name: 'full', mask: { kind: 'full' }, rule: () => true },
  { name: 'local r=0', mask: { kind: 'local', radius: 0 }, rule: (i, j) => i === j },
  { name: 'local r=1', mask: { kind: 'local', radius: 1 }, rule: (i, j) => Math.abs(i - j) <= 1 },
  { name: 'local r=3', mask: { kind: 'local', radius: 3 }, rule: (i, j) => Math.abs(i - j) <= 3 },
  {
    name: 'local-global r=1 g=2',
    mask: { kind: 'local-global', radius: 1, global: 2 },
    // Global tokens 0 and 1 attend to every token and every token attends to them.
    rule: (i, j) => Math.abs(i - j) <= 1 || i < 2 || j < 2,
  },
  { name: 'causal', mask: { kind: 'causal' }, rule: (i, j) => j <= i },
];

function randn(rng: Rng, shape: number[], scale = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Array.from({ length: n }, () => scale * rng.normal()), shape);
}

/** Random Gaussian W_Q, W_K [d, H·dk]. */
function attentionWeights(rng: Rng, o: { d: number; heads: number; dk: number; beta: number; mask: AttentionMask; tokens: number }): SelfAttentionWeights {
  const [wq, wk] = [randn(rng, [o.d, o.heads * o.dk]), randn(rng, [o.d, o.heads * o.dk])] as tf.Tensor2D[];
  return { wq, wk, wqT: tf.transpose(wq), wkT: tf.transpose(wk), heads: o.heads, beta: o.beta, mask: additiveMask(o.mask, o.tokens) };
}

const maxAbs = (t: tf.Tensor) => tf.max(tf.abs(t)).dataSync()[0];

describeEachBackend('attention', () => {
  const T = 9;

  for (const { name, mask, rule } of MASKS) {
    it(`${name}: the mask is N(i) and the weights are exactly 0 outside it, rows sum to 1`, () => {
      const m = maskMatrix(mask, T);
      for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) expect(m[i * T + j], `N(${i}) ∋ ${j}`).toBe(rule(i, j) ? 1 : 0);
      tf.tidy(() => {
        const rng = makeRng(10);
        const w = attentionWeights(rng, { d: 6, heads: 2, dk: 4, beta: 1.5, mask, tokens: T });
        const x = randn(rng, [2, T, 6]) as tf.Tensor3D;
        const a = selfAttention(x, w).a.arraySync();
        for (const perExample of a) {
          for (const perHead of perExample) {
            for (let i = 0; i < T; i++) {
              let sum = 0;
              for (let j = 0; j < T; j++) {
                const v = perHead[i][j];
                // Exactly zero outside N(i) (the UI draws these as edges), strictly positive inside.
                if (rule(i, j)) expect(v).toBeGreaterThan(0);
                else expect(v === 0, `A[${i}][${j}] = ${v} outside N(${i})`).toBe(true);
                sum += v;
              }
              expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
            }
          }
        }
      });
    });

    it(`${name}: selfAttentionNetInput = −∂E/∂x by autodiff`, () => {
      tf.tidy(() => {
        const rng = makeRng(20);
        const w = attentionWeights(rng, { d: 6, heads: 2, dk: 4, beta: 1.5, mask, tokens: T });
        const x = randn(rng, [2, T, 6]) as tf.Tensor3D;
        const grad = tf.grad((v: tf.Tensor) => tf.sum(selfAttentionEnergy(v as tf.Tensor3D, w)))(x);
        const closed = selfAttentionNetInput(x, w);
        expect(maxAbs(tf.add(closed, grad))).toBeLessThan(1e-4 * maxAbs(closed));
      });
    });
  }

  it('local-global r=1 g=2 on 9 tokens, drawn by hand', () => {
    const picture = [
      '111111111',
      '111111111',
      '111100000',
      '111110000',
      '110111000',
      '110011100',
      '110001110',
      '110000111',
      '110000011',
    ];
    const m = maskMatrix({ kind: 'local-global', radius: 1, global: 2 }, T);
    expect(picture.map((_, i) => Array.from(m.subarray(i * T, (i + 1) * T)).join(''))).toEqual(picture);
  });

  it('maxAttendedBy counts the most tokens attending to one token', () => {
    expect(MASKS.map(({ mask }) => maxAttendedBy(mask, T))).toEqual([9, 1, 3, 7, 9, 9]);
  });

  it('maxAttendedBy, in closed form, is the largest column count of the mask matrix; and costs nothing at 10⁹ tokens', () => {
    const counted = (mask: AttentionMask, tokens: number) => {
      const m = maskMatrix(mask, tokens);
      let most = 0;
      for (let j = 0; j < tokens; j++) {
        let c = 0;
        for (let i = 0; i < tokens; i++) c += m[i * tokens + j];
        most = Math.max(most, c);
      }
      return most;
    };
    for (let tokens = 1; tokens <= 12; tokens++) {
      for (let radius = 0; radius <= 6; radius++) {
        for (let global = 0; global <= 3 && global <= tokens; global++) {
          for (const mask of [{ kind: 'full' }, { kind: 'causal' }, { kind: 'local', radius }, { kind: 'local-global', radius, global }] as AttentionMask[]) {
            expect(maxAttendedBy(mask, tokens), `${JSON.stringify(mask)} over ${tokens}`).toBe(counted(mask, tokens));
          }
        }
      }
    }
    expect(maxAttendedBy({ kind: 'local', radius: 3 }, 1e9)).toBe(7);
  });

  it('memoryNetInput = −∂(memoryEnergy)/∂ξ by autodiff', () => {
    tf.tidy(() => {
      const rng = makeRng(30);
      const y = randn(rng, [7, 5]) as tf.Tensor2D;
      const m: MemoryWeights = { y, yT: tf.transpose(y), beta: 0.8 };
      const xi = randn(rng, [3, 4, 5]) as tf.Tensor3D;
      const grad = tf.grad((v: tf.Tensor) => tf.sum(memoryEnergy(v as tf.Tensor3D, m)))(xi);
      const closed = memoryNetInput(xi, m);
      expect(maxAbs(tf.add(closed, grad))).toBeLessThan(1e-4 * maxAbs(closed));
    });
  });

  describe('Hopfield memory, P = 20 random patterns in d = 64', () => {
    // Patterns are random ±1/√d, so ‖y‖ = 1 and a score β y·ξ is β times a cosine; patterns and
    // queries scaled up to ±1 would multiply every score by d, so β = 64 here is β = 1 on plain
    // ±1 patterns. A query is its pattern with 13 of
    // 64 signs flipped (20%): overlap 1 − 2·13/64 ≈ 0.59 with its own pattern, against about
    // N(0, 1/64) with the others (the largest of 19 near 0.3), so the gap is about 0.3 and
    // β·gap ≈ 19 nats: softmax puts all but ~e⁻¹⁹ of its weight on the right pattern.
    const [P, d, flips] = [20, 64, 13];
    const BETA_LARGE = 64;
    const BETA_SMALL = 0.001 * BETA_LARGE;

    function memory(seed: number): { patterns: number[][]; queries: number[][] } {
      const rng = makeRng(seed);
      const s = 1 / Math.sqrt(d);
      const patterns = Array.from({ length: P }, () => Array.from({ length: d }, () => (rng.next() < 0.5 ? -s : s)));
      const queries = patterns.map((y) => {
        const q = [...y];
        for (const i of rng.shuffle(Array.from({ length: d }, (_, k) => k)).slice(0, flips)) q[i] = -q[i];
        return q;
      });
      return { patterns, queries };
    }

    const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let [ab, aa, bb] = [0, 0, 0];
      for (let i = 0; i < a.length; i++) [ab, aa, bb] = [ab + a[i] * b[i], aa + a[i] * a[i], bb + b[i] * b[i]];
      return ab / Math.sqrt(aa * bb);
    };

    it('β large: one update ξ ← Yᵀ softmax(βYξ) retrieves every pattern from a 20%-noisy query', () => {
      const { patterns, queries } = memory(40);
      const out = tf.tidy(() => {
        const y = tf.tensor2d(patterns);
        const m: MemoryWeights = { y, yT: tf.transpose(y), beta: BETA_LARGE };
        return memoryNetInput(tf.tensor3d([queries]), m).arraySync()[0];
      });
      for (let mu = 0; mu < P; mu++) {
        const cos = patterns.map((y) => cosine(out[mu], y));
        const nearest = cos.indexOf(Math.max(...cos));
        expect(nearest, `query ${mu} retrieved pattern ${nearest}`).toBe(mu);
        expect(cos[mu]).toBeGreaterThan(0.99);
        // The query itself was far from it: the update did the retrieving.
        expect(cosine(queries[mu], patterns[mu])).toBeLessThan(0.6);
      }
    });

    it('β small: every query falls to the same mean-like metastable fixed point, E never rising', () => {
      const { patterns, queries } = memory(41);
      const mean = Array.from({ length: d }, (_, i) => patterns.reduce((s, y) => s + y[i], 0) / P);
      const fixed = tf.tidy(() => {
        const y = tf.tensor2d(patterns);
        const m: MemoryWeights = { y, yT: tf.transpose(y), beta: BETA_SMALL };
        // The full energy adds the layer's ½‖ξ‖² (a linear layer's barrier) to memoryEnergy.
        const energy = (xi: tf.Tensor3D) => tf.add(memoryEnergy(xi, m), tf.mul(0.5, tf.sum(tf.square(xi)))).dataSync()[0];
        let xi = tf.tensor3d([queries]);
        let e = energy(xi);
        for (let step = 0; step < 100; step++) {
          const next = memoryNetInput(xi, m);
          const e2 = energy(next);
          expect(e2).toBeLessThanOrEqual(e + 1e-5 * Math.abs(e));
          const moved = maxAbs(tf.sub(next, xi));
          [xi, e] = [next, e2];
          if (moved < 1e-7) break;
        }
        // Converged: one more update leaves ξ where it is.
        expect(maxAbs(tf.sub(memoryNetInput(xi, m), xi))).toBeLessThan(1e-6);
        return xi.arraySync()[0];
      });
      for (let mu = 0; mu < P; mu++) {
        expect(cosine(fixed[mu], mean)).toBeGreaterThan(0.99);
        for (let i = 0; i < d; i++) expect(Math.abs(fixed[mu][i] - fixed[0][i])).toBeLessThan(1e-5);
        // Metastable, not retrieval: the state ends further from the query's pattern than the query was.
        expect(cosine(fixed[mu], patterns[mu])).toBeLessThan(cosine(queries[mu], patterns[mu]));
      }
    });
  });

  describe('damped self-attention dynamics on a tanh token layer, T = 8, d = 6, H = 2, β = 2', () => {
    const [tokens, d, heads, dk, beta, steps] = [8, 6, 2, 4, 2, 50];

    // E(x) = selfAttentionEnergy(x) − b·x + Σ barrier(x), barrier(x) = ½[(1+x)ln(1+x) + (1−x)ln(1−x)],
    // whose derivative artanh makes x ← tanh(z) the minimiser of barrier(y) − z·y.
    function energy(x: tf.Tensor3D, w: SelfAttentionWeights, b: tf.Tensor): number {
      return tf.tidy(() => {
        const barrier = tf.mul(0.5, tf.add(tf.mul(tf.add(1, x), tf.log1p(x)), tf.mul(tf.sub(1, x), tf.log1p(tf.neg(x)))));
        return tf.sum(tf.add(tf.sub(tf.sum(selfAttentionEnergy(x, w)), tf.sum(tf.mul(b, x))), tf.sum(barrier))).dataSync()[0];
      });
    }

    /** The energies along `steps` updates x ← (1−α)x + α·tanh(z(x)), z = selfAttentionNetInput(x) + b. */
    function trajectory(w: SelfAttentionWeights, b: tf.Tensor, x0: tf.Tensor3D, alpha: number): number[] {
      let x = x0;
      const energies = [energy(x, w, b)];
      for (let s = 0; s < steps; s++) {
        const next = tf.tidy(() => tf.add(tf.mul(1 - alpha, x), tf.mul(alpha, tf.tanh(tf.add(selfAttentionNetInput(x, w), b)))) as tf.Tensor3D);
        if (x !== x0) x.dispose();
        x = next;
        energies.push(energy(x, w, b));
      }
      x.dispose();
      return energies;
    }

    /**
     * Two weight families, both inside the bound's assumption ‖Ŵ_Q Ŵ_Kᵀ‖₂ ≤ 1:
     * 'random': W_Q, W_K Gaussian, each divided by its Frobenius norm; tokens and bias O(1).
     * 'repulsive': W_Q = u vᵀ/‖u vᵀ‖_F (rank one, so the whole unit norm sits on one direction)
     *   and W_K = −W_Q, tokens and bias small. The attention energy is then convex: with
     *   N(i) = {i} it is Σ_i (û·x_i)², curvature 2 along û, twice the tanh barrier's μ = 1,
     *   so a step α > μ/L = ½ can overshoot.
     */
    function setup(family: 'random' | 'repulsive', mask: AttentionMask, seed: number) {
      const rng = makeRng(seed);
      let wq: tf.Tensor2D;
      let wk: tf.Tensor2D;
      if (family === 'random') {
        [wq, wk] = [randn(rng, [d, heads * dk]), randn(rng, [d, heads * dk])].map((v) => tf.div(v, tf.norm(v)) as tf.Tensor2D);
      } else {
        const uv = tf.matMul(randn(rng, [d, 1]) as tf.Tensor2D, randn(rng, [1, heads * dk]) as tf.Tensor2D);
        wq = tf.div(uv, tf.norm(uv)) as tf.Tensor2D;
        wk = tf.neg(wq);
      }
      const w: SelfAttentionWeights = { wq, wk, wqT: tf.transpose(wq), wkT: tf.transpose(wk), heads, beta, mask: additiveMask(mask, tokens) };
      const scale = family === 'random' ? 0.5 : 0.1;
      const b = randn(rng, [2, tokens, d], scale);
      const x0 = tf.tanh(randn(rng, [2, tokens, d], 2 * scale)) as tf.Tensor3D;
      return { w, b, x0 };
    }

    for (const { name, mask } of MASKS) {
      const alpha = selfAttentionStepBound(heads, d, beta, maxAttendedBy(mask, tokens));

      it(`${name}: at α = selfAttentionStepBound the energy never rises over ${steps} steps`, () => {
        for (const family of ['random', 'repulsive'] as const) {
          for (const seed of [1, 2, 3, 4]) {
            tf.tidy(() => {
              const { w, b, x0 } = setup(family, mask, 100 + seed);
              const e = trajectory(w, b, x0, alpha);
              // float32 slack: 1e-5 of |E|, but not below 1e-5 absolute, as E can pass through 0.
              for (let s = 1; s <= steps; s++) {
                expect(e[s], `${family} seed ${seed} step ${s}`).toBeLessThanOrEqual(e[s - 1] + 1e-5 * Math.max(1, Math.abs(e[s - 1])));
              }
              // And it does move: the descent is not a state standing still.
              expect(e[steps]).toBeLessThan(e[0] - 1e-3 * Math.abs(e[0]));
            });
          }
        }
      });

      it(`${name}: a full step α = 1 (≫ the bound ${alpha.toExponential(1)}) can raise the energy`, () => {
        // Random Frobenius-normalised weights never showed a rise, even at α = 1 (20 seeds, β up
        // to 500): the norm spread over H·dk·d entries leaves ‖Ŵ_Q Ŵ_Kᵀ‖₂ far below 1, and the
        // barrier's curvature wins. Repulsive weights put all of it on one direction, and the
        // parallel update overshoots along û.
        const rises = [1, 2, 3, 4].map((seed) =>
          tf.tidy(() => {
            const { w, b, x0 } = setup('repulsive', mask, 100 + seed);
            const e = trajectory(w, b, x0, 1);
            return Math.max(...e.slice(1).map((v, s) => (v - e[s]) / Math.abs(e[s])));
          }),
        );
        expect(Math.max(...rises)).toBeGreaterThan(1e-2);
      });
    }
  });
});
