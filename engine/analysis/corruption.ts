/**
 * The stored patterns and the corrupted probes the capacity explorer starts from, made on
 * the host from a seed (like the engine's batches, so a seed gives the same numbers on
 * every backend) and uploaded once per group of cells.
 *
 * Patterns are random ±1 vectors — what the random-patterns dataset gives a sign or tanh
 * layer — or the same scaled to unit length. A trial draws one long list of them and a
 * cell storing P patterns takes the first P, so the cells of a curve share their patterns
 * and corruptions (common random numbers: the curve's steps are the load's, not noise).
 */
import type { Corruption } from '../protocol/capacity.js';
import { makeRng, type Rng } from '../data/rng.js';

/** Independent streams of one sweep: patterns and corruptions of each trial, for each size. */
export function streamSeed(seed: number, ...parts: number[]): number {
  let h = Math.trunc(seed) >>> 0;
  for (const p of parts) h = (Math.imul(h ^ (p >>> 0), 0x9e3779b1) + 0x7f4a7c15) >>> 0;
  return h;
}

/** `count` random ±1 patterns of `n` units, row after row; entries ±1/√n when `unit`. */
export function randomPatterns(count: number, n: number, rng: Rng, unit: boolean): Float32Array {
  const v = unit ? 1 / Math.sqrt(n) : 1;
  const out = new Float32Array(count * n);
  for (let i = 0; i < out.length; i++) out[i] = rng.next() < 0.5 ? -v : v;
  return out;
}

/** The pattern probe k starts from: each stored pattern in turn (probes beyond P corrupt them again). */
export function probeTarget(k: number, patterns: number): number {
  return k % patterns;
}

/**
 * Probe starts: for each probe its pattern (row `targets[k]` of `patterns`) corrupted by
 * `c`: flip and mask change exactly round(level·n) units chosen at random (so every probe
 * starts at the same distance: overlap 1 − 2f after flips); noise adds σ·(entry size)·N(0, 1)
 * to every unit.
 */
export function corruptedProbes(patterns: Float32Array, n: number, targets: readonly number[], c: Corruption, rng: Rng): Float32Array {
  const out = new Float32Array(targets.length * n);
  const units = Array.from({ length: n }, (_, i) => i);
  const changed = c.kind === 'noise' ? 0 : Math.round(c.level * n);
  targets.forEach((t, k) => {
    const row = out.subarray(k * n, (k + 1) * n);
    row.set(patterns.subarray(t * n, (t + 1) * n));
    if (c.kind === 'noise') {
      const size = Math.abs(row[0]);
      for (let i = 0; i < n; i++) row[i] += c.level * size * rng.normal();
      return;
    }
    // A partial Fisher–Yates: the first `changed` of a fresh shuffle.
    for (let i = 0; i < changed; i++) {
      const j = i + rng.int(n - i);
      [units[i], units[j]] = [units[j], units[i]];
      row[units[i]] = c.kind === 'flip' ? -row[units[i]] : 0;
    }
  });
  return out;
}

/** The rng of one stream (see streamSeed). */
export function streamRng(seed: number, ...parts: number[]): Rng {
  return makeRng(streamSeed(seed, ...parts));
}
