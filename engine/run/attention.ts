/**
 * The one route by which attention weights leave the engine: every attention block of a
 * bound net, read at a state through its coupling's own `attention(state)`. The UI gets
 * them as settle.attention events; `attractor settle --record attention` collects the same
 * events and gives each block's weights back in the shape the coupling produced.
 */
import { tf } from '../tf.js';
import type { BoundNet, State } from '../runtime/network.js';
import type { SettleAttention } from '../protocol/run.js';
import { firstExamples } from './frames.js';
import type { PatchGeometry } from '../compile/plan-parts.js';

/** Every attention block's weights at `state`, for the first `examples` examples, as [examples, heads, tokens, keys]. */
export async function attentionEvents(net: BoundNet, state: State, examples: number, runId: string, iter: number): Promise<SettleAttention[]> {
  const out: SettleAttention[] = [];
  for (const [id, c] of net.couplings) {
    if (!c.attention) continue;
    const a = tf.tidy(() => c.attention!(state));
    const [b, ...rest] = a.shape;
    // A memory's weights are [B, T, P]: one head, [B, 1, T, P].
    const [heads, tokens, keys] = rest.length === 2 ? [1, rest[0], rest[1]] : rest;
    const weights = await firstExamples(a, examples);
    a.dispose();
    const kind = c.spec.kind as SettleAttention['kind'];
    const grid = patchGrid(c.spec);
    out.push({ type: 'settle.attention', runId, iter, block: id, kind, examples: Math.min(examples, b), heads, tokens, keys, weights, ...(grid ? { grid } : {}) });
  }
  return out;
}

/** Query tokens that are an image's p×p patches (a patches node between): their rows × cols. */
function patchGrid(spec: object): { rows: number; cols: number } | undefined {
  const view = (spec as { view?: Partial<PatchGeometry> }).view;
  if (!view?.patch || !view.height || !view.width) return undefined;
  return { rows: Math.floor(view.height / view.patch), cols: Math.floor(view.width / view.patch) };
}

/** The shape the block's coupling gave its weights: a memory's are [examples, tokens, patterns], attention's [examples, heads, tokens, keys]. */
export function attentionShape(ev: SettleAttention): number[] {
  return ev.kind === 'hopfield-memory' ? [ev.examples, ev.tokens, ev.keys] : [ev.examples, ev.heads, ev.tokens, ev.keys];
}
