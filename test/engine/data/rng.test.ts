import { describe, expect, it } from 'vitest';
import { makeRng } from '../../../engine/data/rng.js';

const draw = (seed: number, n: number) => {
  const r = makeRng(seed);
  return Array.from({ length: n }, () => r.next());
};

describe('makeRng', () => {
  it('repeats per seed and differs across nearby seeds', () => {
    expect(draw(7, 50)).toEqual(draw(7, 50));
    expect(draw(0, 50)).not.toEqual(draw(1, 50));
    expect(draw(0, 1)[0]).not.toBe(draw(1, 1)[0]);
  });

  it('draws uniformly in [0, 1)', () => {
    const xs = draw(3, 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    const bins = new Array(10).fill(0);
    for (const x of xs) bins[Math.floor(x * 10)]++;
    for (const b of bins) expect(Math.abs(b - 2000)).toBeLessThan(200);
  });

  it('int stays in range and hits every value', () => {
    const r = makeRng(11);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const v = r.int(6);
      expect(Number.isInteger(v) && v >= 0 && v < 6).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(6);
    expect(() => r.int(0)).toThrow(/integer ≥ 1/);
  });

  it('normal has mean 0 and variance 1', () => {
    const r = makeRng(5);
    const xs = Array.from({ length: 20_000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('shuffle permutes in place, repeatably', () => {
    const a = Array.from({ length: 100 }, (_, i) => i);
    const s1 = makeRng(9).shuffle([...a]);
    const s2 = makeRng(9).shuffle([...a]);
    expect(s1).toEqual(s2);
    expect(s1).not.toEqual(a);
    expect([...s1].sort((x, y) => x - y)).toEqual(a);
    const b = [1, 2, 3];
    expect(makeRng(1).shuffle(b)).toBe(b);
  });
});
