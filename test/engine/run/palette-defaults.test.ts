/**
 * A coupling added from the palette makes a net that settles (issue 15, item 2): each
 * example graph with its couplings' parameters replaced by the catalog's defaults settles
 * held-out MNIST digits within the training's default T. The old default (gain 1) does
 * not, and then the warning the dashboards and the CLI show applies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COUPLING_KINDS, defaultParams, isCouplingKind } from '../../../nodes/catalog.js';
import { trainingConfigSchema } from '../../../nodes/config.js';
import { openRun } from '../../../engine/run/open.js';
import { settleRun } from '../../../engine/run/settle-run.js';
import { mostlyUnsettled, unsettledAdvice } from '../../../engine/protocol/settling-advice.js';
import { NO_FRAMES, runContext, wasmBackend } from './context.js';

const root = join(__dirname, '..', '..', '..');
const backend = wasmBackend();
/** The T a training gets unless the graph says otherwise. */
const T = trainingConfigSchema.parse({}).steps;

interface GraphJson {
  readonly nodes: readonly { readonly kind: string; readonly params?: unknown }[];
}

/** An example file as JSON, with every coupling's params as `params(kind)` gives them. */
function withCouplings(example: string, params: (kind: string) => Record<string, unknown>): GraphJson {
  const graph = JSON.parse(readFileSync(join(root, 'examples', `${example}.attractor.json`), 'utf8')) as GraphJson;
  return { ...graph, nodes: graph.nodes.map((n) => (isCouplingKind(n.kind) ? { ...n, params: params(n.kind) } : n)) };
}

/** t* of 16 held-out digits settled for at most T iterations (null: not settled). */
async function tStars(graph: GraphJson): Promise<(number | null)[]> {
  const opened = await openRun({ document: graph, path: null, fallbackDir: root }, { steps: T });
  const { ctx } = runContext('s', 'settle', backend());
  return (await settleRun(opened, { examples: { count: 16 }, record: NO_FRAMES }, ctx)).tStar;
}

describe('palette defaults', () => {
  it('the coupling kinds of the MNIST examples default to gains that settle', () => {
    const gains = Object.fromEntries(COUPLING_KINDS.filter((k) => k.startsWith('dense') || k.startsWith('conv')).map((k) => [k, (defaultParams(k).init as { gain: number }).gain]));
    expect(gains).toEqual({ dense: 0.3, 'dense-within': 0.3, conv: 0.3, 'conv-within': 0.2 });
  });

  for (const example of ['mnist-completion', 'conv-completion', 'conv-within', 'stack-3']) {
    it(`${example} with its couplings as the palette adds them settles every digit within T = ${T}`, async () => {
      const t = await tStars(withCouplings(example, (kind) => defaultParams(kind as never)));
      expect(t.filter((x) => x !== null && x <= T)).toHaveLength(16);
    });
  }

  it('at gain 1 (the old default) the conv net does not settle within T, and the warning says what to change', async () => {
    const t = await tStars(withCouplings('conv-completion', (kind) => ({ ...defaultParams(kind as never), init: { gain: 1 } })));
    const unsettled = t.filter((x) => x === null).length;
    expect(mostlyUnsettled({ unsettled, examples: 16 })).toBe(true);
    const advice = unsettledAdvice({ unsettled, examples: 16, steps: T, theta: 1e-3 }, { steps: '--steps', gain: 'init.gain', theta: '--theta' });
    expect(advice).toBe(
      `${unsettled} of 16 examples did not settle within T = ${T} iterations (θ = 0.001): raise T (--steps), lower the couplings' initial gain (init.gain; weaker weights settle sooner), or raise θ (--theta)`,
    );
  });
});
