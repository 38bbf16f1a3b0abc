/**
 * A drawn example (settle.start `input`, the Settle view's paint canvas) checked against
 * the plan: the layer exists, is visible and fed by a clamp, and the values are one per
 * unit, finite and within [0, 1]. Anything else is a RunInputError that names the layer and
 * the size it expects. buildBatch maps the values as it maps the dataset's images.
 */
import type { LayerSpec, Plan } from '../compile/plan.js';
import type { DrawnInput } from '../protocol/run.js';
import { RunInputError } from './input-error.js';

export function drawnInput(plan: Plan, input: DrawnInput): Map<string, Float32Array> {
  const layer = plan.layers.find((l) => l.id === input.layer);
  const clamped = plan.clamps.filter((c) => c.layer === input.layer);
  const visible = plan.layers.filter((l) => l.role === 'visible' && plan.clamps.some((c) => c.layer === l.id)).map((l) => `"${l.id}"`);
  const choices = visible.length > 0 ? ` (clamped visible layers: ${visible.join(', ')})` : ' (the graph has no clamped visible layer)';
  if (!layer) throw new RunInputError(`input.layer: no layer "${input.layer}" in the graph${choices}`);
  if (layer.role !== 'visible') throw new RunInputError(`input.layer: layer "${layer.id}" is a hidden layer; a drawn input goes into a clamped visible layer${choices}`);
  if (clamped.length === 0) throw new RunInputError(`input.layer: no clamp feeds layer "${layer.id}"; a drawn input goes into a clamped visible layer${choices}`);
  const data = input.data;
  if (data.length !== layer.units) {
    throw new RunInputError(`input.data: layer "${layer.id}" (${shapeText(layer)}) expects ${layer.units} values, got ${data.length}`);
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v) || v < 0 || v > 1) {
      throw new RunInputError(`input.data[${i}]: layer "${layer.id}" expects ${layer.units} pixel intensities in [0, 1], got ${v}`);
    }
  }
  return new Map([[layer.id, Float32Array.from(data)]]);
}

function shapeText(layer: LayerSpec): string {
  return layer.dims.join('×');
}
