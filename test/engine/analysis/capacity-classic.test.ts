/**
 * The classic Hopfield net's capacity (Amit, Gutfreund & Sompolinsky 1985, 1987): with
 * Hebbian weights W = (1/N) Σ ξξᵀ, zero diagonal, and asynchronous updates, patterns are
 * retrieved (overlap ≈ 1) up to α = P/N ≈ 0.138 as N → ∞, where retrieval collapses to
 * spurious and mixture states far from every pattern.
 *
 * At finite N the collapse is smoothed and moved upward — a probe that starts 5% flipped
 * still lands within a few units of its pattern a little past α_c — and the finite-size
 * shift shrinks roughly like N^-1/2. What the test states: the load where the fraction of
 * probes retrieved within 2% bit error falls through ½ lies in 0.12–0.24 for each N
 * (0.138 minus a little for the grid's resolution; plus the N = 100 shift, which
 * simulations of the textbook put near +0.05–0.08), and is lower at N = 400 than at N = 100.
 */
import { beforeAll, expect, it } from 'vitest';
import { startBackend } from '../../../engine/backend/select.js';
import { openMemoryNet } from '../../../engine/analysis/capacity-net.js';
import { capacityCurves, retrievalCrossings, type CapacityCell } from '../../../engine/protocol/capacity.js';
import { cellLine, sweepCells } from './sweep-helpers.js';

const SIZES = [100, 200, 400];
const ALPHAS = [0.06, 0.1, 0.14, 0.18, 0.22, 0.26];
let cells: CapacityCell[];

beforeAll(async () => {
  await startBackend('wasm');
  cells = await sweepCells('classic', { sizes: SIZES, load: { by: 'alpha', values: ALPHAS }, corruptions: [{ kind: 'flip', level: 0.05 }], trials: 3, probes: 40, tolerance: 0.02 });
  cells.forEach((c) => console.log(cellLine(c)));
}, 120_000);

it('retrieval falls through ½ within 0.12–0.24 at every N, lower at N = 400 than at N = 100', () => {
  const crossings = retrievalCrossings(cells, 'alpha');
  console.log(crossings.map((c) => `${c.curve}: ${c.at?.toFixed(3)}`).join('\n'));
  expect(crossings).toHaveLength(SIZES.length);
  for (const c of crossings) {
    expect(c.at).not.toBeNull();
    expect(c.at!).toBeGreaterThan(0.12);
    expect(c.at!).toBeLessThan(0.24);
  }
  expect(crossings[2].at!).toBeLessThan(crossings[0].at!);
});

it('below capacity the patterns come back: overlap ≈ 1, every probe its own pattern', () => {
  for (const c of cells.filter((x) => x.alpha <= 0.06)) {
    expect(c.overlap.mean).toBeGreaterThan(0.99);
    expect(c.closest.own.mean).toBe(1);
    expect(c.unsettled.mean).toBe(0);
    // Asynchronous updates always settle, and 5% flips are undone in a sweep or two.
    expect(c.tStar.mean!).toBeLessThanOrEqual(3);
  }
});

it('above capacity the probes end in spurious and mixture states, not in another pattern', () => {
  const [curve] = capacityCurves(cells, 'alpha').filter((c) => c.n === 400);
  const far = curve.cells.at(-1)!;
  expect(far.alpha).toBeCloseTo(0.26);
  expect(far.closest.mixture.mean).toBeGreaterThan(0.7);
  expect(far.closest.other.mean).toBeLessThan(0.05);
  // From an overlap of 0.9 the state drifts away: further from the pattern than it started.
  expect(far.overlap.mean).toBeLessThan(far.initialOverlap);
  // Relaxing to a spurious state takes more sweeps than undoing 5% flips.
  expect(far.tStar.mean!).toBeGreaterThan(curve.cells[0].tStar.mean!);
});

it('a graph file gives the net: examples/hopfield.attractor.json, N = 100 and its asynchronous schedule', async () => {
  const src = await openMemoryNet({ path: 'examples/hopfield.attractor.json', fallbackDir: '.' });
  expect(src.net).toBe('classic');
  expect(src.size).toBe(100);
  expect(src.settle.schedule).toBe('asynchronous');
  const [low, high] = await sweepCells(src, { load: { by: 'patterns', values: [5, 30] }, corruptions: [{ kind: 'flip', level: 0.1 }], trials: 2, probes: 20 });
  expect(low.n).toBe(100);
  expect(low.retrieved.mean).toBe(1);
  expect(high.retrieved.mean).toBeLessThan(0.5);
});
