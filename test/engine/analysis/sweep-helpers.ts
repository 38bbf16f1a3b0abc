/** Runs a capacity sweep to the end in a test: no pause, no progress, every cell kept. */
import { resolveSweep, PROTOCOL_WORDS } from '../../../engine/analysis/capacity-grid.js';
import { measureSweep } from '../../../engine/analysis/capacity.js';
import { builtMemoryNet, type MemoryNetSource } from '../../../engine/analysis/capacity-net.js';
import type { CapacityCell, CapacityNet, CapacitySweep } from '../../../engine/protocol/capacity.js';

export async function sweepCells(net: CapacityNet | MemoryNetSource, sweep: CapacitySweep): Promise<CapacityCell[]> {
  const src = typeof net === 'string' ? builtMemoryNet(net) : net;
  const out = await measureSweep(resolveSweep(src, sweep, PROTOCOL_WORDS), { gate: () => Promise.resolve('run'), progress: () => {}, cell: () => {} });
  return out.cells;
}

/** One line per cell, for the test's log (the numbers a failure is read against). */
export function cellLine(c: CapacityCell): string {
  const f = (v: number) => v.toFixed(3);
  return `N=${c.n} P=${c.patterns} α=${f(c.alpha)} β=${c.beta ?? '-'} m=${f(c.overlap.mean)} retrieved=${f(c.retrieved.mean)}±${f(c.retrieved.se ?? 0)} t*=${c.tStar.mean?.toFixed(2)} own=${f(c.closest.own.mean)} other=${f(c.closest.other.mean)} mixture=${f(c.closest.mixture.mean)} spread=${c.participation ? f(c.participation.mean) : '-'} mixture spread=${c.mixtureParticipation?.toFixed(2) ?? '-'}`;
}
