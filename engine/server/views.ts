/**
 * Tensors → protocol data for the dashboards: layer frames, attention matrices and weight
 * views. Every array handed out is a fresh copy the event owns (a transport may transfer
 * and detach its buffer; a tensor's own storage must never go that way), and every
 * intermediate tensor is freed here.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import type { BoundNet, State } from '../runtime/network.js';
import type { LayerFrame, OscillatingUnits, SettleAttention } from '../protocol/run.js';

// The weights panel's views live with the couplings they draw.
export { MAX_WEIGHT_VALUES, blockMean, weightViews } from '../runtime/weight-views.js';

/** Oscillating unit indices listed per layer and example. */
export const MAX_OSCILLATING_UNITS = 4096;

/** The first `n` examples of a state tensor, as an owned copy. */
export function firstExamples(x: tf.Tensor, n: number): Float32Array {
  const take = Math.min(n, x.shape[0]);
  const part = take === x.shape[0] ? x : tf.slice(x, 0, take);
  const data = (part.dataSync() as Float32Array).slice();
  if (part !== x) part.dispose();
  return data;
}

/** Example `b` of a state tensor, as an owned copy. */
export function exampleOf(x: tf.Tensor, b: number): Float32Array {
  const part = tf.slice(x, b, 1);
  const data = (part.dataSync() as Float32Array).slice();
  part.dispose();
  return data;
}

export function layerFrames(plan: Plan, state: State, examples: number): LayerFrame[] {
  return plan.layers.map((l) => {
    const x = state.get(l.id)!;
    return { layerId: l.id, dims: [...l.dims], examples: Math.min(examples, x.shape[0]), data: firstExamples(x, examples) };
  });
}

/** Every attention block's weights at `state`, as [examples, heads, tokens, keys]. */
export function attentionEvents(net: BoundNet, state: State, examples: number, runId: string, iter: number): SettleAttention[] {
  const out: SettleAttention[] = [];
  for (const [id, c] of net.couplings) {
    if (!c.attention) continue;
    const a = tf.tidy(() => c.attention!(state));
    const [b, ...rest] = a.shape;
    // A memory has one head: [B, T, P] is [B, 1, T, P].
    const [heads, tokens, keys] = rest.length === 2 ? [1, rest[0], rest[1]] : rest;
    const weights = firstExamples(a, examples);
    a.dispose();
    const kind = c.spec.kind as SettleAttention['kind'];
    out.push({ type: 'settle.attention', runId, iter, block: id, kind, examples: Math.min(examples, b), heads, tokens, keys, weights });
  }
  return out;
}

/** Per example in a 2-cycle, the units of each layer that still move (|x_i − x_{i−1}| ≥ θ). */
export function oscillatingUnits(plan: Plan, state: State, previous: State, cycling: readonly boolean[], theta: number): OscillatingUnits[][] {
  return cycling.map((c, b) => {
    if (!c) return [];
    return plan.layers.flatMap((l) => {
      const now = exampleOf(state.get(l.id)!, b);
      const before = exampleOf(previous.get(l.id)!, b);
      const units: number[] = [];
      let moving = 0;
      for (let u = 0; u < now.length; u++) {
        if (Math.abs(now[u] - before[u]) < theta) continue;
        moving++;
        if (units.length < MAX_OSCILLATING_UNITS) units.push(u);
      }
      return moving > 0 ? [{ layerId: l.id, units, truncated: moving > units.length }] : [];
    });
  });
}
