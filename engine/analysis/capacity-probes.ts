/**
 * The patterns and probes of one net of a sweep (a cell's trial), made on the host: the
 * trial's patterns (the first P of its stream, so the cells of one size share them), the
 * probes' clean patterns and their corrupted starts.
 */
import type { CapacityCellKey } from '../protocol/capacity.js';
import { CORRUPTION_KINDS } from '../protocol/capacity.js';
import { corruptedProbes, probeTarget, randomPatterns, streamRng } from './corruption.js';
import type { ResolvedSweep } from './capacity-grid.js';
import type { ProbeMeasures } from './retrieval-metrics.js';
import type { ProbeOutcome } from './retrieval-stats.js';

export interface TrialProbes {
  /** The stored patterns, [rows, N] with rows ≥ P (rows past P are zero). */
  readonly memories: Float32Array;
  /** Per probe: the index of its pattern, its clean pattern and its start, [B, N] each. */
  readonly targets: number[];
  readonly clean: Float32Array;
  readonly start: Float32Array;
}

/** The probes of `cell` in `trial`, its memories padded to `rows` patterns. */
export function trialProbes(r: ResolvedSweep, cell: CapacityCellKey, trial: number, rows = cell.patterns): TrialProbes {
  const { n, patterns: p, corruption } = cell;
  const memories = new Float32Array(rows * n);
  memories.set(randomPatterns(p, n, streamRng(r.seed, n, trial), r.unitPatterns));
  const targets = Array.from({ length: r.probes }, (_, k) => probeTarget(k, p));
  const clean = new Float32Array(r.probes * n);
  targets.forEach((t, k) => clean.set(memories.subarray(t * n, (t + 1) * n), k * n));
  // The corruption's own stream: the same units change for probe k whatever the load.
  const kind = CORRUPTION_KINDS.indexOf(corruption.kind);
  const start = corruptedProbes(memories, n, targets, corruption, streamRng(r.seed, n, trial, 1 + kind, Math.round(corruption.level * 1e6)));
  return { memories, targets, clean, start };
}

/** Probe b of net `net` in `measures` (net-major, B probes a net). */
export function outcomeOf(m: ProbeMeasures, at: number, target: number, tStar: number, cycling: boolean, participation: number | null): ProbeOutcome {
  return { overlap: m.overlap[at], startOverlap: m.startOverlap[at], bitError: m.bitError[at], closest: m.closest[at], closestError: m.closestError[at], target, tStar, cycling, participation };
}
