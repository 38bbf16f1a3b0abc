/**
 * Edited starts (settle.start `start`, the Settle view's unit editor): the state a layer
 * begins from, set unit by unit by the user instead of the data or noise. Checked against
 * the plan (the layer exists, one finite value per unit, within the layer's range), then
 * written into a one-example batch: the start state, and the held values of units a clamp
 * holds, so a flipped clamped unit stays flipped.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import type { Batch } from '../runtime/batch.js';
import { unitRange } from '../runtime/activations.js';
import type { StartState } from '../protocol/run.js';
import { RunInputError } from './input-error.js';

/** The edited starts by layer, checked; a RunInputError names the entry, the layer and what it expects. */
export function startStates(plan: Plan, starts: readonly StartState[]): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  starts.forEach((s, k) => {
    const at = `start[${k}]`;
    const layer = plan.layers.find((l) => l.id === s.layer);
    if (!layer) throw new RunInputError(`${at}.layer: no layer "${s.layer}" in the graph (layers: ${plan.layers.map((l) => `"${l.id}"`).join(', ')})`);
    if (out.has(layer.id)) throw new RunInputError(`${at}.layer: layer "${layer.id}" is given twice`);
    if (s.data.length !== layer.units) throw new RunInputError(`${at}.data: layer "${layer.id}" (${layer.dims.join('×')}) has ${layer.units} units, got ${s.data.length} values`);
    const { lo, hi } = unitRange(layer);
    for (let i = 0; i < s.data.length; i++) {
      const v = s.data[i];
      if (!Number.isFinite(v) || v < lo || v > hi) throw new RunInputError(`${at}.data[${i}]: layer "${layer.id}" (${layer.activation}) takes values in [${lo}, ${hi}], got ${v}`);
    }
    out.set(layer.id, Float32Array.from(s.data));
  });
  return out;
}

/** Writes the starts into a one-example batch (built by buildBatch): its start state and the values its clamps hold. */
export function applyStarts(plan: Plan, batch: Batch, starts: ReadonlyMap<string, Float32Array>): void {
  if (batch.size !== 1) throw new Error(`edited starts go into a one-example batch, not ${batch.size}`);
  for (const [id, data] of starts) {
    const layer = plan.layers.find((l) => l.id === id)!;
    const start = tf.tensor(data, [1, ...layer.dims]);
    batch.initial.get(id)?.dispose();
    batch.initial.set(id, start);
    const clamp = batch.clamps.get(id);
    if (clamp) {
      batch.clamps.set(id, { ...clamp, values: tf.clone(start) });
      clamp.values.dispose();
    }
  }
}
