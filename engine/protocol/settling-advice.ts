/**
 * What to say when most examples do not settle within the iterations they are given: the
 * numbers, and the three things that change it (more iterations, weaker initial weights, a
 * looser θ), in the words of whoever shows it (the CLI's flags, the app's controls). One
 * home for the rule, so the CLI's summary and the dashboards agree. Plain text, no tensors.
 */

export interface SettlingCounts {
  /** Examples that did not settle. */
  readonly unsettled: number;
  /** Examples settled in all. */
  readonly examples: number;
  /** The iterations each had (T). */
  readonly steps: number;
  readonly theta: number;
}

/** Where the caller's user changes each knob, e.g. "--steps" or "T in Train's settings". */
export interface AdviceWords {
  readonly steps: string;
  readonly gain: string;
  readonly theta: string;
}

/** More than this share unsettled is "most": training then learns from states that are still moving. */
export const MOST_UNSETTLED = 0.5;

export function mostlyUnsettled(c: Pick<SettlingCounts, 'unsettled' | 'examples'>): boolean {
  return c.examples > 0 && c.unsettled > MOST_UNSETTLED * c.examples;
}

/** The warning and what to change, or null when most examples settled. */
export function unsettledAdvice(c: SettlingCounts, words: AdviceWords): string | null {
  if (!mostlyUnsettled(c)) return null;
  return (
    `${c.unsettled} of ${c.examples} examples did not settle within T = ${c.steps} iterations (θ = ${c.theta}): ` +
    `raise T (${words.steps}), lower the couplings' initial gain (${words.gain}; weaker weights settle sooner), or raise θ (${words.theta})`
  );
}
