/**
 * Round scheduling of the interleaved benchmark. In every round each side takes one turn
 * (a few training batches, then a few settles) while the others wait, so the sides of one
 * round see the same machine within seconds of each other. The orders form a Williams
 * design (a balanced Latin square, as in crossover trials, where the same worry about
 * carry-over from the previous treatment arises): every side takes every position equally
 * often, and follows every other side equally often — no side always runs first (after the
 * coordinator's idle moment) or always right after the same neighbour (whose threads may
 * still be winding down, whose memory traffic has just flushed the caches).
 */

/**
 * The sides in the order they take their turns in round `round` (0-based): row `round` of
 * a Williams square. Its first row is 0, 1, n−1, 2, n−2, …; row r adds r (mod n). For an
 * even n, n rounds balance positions and predecessors; for an odd n it takes 2n, the
 * second n rounds mirrored.
 */
export function turnOrder<T>(sides: readonly T[], round: number): T[] {
  const n = sides.length;
  if (n === 0) return [];
  const r = ((round % (2 * n)) + 2 * n) % (2 * n);
  const first = Array.from({ length: n }, (_, i) => (i % 2 === 1 ? (i + 1) / 2 : (n - i / 2) % n));
  const row = first.map((k) => sides[(k + r) % n]);
  return n % 2 === 1 && r >= n ? row.reverse() : row;
}

export interface RoundBudget {
  /** Rounds run whatever the clock says (ratios need a few rounds to have a median). */
  readonly minRounds: number;
  readonly maxRounds: number;
  /** Wall-clock budget of all rounds together (ms). */
  readonly budgetMs: number;
}

/**
 * Whether to start another round, after `done` rounds in `elapsedMs`: always below the
 * minimum, never past the maximum, and otherwise only if a round as long as the slowest so
 * far still ends within the budget. Rounds are whole, so every side has trained the same
 * number of batches when the rounds stop.
 */
export function startAnotherRound(budget: RoundBudget, done: number, elapsedMs: number, slowestRoundMs: number): boolean {
  if (done < budget.minRounds) return true;
  if (done >= budget.maxRounds) return false;
  return elapsedMs + slowestRoundMs <= budget.budgetMs;
}
