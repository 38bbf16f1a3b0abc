/**
 * The numbers beside a weight drawing: a colour scale alone shows no magnitudes, and a
 * parameter of one value (the bias of a 1-unit layer) is a number, not a picture.
 */

export interface WeightStats {
  /** Largest |w|: the colour scale's ends are ±this. */
  readonly maxAbs: number;
  /** Root mean square of the values. */
  readonly rms: number;
  /** The one value of a single-value parameter, else null. */
  readonly single: number | null;
}

export function weightStats(data: ArrayLike<number>): WeightStats {
  let maxAbs = 0;
  let sq = 0;
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    maxAbs = Math.max(maxAbs, Math.abs(v));
    sq += v * v;
    n++;
  }
  return { maxAbs, rms: n > 0 ? Math.sqrt(sq / n) : 0, single: data.length === 1 ? data[0] : null };
}
