/**
 * The regimes of the modern Hopfield update ξ ← Yᵀ softmax(βYξ) (Ramsauer et al. 2020,
 * "Hopfield Networks is All You Need", sec. 2 and their fig. 2), measured on the engine's
 * Hopfield memory block with unit-length random ±1/√N patterns, probes 20% flipped:
 *
 *   small β   one fixed point near the mean of all memories: the attention spreads over
 *             (nearly) all P of them and the overlap with the probe's own pattern is low;
 *   middle β  metastable states: averages of a subset of the memories (1 < spread < P);
 *   large β   a single memory retrieved in one update (t* = 2: the update that lands on it
 *             and the one that confirms it), attention on that one memory, and many more
 *             patterns than units stored (the capacity is exponential in N).
 *
 * With random patterns the middle regime is a narrow band of β just below retrieval (the
 * patterns are nearly orthogonal; Ramsauer's metastable states are widest for similar
 * patterns). N = 16 and P = 32 make the patterns similar enough to see it over a few
 * grid points; the band's place was read off a sweep of β (the log below prints it).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '../../../engine/backend/select.js';
import { cellLine, sweepCells } from './sweep-helpers.js';
import type { CapacityCell, CapacitySweep } from '../../../engine/protocol/capacity.js';

const flip20 = [{ kind: 'flip' as const, level: 0.2 }];
const sweep = (n: number, p: number, betas: number[]): CapacitySweep => ({ sizes: [n], load: { by: 'patterns', values: [p] }, corruptions: flip20, betas, trials: 3, probes: 32, normalize: true });

beforeAll(() => startBackend('wasm'));

describe('N = 16, P = 32: from the global average through metastable states to retrieval', () => {
  const P = 32;
  let cells: CapacityCell[];
  beforeAll(async () => {
    cells = await sweepCells('memory', sweep(16, P, [0.5, 2, 6, 6.5, 7, 16, 64]));
    cells.forEach((c) => console.log(cellLine(c)));
  });
  const at = (beta: number) => cells.find((c) => c.beta === beta)!;

  it('small β: every probe ends at the global average — attention on nearly all memories, low overlap with its own', () => {
    for (const beta of [0.5, 2]) {
      const c = at(beta);
      // At β = 2 the softmax of β·(overlaps within ±1) weighs the memories within e^±2 of each other.
      expect(c.participation!.mean).toBeGreaterThan(0.9 * P);
      expect(c.overlap.mean).toBeLessThan(0.1);
      expect(c.closest.mixture.mean).toBe(1);
    }
  });

  it('middle β: probes that retrieve no single memory average a subset of them', () => {
    const middle = cells.filter((c) => c.beta! >= 6 && c.beta! <= 7 && c.closest.mixture.mean >= 0.25 && c.mixtureParticipation !== null);
    expect(middle.some((c) => c.mixtureParticipation! > 1.5 && c.mixtureParticipation! < 0.75 * P)).toBe(true);
    // And the average narrows as β grows through the band.
    expect(at(7).mixtureParticipation!).toBeLessThan(at(6).mixtureParticipation!);
  });

  it('large β: a single memory — most probes their own, no global average left', () => {
    expect(at(16).retrieved.mean).toBeGreaterThan(0.8);
    expect(at(16).participation!.mean).toBeLessThan(1.1);
    expect(at(0.5).retrieved.mean).toBe(0);
  });
});

it('large β at N = 64: the own pattern in one update (t* = 2), attention on that one memory', async () => {
  const [c] = await sweepCells('memory', sweep(64, 32, [64]));
  console.log(cellLine(c));
  expect(c.retrieved.mean).toBe(1);
  expect(c.closest.own.mean).toBe(1);
  expect(c.overlap.mean).toBeGreaterThan(0.999);
  expect(c.participation!.mean).toBeLessThan(1.01);
  expect(c.tStar.mean).toBe(2);
  expect(c.unsettled.mean).toBe(0);
});

it('capacity beyond the classic net’s: N = 32 retrieves P = 128 = 4N patterns (a classic net holds 0.138·N ≈ 4)', async () => {
  const [c] = await sweepCells('memory', sweep(32, 128, [16]));
  console.log(cellLine(c));
  expect(c.retrieved.mean).toBeGreaterThan(0.95);
  expect(c.closest.own.mean).toBeGreaterThan(0.95);
});
