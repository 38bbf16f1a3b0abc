/**
 * `attractor settle` checks the energy against the guarantee, as the UI does. No graph the
 * compiler accepts is known to break descent (every example under every schedule settles
 * without a rise where descent is promised), so the compiler is told descent here for a
 * net whose coupled units all move at once: the Hopfield example updated synchronously,
 * whose energy really does rise. Told nothing, the same run prints no alarm.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as Compile from '../../../engine/compile/compile.js';
import { cli } from '../../helpers/cli.js';

const told = vi.hoisted(() => ({ descent: false }));

vi.mock('../../../engine/compile/compile.js', async (importOriginal) => {
  const real = await importOriginal<typeof Compile>();
  const compileGraph: typeof real.compileGraph = (graph, overrides) => {
    const r = real.compileGraph(graph, overrides);
    if (!told.descent || !r.plan) return r;
    return { ...r, plan: { ...r.plan, guarantee: { kind: 'descent', reason: 'told descent by the test' } } };
  };
  return { ...real, compileGraph };
});

const ARGS = ['settle', 'examples/hopfield.attractor.json', '--schedule', 'synchronous', '--batch', '4', '--backend', 'wasm'];

interface Report {
  guarantee: string;
  energyPerExample: number[][];
  energyRises: { example: number; iter: number; from: number; to: number }[];
}

async function settle(descent: boolean, ...extra: string[]) {
  told.descent = descent;
  try {
    return await cli(...ARGS, ...extra);
  } finally {
    told.descent = false;
  }
}

describe('the energy-rise check of attractor settle', () => {
  it('says nothing when the guarantee is not descent, though the energy rises', async () => {
    const j = await settle(false, '--json');
    expect(j.code, j.err).toBe(0);
    const r = JSON.parse(j.out) as Report;
    expect(r.guarantee).toBe('fixed-point-or-2-cycle');
    const rose = r.energyPerExample.slice(1).some((e, i) => e.some((v, b) => v > r.energyPerExample[i][b] + 1e-3));
    expect(rose).toBe(true);
    expect(r.energyRises).toEqual([]);
    const t = await settle(false);
    expect(t.code, t.err).toBe(0);
    expect(t.err).not.toMatch(/energy rose/);
  });

  it('names the examples and iterations where the energy rose under a descent guarantee', async () => {
    const j = await settle(true, '--json');
    expect(j.code, j.err).toBe(0);
    const r = JSON.parse(j.out) as Report;
    expect(r.guarantee).toBe('descent');
    expect(r.energyRises.length).toBeGreaterThan(0);
    for (const x of r.energyRises) {
      expect(x.from).toBe(r.energyPerExample[x.iter - 1][x.example]);
      expect(x.to).toBe(r.energyPerExample[x.iter][x.example]);
      expect(x.to).toBeGreaterThan(x.from);
    }
    const t = await settle(true);
    expect(t.code, t.err).toBe(0);
    const line = t.err.split('\n').find((l) => l.includes('energy rose'))!;
    const first = r.energyRises[0];
    expect(line).toMatch(new RegExp(`^warning: the energy rose ${r.energyRises.length} times? under a descent guarantee \\(largest rise [0-9.e+-]+\\): `));
    expect(line).toContain(`example ${first.example} at iteration`);
    expect(line).toMatch(new RegExp(`example ${first.example} at iterations? ${first.iter}\\b`));
    console.log(line);
  });
});
