/**
 * Retrieval from a Hopfield memory as a function of β — the table the README and the
 * attention issue quote. 20 random ±1 patterns of d = 64, each query its pattern with
 * 20% of the signs flipped, one update ξ ← Yᵀ softmax(βYξ). A query counts as retrieved
 * when the pattern nearest (by cosine) to its update is its own.
 *
 * The test prints the table and checks its documented shape: at small β the update is a
 * near-uniform average of all patterns (most queries land nearer some other pattern), and
 * from β ≈ 0.05 every query is retrieved, with the cosine to its pattern rising towards 1.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { memoryNetInput, type MemoryWeights } from '../../../engine/runtime/attention.js';
import { makeRng } from '../../../engine/data/rng.js';

const [P, d, flips] = [20, 64, 13];
const BETAS = [0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 1];

function memory(seed: number): { patterns: number[][]; queries: number[][] } {
  const rng = makeRng(seed);
  const patterns: number[][] = Array.from({ length: P }, () => Array.from({ length: d }, (): number => (rng.next() < 0.5 ? -1 : 1)));
  const queries = patterns.map((y) => {
    const q = [...y];
    for (const i of rng.shuffle(Array.from({ length: d }, (_, k) => k)).slice(0, flips)) q[i] = -q[i];
    return q;
  });
  return { patterns, queries };
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) [ab, aa, bb] = [ab + a[i] * b[i], aa + a[i] * a[i], bb + b[i] * b[i]];
  return ab / Math.sqrt(aa * bb);
}

describe('Hopfield memory: retrieval vs β', () => {
  it('retrieves more as β grows, every pattern from β = 0.05 on', () => {
    const { patterns, queries } = memory(7);
    const rows = BETAS.map((beta) => {
      const out = tf.tidy(() => {
        const y = tf.tensor2d(patterns);
        const m: MemoryWeights = { y, yT: tf.transpose(y), beta };
        return memoryNetInput(tf.tensor3d([queries]), m).arraySync()[0];
      });
      let retrieved = 0;
      let cos = 0;
      out.forEach((xi, mu) => {
        const c = patterns.map((y) => cosine(xi, y));
        if (c.indexOf(Math.max(...c)) === mu) retrieved++;
        cos += c[mu] / P;
      });
      return { beta, retrieved, cos };
    });
    console.log(['    β   retrieved   mean cos to own pattern', ...rows.map((r) => `${String(r.beta).padStart(6)}   ${String(r.retrieved).padStart(3)}/${P}      ${r.cos.toFixed(3)}`)].join('\n'));
    for (let i = 1; i < rows.length; i++) expect(rows[i].retrieved).toBeGreaterThanOrEqual(rows[i - 1].retrieved);
    expect(rows[0].retrieved).toBeLessThan(P / 2);
    for (const r of rows.filter((r) => r.beta >= 0.05)) expect(r.retrieved).toBe(P);
    expect(rows.at(-1)!.cos).toBeGreaterThan(0.999);
  });
});
