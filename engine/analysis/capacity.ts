/**
 * The capacity and basin explorer: for a memory net, store P patterns, start probes from
 * corrupted copies of them, settle, and measure what comes back — over a grid of sizes,
 * loads α = P/N, corruptions and (memory blocks) β, several independent trials a cell.
 *
 * Classic nets settle a whole group of cells as one stacked batch (capacity-classic.ts);
 * memory blocks settle one net at a time through the engine's own settle loop
 * (capacity-memory.ts). Either way nothing waits for the device inside a settle, and the
 * caller's gate runs between reads, so a run can be paused, stepped and cancelled.
 */
import type { CapacityCell } from '../protocol/capacity.js';
import { cellGroups, type ResolvedSweep, type SweepHooks } from './capacity-grid.js';

export type { GroupProgress, SweepHooks } from './capacity-grid.js';
import { measureClassicGroup } from './capacity-classic.js';
import { measureMemoryCell } from './capacity-memory.js';


export interface SweepOutcome {
  readonly cancelled: boolean;
  /** The cells measured, in grid order (all of them unless cancelled). */
  readonly cells: CapacityCell[];
}

export async function measureSweep(r: ResolvedSweep, hooks: SweepHooks): Promise<SweepOutcome> {
  const cells: CapacityCell[] = [];
  for (const { first, count } of cellGroups(r)) {
    const measured = r.src.net === 'classic' ? await measureClassicGroup(r, first, count, hooks) : await single(measureMemoryCell(r, first, hooks));
    if (!measured) return { cancelled: true, cells };
    measured.forEach((cell, k) => {
      cells.push(cell);
      hooks.cell(first + k, cell);
    });
  }
  return { cancelled: false, cells };
}

async function single(cell: Promise<CapacityCell | null>): Promise<CapacityCell[] | null> {
  const c = await cell;
  return c ? [c] : null;
}
