/**
 * Live validation: after each change (debounced) the engine checks the graph
 * and the result replaces the shown problems and plan. Only the newest request
 * may land: a slow answer to an older graph would otherwise overwrite a newer
 * verdict and show problems the user has already fixed.
 */
import type { GraphDoc } from '../../../../../nodes/graph.js';
import type { CheckResult } from '../../../../../engine/protocol/check.js';

export interface LiveCheckOptions {
  readonly check: (graph: GraphDoc) => Promise<CheckResult>;
  readonly onResult: (result: CheckResult) => void;
  readonly onPending: (pending: boolean) => void;
  readonly onError: (message: string) => void;
  readonly delayMs?: number;
}

export function createLiveCheck(options: LiveCheckOptions) {
  const delay = options.delayMs ?? 150;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;

  async function run(graph: GraphDoc, seq: number) {
    try {
      const result = await options.check(graph);
      if (seq !== latest) return;
      options.onResult(result);
    } catch (err) {
      if (seq !== latest) return;
      options.onError(err instanceof Error ? err.message : String(err));
    } finally {
      if (seq === latest) options.onPending(false);
    }
  }

  return {
    /** `read` is called when the timer fires, so a burst of edits reads the canvas once. */
    schedule(read: () => GraphDoc) {
      if (timer !== undefined) clearTimeout(timer);
      options.onPending(true);
      timer = setTimeout(() => {
        timer = undefined;
        latest += 1;
        void run(read(), latest);
      }, delay);
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      latest += 1;
    },
  };
}
