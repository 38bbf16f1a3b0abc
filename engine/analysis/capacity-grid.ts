/**
 * A sweep request read against its net: the settings it leaves out filled in, the grid of
 * cells in the order they are measured (size, then β, then corruption, then load), and the
 * groups of cells that settle together. Mistakes are RunInputErrors in the caller's words
 * (the CLI's flags or the protocol's fields).
 */
import { CAPACITY_DEFAULTS, CAPACITY_LIMITS, capacityAxis, type CapacityAxis, type CapacityCell, type CapacityCellKey, type CapacitySchedule, type CapacitySweep } from '../protocol/capacity.js';
import { RunInputError } from '../run/input-error.js';
import type { MemoryNetSource } from './capacity-net.js';
import type { Gate } from '../run/control.js';

/** How the caller names the sweep's settings in messages. */
export interface SweepWords {
  readonly sizes: string;
  readonly load: string;
  readonly betas: string;
  readonly normalize: string;
}

export const PROTOCOL_WORDS: SweepWords = { sizes: 'sweep.sizes', load: 'sweep.load', betas: 'sweep.betas', normalize: 'sweep.normalize' };

export interface ResolvedSweep {
  readonly src: MemoryNetSource;
  readonly cells: readonly CapacityCellKey[];
  readonly axis: CapacityAxis;
  readonly trials: number;
  readonly probes: number;
  readonly tolerance: number;
  readonly seed: number;
  readonly unitPatterns: boolean;
  /** The schedule the probes settle under, when the sweep names one (else the net's own). */
  readonly schedule?: CapacitySchedule;
  readonly steps?: number;
  readonly theta?: number;
}

export function resolveSweep(src: MemoryNetSource, sweep: CapacitySweep, words: SweepWords): ResolvedSweep {
  const refuse = (what: string, why: string) => new RunInputError(`${what}: ${why}`);
  if (src.size !== null && sweep.sizes !== undefined) {
    throw refuse(words.sizes, `the graph fixes N: layer "${src.layer.id}" has ${src.size} units (sizes are for a net built without a graph)`);
  }
  if (src.net === 'classic' && sweep.betas !== undefined) throw refuse(words.betas, 'β belongs to a Hopfield memory block; this is a classic net');
  if (src.net === 'classic' && sweep.normalize) throw refuse(words.normalize, "a classic net stores ±1 patterns in its sign or tanh units; unit-length patterns are for a memory block's β");
  const sizes = src.size !== null ? [src.size] : (sweep.sizes ?? [CAPACITY_DEFAULTS.size]);
  const betas: (number | null)[] = src.net === 'memory' ? (sweep.betas ?? [src.beta ?? 1]) : [null];
  const cells: CapacityCellKey[] = [];
  for (const n of sizes) {
    for (const beta of betas) {
      for (const corruption of sweep.corruptions) {
        for (const v of sweep.load.values) {
          const patterns = sweep.load.by === 'alpha' ? Math.max(1, Math.round(v * n)) : v;
          cells.push({ n, patterns, alpha: patterns / n, corruption, beta });
        }
      }
    }
  }
  if (cells.length > CAPACITY_LIMITS.cells) {
    throw refuse(words.load, `the sweep has ${cells.length} cells (sizes × β × corruptions × loads); at most ${CAPACITY_LIMITS.cells} are measured in one run`);
  }
  const tooMany = cells.find((c) => c.patterns > CAPACITY_LIMITS.patterns);
  if (tooMany) throw refuse(words.load, `N = ${tooMany.n} at α = ${tooMany.alpha} stores ${tooMany.patterns} patterns; at most ${CAPACITY_LIMITS.patterns}`);
  return {
    src,
    cells,
    axis: capacityAxis(cells),
    trials: sweep.trials ?? CAPACITY_DEFAULTS.trials,
    probes: sweep.probes ?? CAPACITY_DEFAULTS.probes,
    tolerance: sweep.tolerance ?? CAPACITY_DEFAULTS.tolerance,
    seed: sweep.seed ?? CAPACITY_DEFAULTS.seed,
    unitPatterns: sweep.normalize ?? false,
    ...(sweep.schedule !== undefined ? { schedule: sweep.schedule } : {}),
    ...(sweep.steps !== undefined ? { steps: sweep.steps } : {}),
    ...(sweep.theta !== undefined ? { theta: sweep.theta } : {}),
  };
}

/** Floats one group of stacked nets may hold per tensor (W is N² a net): 64 MB. */
const GROUP_FLOATS = 1 << 24;

/**
 * Consecutive cells of one size that settle as one batch, all trials of a cell in the same
 * group: as many as keep each stacked tensor (weights C·N², states C·B·N, memories C·P·N)
 * within GROUP_FLOATS. Memory blocks settle through the engine one net at a time: a group
 * is one cell.
 */
export function cellGroups(r: ResolvedSweep): { first: number; count: number }[] {
  const groups: { first: number; count: number }[] = [];
  let first = 0;
  while (first < r.cells.length) {
    const n = r.cells[first].n;
    let count = 1;
    if (r.src.net === 'classic') {
      for (; first + count < r.cells.length && r.cells[first + count].n === n; count++) {
        const widest = Math.max(...r.cells.slice(first, first + count + 1).map((c) => c.patterns));
        const floats = (count + 1) * r.trials * n * Math.max(n, r.probes, widest);
        if (floats > GROUP_FLOATS) break;
      }
    }
    groups.push({ first, count });
    first += count;
  }
  return groups;
}

export interface GroupProgress {
  /** The cells settling: [first, first + count). */
  readonly first: number;
  readonly count: number;
  readonly iteration: number;
  /** Probes that have stopped (converged or in a 2-cycle), of `probes`. */
  readonly settled: number;
  readonly probes: number;
}

export interface SweepHooks {
  /** Awaited after each read of a settling group: go on, or stop. */
  gate(): Promise<Gate>;
  progress(p: GroupProgress): void;
  /** A cell measured, with its index in the grid. */
  cell(index: number, cell: CapacityCell): void;
}
