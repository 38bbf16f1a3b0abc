/**
 * Numbers from one interleaved run: per side, the median ms per training batch and per
 * settle with their spread, GFLOP/s, iterations and reads per batch and per settle; per
 * pair (ours, a reference), the per-round speed-ups (reference ms ÷ ours ms in the same
 * round) summarised as a median with its spread; and the held-out MSEs side by side.
 * Pure: the FLOPs of one iteration come in as a number (flops.ts counts them from the plan).
 */
import type { CountedMethod } from '../flops.js';
import { batchFlops, gflops } from '../flops.js';
import { mean, median, roundRatios, spread, type Spread } from '../stats.js';
import type { InterleavedRun, SideRun, Turn } from './coordinator.js';
import type { MemoryResult, SideInfo, TensorCount } from './protocol.js';

export interface WorkSummary {
  /** Timed samples (warm-up excluded). */
  readonly count: number;
  readonly ms: Spread;
  readonly meanIterations: number;
  readonly meanAdjointSteps?: number;
  /** Device reads per batch or settle (mean); null where the side does not count them. */
  readonly readsPer: number | null;
  /** Σ FLOPs / Σ ms over the timed samples. */
  readonly gflops: number;
}

export interface SideSummary {
  readonly id: string;
  readonly implementation: 'ours' | 'reference';
  readonly info?: SideInfo;
  readonly failed?: string;
  readonly rounds: number;
  readonly trained: number;
  readonly training?: WorkSummary;
  readonly settle?: WorkSummary;
  readonly mse?: number;
  readonly memory?: MemoryResult;
  /** Live tensors after the first and the last round (ours): equal unless something leaks. */
  readonly tensors?: { readonly first: TensorCount; readonly last: TensorCount };
}

export interface Comparison {
  readonly ours: string;
  readonly reference: string;
  /** Per round: reference median ms ÷ ours median ms (> 1: ours faster), summarised. */
  readonly trainingSpeedup: Spread;
  readonly settleSpeedup: Spread;
  /** Our held-out MSE ÷ the reference's, after the same number of batches (< 1: ours lower). */
  readonly mseRatio: number;
}

export interface RunSummary {
  readonly rounds: number;
  readonly seconds: number;
  readonly sides: SideSummary[];
  readonly comparisons: Comparison[];
}

/** How each kind of side's work is counted (flops.ts): ours by its training method, the reference's always BPTT over all T. */
export interface FlopModel {
  readonly perIteration: number;
  readonly oursMethod: CountedMethod;
}

function work(samples: readonly { ms: number; iterations: number; reads: number | null; adjointSteps?: number }[], flopsOf: (s: { iterations: number; adjointSteps?: number }) => number): WorkSummary | undefined {
  if (samples.length === 0) return undefined;
  const reads = samples.map((s) => s.reads);
  const counted = reads.every((r): r is number => r !== null);
  const adjoint = samples.map((s) => s.adjointSteps).filter((a): a is number => a !== undefined);
  return {
    count: samples.length,
    ms: spread(samples.map((s) => s.ms)),
    meanIterations: mean(samples.map((s) => s.iterations)),
    ...(adjoint.length > 0 ? { meanAdjointSteps: mean(adjoint) } : {}),
    readsPer: counted ? mean(reads) : null,
    gflops: gflops(
      samples.map(flopsOf).reduce((a, b) => a + b, 0),
      samples.reduce((a, s) => a + s.ms, 0),
    ),
  };
}

/** A side's median ms in each round, per kind of work (NaN for a round it had none of). */
export function perRoundMedians(rounds: readonly Turn[], kind: 'batches' | 'settles'): number[] {
  return rounds.map((t) => median(t[kind].map((s) => s.ms)));
}

export function summariseSide(side: SideRun, flops: FlopModel): SideSummary {
  const batches = side.rounds.flatMap((t) => t.batches);
  const settles = side.rounds.flatMap((t) => t.settles);
  const method: CountedMethod = side.implementation === 'ours' ? flops.oursMethod : 'bptt';
  const withTensors = side.rounds.filter((t) => t.tensors);
  return {
    id: side.id,
    implementation: side.implementation,
    ...(side.info ? { info: side.info } : {}),
    ...(side.failed ? { failed: side.failed } : {}),
    rounds: side.rounds.length,
    trained: side.trained,
    training: work(batches, (s) => batchFlops(flops.perIteration, method, s.iterations, s.adjointSteps ?? 0)),
    settle: work(settles, (s) => batchFlops(flops.perIteration, 'settle', s.iterations)),
    ...(side.quality ? { mse: side.quality.mse } : {}),
    ...(side.memory ? { memory: side.memory } : {}),
    ...(withTensors.length > 0 ? { tensors: { first: withTensors[0].tensors!, last: withTensors[withTensors.length - 1].tensors! } } : {}),
  };
}

/**
 * The references ours are compared with, in this order: the 2-thread CPU run (the issue's
 * yardstick), the 1-thread run (on a machine with more runnable threads than cores, torch's
 * 2-thread run spins and slows down many-fold, and the 1-thread ratio is the steadier one),
 * and the CUDA run where there is one.
 */
export const COMPARED_REFERENCES = ['ref-2t', 'ref-1t', 'ref-cuda'];

export function compare(ours: SideRun, reference: SideRun): Comparison {
  const speedups = (kind: 'batches' | 'settles') => spread(roundRatios(perRoundMedians(reference.rounds, kind), perRoundMedians(ours.rounds, kind)));
  const mseRatio = ours.quality && reference.quality && ours.quality.trained === reference.quality.trained ? ours.quality.mse / reference.quality.mse : NaN;
  return { ours: ours.id, reference: reference.id, trainingSpeedup: speedups('batches'), settleSpeedup: speedups('settles'), mseRatio };
}

export function summariseRun(run: InterleavedRun, flops: FlopModel): RunSummary {
  const references = COMPARED_REFERENCES.flatMap((id) => run.sides.filter((s) => s.implementation === 'reference' && s.id === id && s.rounds.length > 0));
  const ours = run.sides.filter((s) => s.implementation === 'ours' && s.rounds.length > 0);
  return {
    rounds: run.rounds,
    seconds: run.seconds,
    sides: run.sides.map((s) => summariseSide(s, flops)),
    comparisons: ours.flatMap((o) => references.map((r) => compare(o, r))),
  };
}
