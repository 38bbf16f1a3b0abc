/**
 * From probes to a cell: each trial (a fresh net and fresh probes) gives one value per
 * measure — its mean over the trial's probes — and the cell reports the mean of those
 * over the trials with its standard error s/√T, so the spread says how much another set
 * of patterns would move the number. t* is pooled over all probes that converged.
 * Pure arithmetic, no tensors.
 */
import type { CapacityCell, CapacityCellKey, TrialStat } from '../protocol/capacity.js';

/** One probe's outcome. */
export interface ProbeOutcome {
  readonly overlap: number;
  readonly startOverlap: number;
  readonly bitError: number;
  /** The closest memory's index and the fraction of signs the state differs from it in. */
  readonly closest: number;
  readonly closestError: number;
  /** The index of the probe's own pattern. */
  readonly target: number;
  /** −1 when it did not converge. */
  readonly tStar: number;
  readonly cycling: boolean;
  /** Memory blocks: 1/Σ p² of the attention weights at x*. */
  readonly participation: number | null;
}

export function trialStat(values: readonly number[]): TrialStat {
  const t = values.length;
  const mean = values.reduce((a, v) => a + v, 0) / t;
  if (t < 2) return { mean, se: null };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (t - 1);
  return { mean, se: Math.sqrt(variance / t) };
}

function meanOf(probes: readonly ProbeOutcome[], f: (p: ProbeOutcome) => number): number {
  return probes.reduce((a, p) => a + f(p), 0) / probes.length;
}

/** The cell's numbers from its trials' probes (each trial a non-empty list). */
export function cellOf(key: CapacityCellKey, trials: readonly (readonly ProbeOutcome[])[], tolerance: number, ms: number): CapacityCell {
  const stat = (f: (p: ProbeOutcome) => number) => trialStat(trials.map((probes) => meanOf(probes, f)));
  const single = (p: ProbeOutcome) => p.closestError <= tolerance;
  const settled = trials.flat().filter((p) => p.tStar >= 0).map((p) => p.tStar);
  const tMean = settled.length > 0 ? settled.reduce((a, v) => a + v, 0) / settled.length : null;
  const tSd = tMean !== null && settled.length > 1 ? Math.sqrt(settled.reduce((a, v) => a + (v - tMean) ** 2, 0) / (settled.length - 1)) : null;
  const withParticipation = trials[0][0].participation !== null;
  const mixtures = trials.flat().filter((p) => !single(p));
  return {
    ...key,
    trials: trials.length,
    probes: trials[0].length,
    initialOverlap: meanOf(trials.flat(), (p) => p.startOverlap),
    overlap: stat((p) => p.overlap),
    bitError: stat((p) => p.bitError),
    exact: stat((p) => (p.bitError === 0 ? 1 : 0)),
    retrieved: stat((p) => (p.bitError <= tolerance ? 1 : 0)),
    tStar: { mean: tMean, sd: tSd },
    unsettled: stat((p) => (p.tStar < 0 ? 1 : 0)),
    cycling: stat((p) => (p.cycling ? 1 : 0)),
    closest: {
      own: stat((p) => (single(p) && p.closest === p.target ? 1 : 0)),
      other: stat((p) => (single(p) && p.closest !== p.target ? 1 : 0)),
      mixture: stat((p) => (single(p) ? 0 : 1)),
    },
    participation: withParticipation ? stat((p) => p.participation ?? 0) : null,
    mixtureParticipation: withParticipation && mixtures.length > 0 ? meanOf(mixtures, (p) => p.participation ?? 0) : null,
    ms,
  };
}
