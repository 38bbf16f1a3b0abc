/**
 * State tensors → protocol data: layer frames, single examples, the units that still move
 * in a 2-cycle. Every array handed out is a fresh copy the event owns (a transport may
 * transfer and detach its buffer; a tensor's own storage must never go that way), and
 * every intermediate tensor is freed here.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import type { State } from '../runtime/network.js';
import type { LayerFrame, OscillatingUnits } from '../protocol/run.js';

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
