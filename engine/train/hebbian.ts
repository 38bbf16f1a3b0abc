/**
 * Hebbian storage, the classic Hopfield prescription: W = (1/N) Σ_μ p_μ p_μᵀ with a zero
 * diagonal, for couplings whose kind can store (dense-within) on sign or tanh layers. No gradient: the patterns
 * are the examples the layer is clamped to (in the layer's ±1 range), all stored at once.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import { layerById } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import type { Network } from '../runtime/network.js';
import { layerValues } from '../runtime/batch.js';
import { COUPLING_ENTRIES, couplingKind } from '../couplings/registry.js';
import * as kit from '../runtime/tensor-kit.js';

export class HebbianError extends Error {}

/** Stores every pattern of `indices`; returns how many patterns went into each coupling. */
export function storeHebbian(plan: Plan, network: Network, datasets: ReadonlyMap<string, Dataset>, indices: readonly number[]): Map<string, number> {
  const stored = new Map<string, number>();
  const other = plan.couplings.find((c) => !couplingKind(c).hebbian);
  if (other) {
    const storable = COUPLING_ENTRIES.filter((e) => e.hebbian).map((e) => e.kind).join(', ');
    throw new HebbianError(`hebbian storage sets ${storable} couplings only; "${other.id}" is ${other.kind} (train it with bptt or recurrent-backprop)`);
  }
  for (const c of plan.couplings) {
    const hebbian = couplingKind(c).hebbian!;
    // A storable coupling acts inside one layer: the patterns are that layer's data.
    const layer = layerById(plan, couplingKind(c).writes(c)[0]);
    const refused = hebbian.refuse(layer);
    if (refused) throw new HebbianError(refused);
    const source = plan.clamps.find((k) => k.layer === layer.id && k.data.port === 'images') ?? plan.targets.find((t) => t.layer === layer.id && t.data.port === 'images');
    if (!source) throw new HebbianError(`layer "${layer.id}" has no clamp or target with data: there are no patterns to store`);
    const patterns = tf.tensor2d(layerValues(plan, datasets, source.data, layer, indices), [indices.length, layer.units]);
    const w = hebbian.store(c, layer, patterns, kit);
    patterns.dispose();
    network.params.get(c.param)!.assign(w);
    w.dispose();
    const b = network.params.get(`${layer.id}.b`);
    if (b) tf.tidy(() => b.assign(tf.zerosLike(b)));
    stored.set(c.id, indices.length);
  }
  return stored;
}
