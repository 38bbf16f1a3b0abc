/**
 * What `settle --json` and `eval --json` give a scientist, checked against the relations
 * that must hold between their numbers: the last phase's energy is the iteration's, phases
 * never raise the energy under a descent guarantee, the energy's terms sum to it, and for
 * ±1 targets on sign units MSE = 4·bit error and overlap = 1 − 2·bit error.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.js';
import { bipartiteFile, hopfieldFile } from './science-graphs.js';

const dir = mkdtempSync(join(tmpdir(), 'attractor-science-json-'));
const bipartite = bipartiteFile(dir, false);
const hopfield = hopfieldFile(dir);

interface SettleJson {
  guarantee: string;
  tStar: number[];
  energyPerExample: number[][];
  phaseEnergy: { phases: string[][]; iteration: number[]; energy: number[][] };
  energyTerms: { term: string; kind: string; energy: number[] }[];
  states?: Record<string, { shape: number[]; values: number[][] }>;
}

const close = (a: number, b: number, scale: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));

describe('settle --json', () => {
  it('energy after each phase, the terms of the final energy, and with --states the final states', async () => {
    const r = await cli('settle', bipartite, '--json', '--states');
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as SettleJson;
    expect(s.guarantee).toBe('descent');
    expect([...s.phaseEnergy.phases].map((p) => p.join()).sort()).toEqual(['h', 'v']);
    expect(s.phaseEnergy.iteration).toEqual(s.tStar);
    s.phaseEnergy.energy.forEach((phases, b) => {
      const i = s.phaseEnergy.iteration[b];
      const before = s.energyPerExample[i - 1][b];
      const after = s.energyPerExample[i][b];
      const scale = Math.max(...s.energyTerms.map((t) => Math.abs(t.energy[b])));
      close(phases.at(-1)!, after, scale);
      // Descent: no phase raises the energy.
      expect(phases[0]).toBeLessThanOrEqual(before + 1e-5 * scale);
      expect(phases[1]).toBeLessThanOrEqual(phases[0] + 1e-5 * scale);
      const sum = s.energyTerms.reduce((e, t) => e + t.energy[b], 0);
      close(sum, s.energyPerExample.at(-1)![b], scale);
    });
    expect(s.energyTerms.map((t) => `${t.kind}:${t.term}`).sort()).toEqual(['barrier:h', 'barrier:v', 'bias:h', 'bias:v', 'coupling:W']);
    expect(s.states!.v.shape).toEqual([16]);
    expect(s.states!.h.values.map((x) => x.length)).toEqual([6, 6, 6, 6]);
    for (const x of s.states!.v.values) for (const u of x) expect(Math.abs(u)).toBeLessThanOrEqual(1);
  });

  it('keeps the states out unless asked, and asks for --json with --states', async () => {
    const r = await cli('settle', bipartite, '--json');
    expect(JSON.parse(r.out)).not.toHaveProperty('states');
    const bad = await cli('settle', bipartite, '--states');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--states adds the final states to the JSON output: pass --json too/);
  });
});

describe('eval --json', () => {
  it('per-example loss, t*, bit error and overlap of a Hebbian net, and their means', async () => {
    const weights = join(dir, 'hebbian');
    const t = await cli('train', hopfield, '--method', 'hebbian', '--out', weights);
    expect(t.code, t.err).toBe(0);
    const r = await cli('eval', hopfield, '--weights', weights, '--json');
    expect(r.code, r.err).toBe(0);
    const e = JSON.parse(r.out) as {
      examples: number;
      loss: number;
      perExample: { example: number; loss: number; tStar: number | null; cycle2: boolean; targets: { target: string; mse: number; bitError: number; overlap: number }[] }[];
      metrics: { target: string; layer: string; mse: number; bitError: number; overlap: number }[];
    };
    expect(e.perExample).toHaveLength(e.examples);
    const mean = (f: (p: (typeof e.perExample)[number]) => number) => e.perExample.reduce((s, p) => s + f(p), 0) / e.examples;
    close(mean((p) => p.loss), e.loss, 1);
    for (const p of e.perExample) {
      const [m] = p.targets;
      // Sign units against ±1 patterns: each wrong bit costs (±2)² and −2/N of overlap.
      close(m.mse, 4 * m.bitError, 1);
      close(m.overlap, 1 - 2 * m.bitError, 1);
      close(m.mse, p.loss, 1);
    }
    expect(e.metrics).toHaveLength(1);
    expect(e.metrics[0]).toMatchObject({ target: 'recall', layer: 'units' });
    close(e.metrics[0].bitError, mean((p) => p.targets[0].bitError), 1);
    // 5 patterns in 100 units (α = 0.05, far below 0.138) from 10% flipped bits: recalled.
    expect(e.metrics[0].bitError).toBeLessThan(0.02);
    expect(e.metrics[0].overlap).toBeGreaterThan(0.96);
  });

  it('the text report gives the same means', async () => {
    const r = await cli('eval', hopfield, '--weights', join(dir, 'hebbian'));
    expect(r.out).toMatch(/target "recall" \(units\): masked MSE \d\.\d{4}, bit error \d+\.\d\d%, overlap \d\.\d{4}/);
  });
});
