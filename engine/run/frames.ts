/**
 * State tensors → protocol data: layer frames, single examples, the units that still move
 * in a 2-cycle. Every array handed out is a fresh copy the event owns (a transport may
 * transfer and detach its buffer; a tensor's own storage must never go that way), and
 * every intermediate tensor is freed here.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import type { BoundNet, State } from '../runtime/network.js';
import type { LayerFrame, OscillatingUnits } from '../protocol/run.js';
import { readValues } from '../runtime/readback.js';

/** Oscillating unit indices listed per layer and example. */
export const MAX_OSCILLATING_UNITS = 4096;

/** The first `n` examples of a tensor, as an owned copy. */
export async function firstExamples(x: tf.Tensor, n: number): Promise<Float32Array> {
  const take = Math.min(n, x.shape[0]);
  return take === x.shape[0] ? (await readValues(x)).slice() : readValues(tf.slice(x, 0, take), true);
}

/**
 * Every layer's state for the first `examples` examples, and with `net` each updated
 * layer's net input z = Σ W·x + b in that state (what emergent calls `net`): one read.
 */
export async function layerFrames(plan: Plan, state: State, examples: number, net?: BoundNet): Promise<LayerFrame[]> {
  const take = Math.min(examples, state.values().next().value!.shape[0]);
  const updates = new Map(plan.phases.flatMap((p) => p.updates).map((u) => [u.layer, u]));
  const withNet = net ? plan.layers.filter((l) => updates.has(l.id)) : [];
  const values = await readValues(
    tf.tidy(() => {
      const first = (x: tf.Tensor) => tf.reshape(tf.slice(x, 0, take), [-1]);
      const z = withNet.map((l) => first(tf.broadcastTo(net!.netInput(updates.get(l.id)!, state), state.get(l.id)!.shape)));
      return tf.concat([...plan.layers.map((l) => first(state.get(l.id)!)), ...z]);
    }),
    true,
  );
  let at = 0;
  const frames = plan.layers.map((l): LayerFrame => ({ layerId: l.id, dims: [...l.dims], examples: take, data: values.slice(at, (at += take * l.units)) }));
  return frames.map((f, k) => (withNet.includes(plan.layers[k]) ? { ...f, netInput: values.slice(at, (at += take * plan.layers[k].units)) } : f));
}

/** Per example in a 2-cycle, the units of each layer that still move (|x_i − x_{i−1}| ≥ θ): one read. */
export async function oscillatingUnits(plan: Plan, state: State, previous: State, cycling: readonly boolean[], theta: number): Promise<OscillatingUnits[][]> {
  if (!cycling.some(Boolean)) return cycling.map(() => []);
  const batch = cycling.length;
  const moves = await readValues(tf.tidy(() => tf.concat(plan.layers.map((l) => tf.reshape(tf.abs(tf.sub(state.get(l.id)!, previous.get(l.id)!)), [-1])))), true);
  const offsets: number[] = [];
  plan.layers.reduce((at, l) => (offsets.push(at), at + batch * l.units), 0);
  return cycling.map((c, b) => {
    if (!c) return [];
    return plan.layers.flatMap((l, k) => {
      const from = offsets[k] + b * l.units;
      const units: number[] = [];
      let moving = 0;
      for (let u = 0; u < l.units; u++) {
        if (moves[from + u] < theta) continue;
        moving++;
        if (units.length < MAX_OSCILLATING_UNITS) units.push(u);
      }
      return moving > 0 ? [{ layerId: l.id, units, truncated: moving > units.length }] : [];
    });
  });
}
