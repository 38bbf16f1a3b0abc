/**
 * A small seeded random number generator for everything the engine must be able
 * to repeat: synthetic data sets, holdouts, shuffles. Math.random cannot be seeded.
 *
 * mulberry32 (Tommy Ettinger): 32 bits of state, passes PractRand to 2^32 outputs,
 * plenty for data generation; not for cryptography. The seed goes through one
 * splitmix32 round first so that nearby seeds (0, 1, 2 …) start far apart.
 */

export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Fisher–Yates, in place; returns `a`. */
  shuffle<T>(a: T[]): T[];
}

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Seeds are taken modulo 2^32 after truncation, so any finite number is a valid seed. */
export function makeRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`expected a finite seed, got ${seed}`);
  let state = splitmix32(Math.trunc(seed) >>> 0);
  let spare: number | null = null;

  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1) throw new Error(`expected an integer ≥ 1, got ${n}`);
    return Math.floor(next() * n);
  };

  const normal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    // 1 − u keeps the logarithm's argument in (0, 1].
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };

  const shuffle = <T>(a: T[]): T[] => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = int(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  };

  return { next, int, normal, shuffle };
}
