/**
 * The capacity and basin explorer's part of the run protocol: the sweep a client asks for
 * (`capacity.start`), the events that stream back (`capacity.progress` while a group of
 * cells settles, `capacity.cell` as each cell is measured), and the pure helpers both
 * sides use to read the cells as curves and find where retrieval crosses ½.
 *
 * Plain data, no TensorFlow.js: the renderer imports this file (through ./run.ts).
 *
 * A sweep is a grid of cells: net size N × β (memory blocks) × corruption × load. Each
 * cell stores P random patterns in a fresh net per trial, starts `probes` probes from
 * corrupted copies of them, settles them together and measures how many come back.
 */
import { z, positive, positiveInt } from '../../nodes/schema.js';

export const CAPACITY_NETS = ['classic', 'memory'] as const;
export type CapacityNet = (typeof CAPACITY_NETS)[number];

/** Probe dynamics the explorer offers: one unit at a time (the textbook's), or all units at once. */
export const CAPACITY_SCHEDULES = ['asynchronous', 'synchronous'] as const;
export type CapacitySchedule = (typeof CAPACITY_SCHEDULES)[number];

/** flip: a fraction of units change sign; mask: a fraction set to 0; noise: Gaussian noise of σ (in units of a pattern entry). */
export const CORRUPTION_KINDS = ['flip', 'mask', 'noise'] as const;
export type CorruptionKind = (typeof CORRUPTION_KINDS)[number];

/** Limits that keep one request inside what a desktop engine can hold (W alone is N² floats per net). */
export const CAPACITY_LIMITS = { size: 4096, patterns: 100_000, probes: 1024, trials: 100, cells: 2000, values: 200, steps: 10_000 } as const;

/** What a sweep uses when the request leaves it out. */
export const CAPACITY_DEFAULTS = { trials: 5, probes: 100, tolerance: 0.02, seed: 0, size: 200 } as const;

export const corruptionSchema = z
  .object({
    kind: z.enum(CORRUPTION_KINDS, { error: `expected one of ${CORRUPTION_KINDS.join(', ')}` }),
    level: z.number({ error: 'expected a number ≥ 0' }).min(0, { error: 'expected a number ≥ 0' }).refine(Number.isFinite, { error: 'expected a finite number' }),
  })
  .strict()
  .refine((c) => c.kind === 'noise' || c.level <= 1, { path: ['level'], error: 'expected a fraction of the units, in [0, 1]' });

export type Corruption = z.output<typeof corruptionSchema>;

/**
 * The values of a typed list, "0.05,0.1,0.2", or range, "A:B:STEP" (B included up to
 * rounding; values rounded to the step's decimals, so 0.1 + 2·0.02 is 0.14). A mistake
 * throws an Error that says what was expected; the caller names the field.
 */
export function parseValueList(text: string): number[] {
  const range = /^([^:,]+):([^:,]+):([^:,]+)$/.exec(text);
  const num = (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`expected a number, got ${JSON.stringify(v)} in ${JSON.stringify(text)}`);
    return n;
  };
  if (!range) return text.split(',').map(num);
  const [a, b, step] = [num(range[1]), num(range[2]), num(range[3])];
  if (step <= 0 || b < a) throw new Error(`expected a range A:B:STEP with A ≤ B and STEP > 0, got ${JSON.stringify(text)}`);
  const count = Math.floor((b - a) / step + 1e-9) + 1;
  if (count > CAPACITY_LIMITS.values) throw new Error(`${JSON.stringify(text)} has ${count} values; at most ${CAPACITY_LIMITS.values}`);
  const decimals = Math.min(12, Math.max(0, -Math.floor(Math.log10(step)) + 3));
  return Array.from({ length: count }, (_, i) => Number((a + i * step).toFixed(decimals)));
}

/** Typed corruptions, "flip:0.05,mask:0.2,noise:0.5"; a mistake throws an Error saying what was expected. */
export function parseCorruptions(text: string): Corruption[] {
  return text.split(',').map((part) => {
    const [kind, level, ...rest] = part.split(':');
    if (!CORRUPTION_KINDS.includes(kind as CorruptionKind) || level === undefined || rest.length > 0) {
      throw new Error(`expected KIND:LEVEL with KIND one of ${CORRUPTION_KINDS.join(', ')} (e.g. flip:0.05, mask:0.2, noise:0.5), got ${JSON.stringify(part)}`);
    }
    const n = Number(level);
    if (level.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`${kind} needs a level ≥ 0, got ${JSON.stringify(level)}`);
    if (kind !== 'noise' && n > 1) throw new Error(`${kind}:${level} — the level of ${kind} is a fraction of the units, in [0, 1]`);
    return { kind: kind as CorruptionKind, level: n };
  });
}

const values = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item, { error: `expected a list of ${what}` }).min(1, { error: `expected at least one ${what}` }).max(CAPACITY_LIMITS.values, { error: `expected at most ${CAPACITY_LIMITS.values} values` });

export const capacitySweepSchema = z
  .object({
    /** Without a graph: which memory net to build (default classic). With one, the graph says. */
    net: z.enum(CAPACITY_NETS, { error: `expected one of ${CAPACITY_NETS.join(', ')}` }).optional(),
    /** Without a graph: the sizes N (units of the memory layer). A graph's layer fixes N. */
    sizes: values(positiveInt('an integer ≥ 1 (units)').max(CAPACITY_LIMITS.size, { error: `expected at most ${CAPACITY_LIMITS.size} units` }), 'sizes').optional(),
    /** The load: α = P/N (P rounded, at least 1) or the pattern counts P themselves. */
    load: z.discriminatedUnion(
      'by',
      [
        z.object({ by: z.literal('alpha'), values: values(positive('a load α > 0'), 'loads') }).strict(),
        z.object({ by: z.literal('patterns'), values: values(positiveInt('an integer ≥ 1 (patterns)').max(CAPACITY_LIMITS.patterns), 'pattern counts') }).strict(),
      ],
      { error: 'expected a load: { by: "alpha" | "patterns", values: [...] }' },
    ),
    corruptions: values(corruptionSchema, 'corruptions'),
    /** Memory blocks: inverse temperatures β to sweep (default the graph's, or 1). */
    betas: values(positive('β > 0'), 'values of β').optional(),
    trials: positiveInt().max(CAPACITY_LIMITS.trials).optional(),
    /** Probes per trial: corrupted copies of the stored patterns (pattern k mod P for probe k). */
    probes: positiveInt().max(CAPACITY_LIMITS.probes).optional(),
    /** A probe is retrieved when at most this fraction of its units have the wrong sign. */
    tolerance: z.number({ error: 'expected a fraction in [0, 0.5)' }).min(0, { error: 'expected a fraction in [0, 0.5)' }).lt(0.5, { error: 'expected a fraction in [0, 0.5)' }).optional(),
    /** Default: asynchronous for classic nets (the textbook's), the graph's own for a graph, synchronous for a memory block. */
    schedule: z.enum(CAPACITY_SCHEDULES, { error: `expected one of ${CAPACITY_SCHEDULES.join(', ')}` }).optional(),
    steps: positiveInt().max(CAPACITY_LIMITS.steps).optional(),
    theta: positive().optional(),
    seed: z.number().int({ error: 'expected an integer seed' }).optional(),
    /** Scale the random ±1 patterns to unit length (Ramsauer et al.'s setting for β). */
    normalize: z.boolean().optional(),
  })
  .strict();

export type CapacitySweep = z.output<typeof capacitySweepSchema>;

// ---- events: engine → client ---------------------------------------------------------

/** Where a cell sits in the grid. */
export interface CapacityCellKey {
  /** Units of the memory layer. */
  readonly n: number;
  /** Stored patterns, and α = P/N. */
  readonly patterns: number;
  readonly alpha: number;
  readonly corruption: Corruption;
  /** Memory blocks: the inverse temperature; null for classic nets. */
  readonly beta: number | null;
}

/** A mean over the trials and its standard error (null with one trial). */
export interface TrialStat {
  readonly mean: number;
  readonly se: number | null;
}

export interface CapacityCell extends CapacityCellKey {
  readonly trials: number;
  /** Probes per trial. */
  readonly probes: number;
  /** Mean overlap ξ·x₀/‖ξ‖² of the corrupted starts with their patterns (1 − 2f for f flipped). */
  readonly initialOverlap: number;
  /** m = (ξ·x*)/‖ξ‖² with the probe's own pattern ((1/N) ξ·x* for ±1 patterns). */
  readonly overlap: TrialStat;
  /** Fraction of units whose sign differs from the pattern's. */
  readonly bitError: TrialStat;
  /** Probes that came back with no unit wrong, and with at most `tolerance` of them wrong. */
  readonly exact: TrialStat;
  readonly retrieved: TrialStat;
  /** t* over the probes that converged (all trials pooled): mean and standard deviation. */
  readonly tStar: { readonly mean: number | null; readonly sd: number | null };
  /** Probes with no fixed point within the steps (2-cycles included), and those in a 2-cycle. */
  readonly unsettled: TrialStat;
  readonly cycling: TrialStat;
  /**
   * Which stored memory the final state is (the one it differs from in fewest signs, when
   * that is within the tolerance): its own, another one, or none — a mixture, a spurious
   * state or a metastable average. The three add up to 1.
   */
  readonly closest: { readonly own: TrialStat; readonly other: TrialStat; readonly mixture: TrialStat };
  /** Memory blocks: 1/Σ p_μ² of the attention weights at x*, the number of memories the state averages (1: one, P: all). */
  readonly participation: TrialStat | null;
  /**
   * Memory blocks: the same over the probes that ended as a mixture (all trials pooled), null
   * when none did: ≈ P for the global average of small β, between 1 and P for metastable
   * states that average a subset.
   */
  readonly mixtureParticipation: number | null;
  readonly ms: number;
}

export interface CapacityTotals {
  readonly net: CapacityNet;
  /** The graph the net came from, or a description of the built one. */
  readonly source: string;
  readonly layer: string;
  readonly coupling: string;
  readonly activation: string;
  /** The plan's schedule, and how it updates the memory layer. */
  readonly schedule: string;
  readonly update: 'unit-wise' | 'parallel';
  readonly steps: number;
  readonly theta: number;
  readonly trials: number;
  readonly probes: number;
  readonly tolerance: number;
  readonly patternForm: 'sign' | 'unit';
  readonly seed: number;
  /** Every cell of the grid, in the order they are measured (the `index` of capacity.cell). */
  readonly cells: CapacityCellKey[];
  /** What the curves run along. */
  readonly axis: CapacityAxis;
}

export interface CapacityProgress {
  readonly type: 'capacity.progress';
  readonly runId: string;
  readonly cellsDone: number;
  readonly cells: number;
  /** The group of cells settling now (indices [first, first + count)), its iteration and how many probes have settled. */
  readonly settling: { readonly first: number; readonly count: number; readonly iteration: number; readonly settled: number; readonly probes: number };
}

export interface CapacityCellEvent {
  readonly type: 'capacity.cell';
  readonly runId: string;
  readonly index: number;
  readonly cell: CapacityCell;
}

export interface CapacitySummary {
  readonly kind: 'capacity';
  readonly cells: number;
  readonly crossings: Crossing[];
  readonly ms: number;
}

// ---- curves ------------------------------------------------------------------------------

/** The x of the curves: the load α (one curve per N, β and corruption), or β (one per N, P and corruption). */
export type CapacityAxis = 'alpha' | 'beta';

export function capacityAxis(cells: readonly CapacityCellKey[]): CapacityAxis {
  const loads = new Set(cells.map((c) => c.alpha));
  const betas = new Set(cells.map((c) => c.beta));
  return loads.size <= 1 && betas.size > 1 ? 'beta' : 'alpha';
}

export interface CapacityCurve<C extends CapacityCellKey = CapacityCellKey> {
  /** e.g. "N = 200, flip 5%" or "N = 64, P = 20, β = 8, flip 20%". */
  readonly label: string;
  readonly n: number;
  readonly corruption: Corruption;
  readonly beta: number | null;
  /** Set when the curve runs along β. */
  readonly patterns: number | null;
  readonly x: number[];
  readonly cells: C[];
}

export function corruptionText(c: Corruption): string {
  if (c.kind === 'noise') return `noise σ ${c.level}`;
  return `${c.kind} ${Number((c.level * 100).toPrecision(3))}%`;
}

/** The cells grouped into curves along `axis`, each sorted by x, in the order their first cell appears. */
export function capacityCurves<C extends CapacityCellKey>(cells: readonly C[], axis: CapacityAxis): CapacityCurve<C>[] {
  const curves = new Map<string, { key: Omit<CapacityCurve<C>, 'x' | 'cells'>; cells: C[] }>();
  for (const cell of cells) {
    const parts = [`N = ${cell.n}`];
    if (axis === 'beta') parts.push(`P = ${cell.patterns}`);
    if (axis === 'alpha' && cell.beta !== null) parts.push(`β = ${cell.beta}`);
    parts.push(corruptionText(cell.corruption));
    const label = parts.join(', ');
    const entry = curves.get(label) ?? { key: { label, n: cell.n, corruption: cell.corruption, beta: axis === 'alpha' ? cell.beta : null, patterns: axis === 'beta' ? cell.patterns : null }, cells: [] };
    entry.cells.push(cell);
    curves.set(label, entry);
  }
  const xOf = (c: CapacityCellKey) => (axis === 'alpha' ? c.alpha : (c.beta ?? 0));
  return [...curves.values()].map(({ key, cells: list }) => {
    const sorted = [...list].sort((a, b) => xOf(a) - xOf(b));
    return { ...key, x: sorted.map(xOf), cells: sorted };
  });
}

export interface Crossing {
  readonly curve: string;
  readonly axis: CapacityAxis;
  /** Where the retrieved fraction passes ½ (linear between grid points; in log β along β), or null when it does not. */
  readonly at: number | null;
  /** The grid points it lies between. */
  readonly between: [number, number] | null;
  /** Along α the fraction falls through ½; along β it rises. */
  readonly direction: 'falls' | 'rises';
}

/** Where each curve's retrieved fraction first crosses ½: falling along α, rising along β. */
export function retrievalCrossings(cells: readonly CapacityCell[], axis: CapacityAxis): Crossing[] {
  return capacityCurves(cells, axis).map((curve) => {
    const direction = axis === 'alpha' ? 'falls' : 'rises';
    const y = curve.cells.map((c) => c.retrieved.mean);
    const at = halfCrossing(curve.x, y, direction, axis === 'beta');
    return { curve: curve.label, axis, direction, ...at };
  });
}

/** The first x where y passes ½ in `direction`, interpolated linearly (in log x when `logX`). */
export function halfCrossing(x: readonly number[], y: readonly number[], direction: 'falls' | 'rises', logX = false): { at: number | null; between: [number, number] | null } {
  const t = (v: number) => (logX ? Math.log(v) : v);
  for (let i = 1; i < x.length; i++) {
    const [a, b] = [y[i - 1] - 0.5, y[i] - 0.5];
    const passes = direction === 'falls' ? a >= 0 && b < 0 : a < 0 && b >= 0;
    if (!passes) continue;
    const f = a / (a - b);
    const v = t(x[i - 1]) + f * (t(x[i]) - t(x[i - 1]));
    return { at: logX ? Math.exp(v) : v, between: [x[i - 1], x[i]] };
  }
  return { at: null, between: null };
}
