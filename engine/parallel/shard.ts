/**
 * One shard of a training batch: its examples' gradient, and the weight it carries when
 * shards are combined. The batch loss is Σ err / Σ scored units over the whole batch,
 * so shard k's gradient enters as weight_k / Σ weights with weight_k = its scored units.
 */
import { tf } from '../tf.js';
import { readValues } from '../runtime/readback.js';
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

export async function computeShard(
  plan: Plan,
  network: Network,
  datasets: ReadonlyMap<string, Dataset>,
  config: TrainingConfig,
  theta: number,
  step: number,
  shard: number,
  indices: readonly number[],
): Promise<ShardResult> {
  const batch = buildBatch(plan, datasets, indices, shardSeed(config, step, shard));
  try {
    const r = await gradientsFor(config.method)(network, batch, { steps: config.steps, theta, seed: config.seed + step, adjoint: config.adjoint, stopAtTStar: config.stopAtTStar, eqprop: config.eqprop });
    // One read: the shard's weight (its scored units) and every gradient, flattened end to end.
    const names = [...r.grads.keys()];
    const values = await readValues(
      tf.tidy(() => tf.concat([tf.reshape(batch.targets.length > 0 ? tf.addN(batch.targets.map((t) => tf.sum(t.mask))) : tf.scalar(indices.length), [1]), ...names.map((n) => tf.reshape(r.grads.get(n)!, [-1]))])),
      true,
    );
    r.grads.forEach((g) => g.dispose());
    const weight = values[0];
    const grads: Record<string, Float32Array> = {};
    let at = 1;
    for (const name of names) {
      const size = network.params.get(name)!.size;
      grads[name] = values.slice(at, (at += size));
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
