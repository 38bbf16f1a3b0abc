import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile/compile.js';
import type { Plan } from '../../../engine/compile/plan.js';
import { phaseEnergies } from '../../../engine/run/settle-details.js';
import { between, graphOf, layer, vector } from '../../helpers/graphs.js';

function plan(order: 'fixed' | 'shuffled'): Plan {
  const p = compileGraph(graphOf([layer('v', vector(4)), layer('h', vector(3)), between('dense', 'W', 'v', 'h')], { schedule: 'chromatic', order })).plan;
  if (!p) throw new Error('no plan');
  return p;
}

/** Rows as the settle loop leaves them: the initial energy, then one per phase of every iteration; example b's value is 100·b + row. */
const rows = (iterations: number, phases: number, batch: number) => Array.from({ length: 1 + iterations * phases }, (_, r) => Array.from({ length: batch }, (_, b) => 100 * b + r));

describe("each example's last iteration, phase by phase", () => {
  it('takes t* for an example that converged (it is frozen after) and the last iteration for one that did not', () => {
    const p = plan('fixed');
    const e = phaseEnergies(p, rows(5, 2, 3), [2, null, 5], 5)!;
    expect(e.iteration).toEqual([2, 5, 5]);
    // Iteration i, phase k is row 1 + (i − 1)·2 + k.
    expect(e.energy).toEqual([
      [3, 4],
      [109, 110],
      [209, 210],
    ]);
    expect(e.phases).toEqual(p.phases.map((ph) => ph.updates.map((u) => u.layer)));
  });

  it('names no phases when each iteration shuffles them, and gives nothing before the first iteration or without rows', () => {
    expect(phaseEnergies(plan('shuffled'), rows(1, 2, 1), [1], 1)!.phases).toBeNull();
    expect(phaseEnergies(plan('fixed'), rows(0, 2, 1), [null], 0)).toBeNull();
    expect(phaseEnergies(plan('fixed'), [], [1], 1)).toBeNull();
  });
});
