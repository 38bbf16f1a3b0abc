/**
 * One shard of a training batch: its examples' gradient, and the weight it carries when
 * shards are combined. The batch loss is Σ err / Σ scored units over the whole batch,
 * so shard k's gradient enters as weight_k / Σ weights with weight_k = its scored units.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import type { Network } from '../runtime/network.js';
import { buildBatch, disposeBatch } from '../runtime/batch.js';
import type { TrainingConfig } from '../../nodes/config.js';
import { gradientsFor } from '../train/methods.js';
import type { ShardResult } from './messages.js';

/** The seed a shard's masks and noise come from: a pure function of (seed, step, shard). */
export function shardSeed(config: TrainingConfig, step: number, shard: number): number {
  return config.seed * 7919 + step * 64 + shard;
}

export function computeShard(
  plan: Plan,
  network: Network,
  datasets: ReadonlyMap<string, Dataset>,
  config: TrainingConfig,
  theta: number,
  step: number,
  shard: number,
  indices: readonly number[],
): ShardResult {
  const batch = buildBatch(plan, datasets, indices, shardSeed(config, step, shard));
  try {
    const weightT = tf.tidy(() => tf.addN(batch.targets.map((t) => tf.sum(t.mask))));
    const weight = batch.targets.length > 0 ? weightT.dataSync()[0] : indices.length;
    weightT.dispose();
    const r = gradientsFor(config.method)(network, batch, { steps: config.steps, theta, seed: config.seed + step, adjoint: config.adjoint, stopAtTStar: config.stopAtTStar });
    const grads: Record<string, Float32Array> = {};
    for (const [name, g] of r.grads) {
      grads[name] = g.dataSync() as Float32Array;
      g.dispose();
    }
    return { loss: r.loss, weight, grads, tStar: r.tStar, cycle2: r.cycle2, tossed: r.tossed, iterations: r.iterations, adjointSteps: r.adjointSteps };
  } finally {
    disposeBatch(batch);
  }
}

/** Weighted sum of shard gradients, the loss and the settling statistics. */
export function combineShards(shards: readonly ShardResult[]): ShardResult {
  const total = shards.reduce((s, r) => s + r.weight, 0) || 1;
  const grads: Record<string, Float32Array> = {};
  for (const name of Object.keys(shards[0].grads)) {
    const out = new Float32Array(shards[0].grads[name].length);
    for (const r of shards) {
      const w = r.weight / total;
      const g = r.grads[name];
      for (let i = 0; i < out.length; i++) out[i] += w * g[i];
    }
    grads[name] = out;
  }
  return {
    loss: shards.reduce((s, r) => s + (r.weight / total) * r.loss, 0),
    weight: total,
    grads,
    tStar: shards.flatMap((r) => r.tStar),
    cycle2: shards.reduce((s, r) => s + r.cycle2, 0),
    tossed: shards.reduce((s, r) => s + r.tossed, 0),
    iterations: Math.max(...shards.map((r) => r.iterations)),
    adjointSteps: Math.max(...shards.map((r) => r.adjointSteps)),
  };
}
