/**
 * Axis ticks the run charts share: counts (iterations, batches) tick on whole numbers
 * only, and a log axis labels powers of ten and never shows a "0" (a log scale has none).
 */

/** Tick spacings for an axis of counts: no 0.5 between iteration 3 and 4. */
export const INTEGER_INCREMENTS: readonly number[] = Array.from({ length: 8 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

/** Labels of a log axis's ticks: positive values in short form, anything else blank. */
export function logTickLabels(splits: readonly number[]): string[] {
  return splits.map((v) => (v > 0 && Number.isFinite(v) ? shortNumber(v) : ''));
}

/** Labels of a count axis's ticks: whole numbers only. */
export function integerTickLabels(splits: readonly number[]): string[] {
  return splits.map((v) => (Number.isInteger(v) ? String(v) : ''));
}

function shortNumber(v: number): string {
  if (v >= 1e-3 && v < 1e4) return String(Number(v.toPrecision(3)));
  const e = Math.floor(Math.log10(v));
  const m = Number((v / 10 ** e).toPrecision(2));
  return m === 1 ? `1e${e}` : `${m}e${e}`;
}
