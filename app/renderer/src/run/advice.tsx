/**
 * The warning shown where the user looks (Settle's and Train's views) when most examples
 * did not settle within T: the rule and the numbers come from the engine's protocol
 * (settling-advice.ts, shared with the CLI); the words name this app's controls.
 */
import { unsettledAdvice, type AdviceWords, type SettlingCounts } from '../../../../engine/protocol/settling-advice.js';

/** Where the app's user changes T, the couplings' gain and θ. */
export const UI_WORDS: AdviceWords = {
  steps: 'settle steps in Graph settings, or T in the paused run’s settings',
  gain: 'init › gain of each coupling in the inspector',
  theta: 'θ in Graph settings',
};

export function UnsettledBanner({ counts }: { counts: SettlingCounts | null }) {
  const advice = counts ? unsettledAdvice(counts, UI_WORDS) : null;
  if (!advice) return null;
  return (
    <div className="run-banner run-banner--warn" role="status" data-testid="unsettled-advice">
      {advice}
    </div>
  );
}
