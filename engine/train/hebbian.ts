/**
 * Hebbian storage, the classic Hopfield prescription: W = (1/N) Σ_μ p_μ p_μᵀ with a zero
 * diagonal, for dense-within couplings on sign or tanh layers. No gradient: the patterns
 * are the examples the layer is clamped to (in the layer's ±1 range), all stored at once.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import { layerById } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import type { Network } from '../runtime/network.js';
import { layerValues } from '../runtime/batch.js';

export class HebbianError extends Error {}

/** Stores every pattern of `indices`; returns how many patterns went into each coupling. */
export function storeHebbian(plan: Plan, network: Network, datasets: ReadonlyMap<string, Dataset>, indices: readonly number[]): Map<string, number> {
  const stored = new Map<string, number>();
  const others = plan.couplings.filter((c) => c.kind !== 'dense-within');
  if (others.length > 0) {
    throw new HebbianError(`hebbian storage sets dense-within couplings only; "${others[0].id}" is ${others[0].kind} (train it with bptt or recurrent-backprop)`);
  }
  for (const c of plan.couplings) {
    if (c.kind !== 'dense-within') continue;
    const layer = layerById(plan, c.layer);
    if (layer.activation !== 'sign' && layer.activation !== 'tanh') {
      throw new HebbianError(`hebbian storage needs a sign or tanh layer; "${layer.id}" is ${layer.activation}`);
    }
    const source = plan.clamps.find((k) => k.layer === layer.id && k.data.port === 'images') ?? plan.targets.find((t) => t.layer === layer.id && t.data.port === 'images');
    if (!source) throw new HebbianError(`layer "${layer.id}" has no clamp or target with data: there are no patterns to store`);
    const n = layer.units;
    const values = layerValues(plan, datasets, source.data, layer, indices);
    const w = tf.tidy(() => {
      const p = tf.tensor2d(values, [indices.length, n]);
      const outer = tf.div(tf.matMul(p, p, true, false), n);
      return tf.mul(outer, tf.sub(1, tf.eye(n)));
    });
    network.params.get(c.param)!.assign(w);
    w.dispose();
    const b = network.params.get(`${layer.id}.b`);
    if (b) tf.tidy(() => b.assign(tf.zerosLike(b)));
    stored.set(c.id, indices.length);
  }
  return stored;
}
