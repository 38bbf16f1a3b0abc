/**
 * The benchmark's statistics. Timings on a shared machine are noisy and skewed (a
 * neighbour's burst makes one batch slow, never one fast), so every number is a median
 * with its spread, never a mean: the interquartile range (q1–q3, the middle half of the
 * samples) and the full range (min–max).
 *
 * Speed is compared round by round: in each round every side ran its batches within
 * seconds of the others, so the ratio of two sides' medians in that round sees one
 * machine load. The median of those per-round ratios, with their spread, is the
 * comparison; a ratio of two overall medians would mix rounds taken under different loads.
 */

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/**
 * The q-quantile by linear interpolation between order statistics (R's type 7, numpy's
 * default): position q·(n − 1) of the sorted values. NaN for no values.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const at = q * (s.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo] + (s[hi] - s[lo]) * (at - lo);
}

export interface Spread {
  /** Samples summarised. */
  readonly n: number;
  readonly median: number;
  /** First and third quartile: the middle half of the samples lies between them. */
  readonly q1: number;
  readonly q3: number;
  readonly min: number;
  readonly max: number;
}

/** Median, quartiles and range of the finite values (NaN everywhere when there are none). */
export function spread(values: readonly number[]): Spread {
  const v = values.filter(Number.isFinite);
  return {
    n: v.length,
    median: median(v),
    q1: quantile(v, 0.25),
    q3: quantile(v, 0.75),
    min: v.length > 0 ? Math.min(...v) : NaN,
    max: v.length > 0 ? Math.max(...v) : NaN,
  };
}

/**
 * Per-round ratios numerator/denominator of two sides' per-round values (e.g. ms per batch:
 * the reference's over ours is our speed-up). A round where either side has no finite
 * positive value gives no ratio.
 */
export function roundRatios(numerator: readonly number[], denominator: readonly number[]): number[] {
  const out: number[] = [];
  for (let r = 0; r < Math.min(numerator.length, denominator.length); r++) {
    const a = numerator[r];
    const b = denominator[r];
    if (Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0) out.push(a / b);
  }
  return out;
}

