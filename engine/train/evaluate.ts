/**
 * Evaluation on held-out examples: settle each batch (no tape), then the loss per example,
 * accuracy where a target scores labels (argmax of the layer against the label), and the
 * settling statistics (t*, examples that did not settle, 2-cycles).
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import type { Network } from '../runtime/network.js';
import { buildBatch, disposeBatch } from '../runtime/batch.js';
import { disposeState, settle } from '../runtime/settle.js';
import { exampleLosses } from './loss.js';
import { partIndices } from '../runtime/prepare.js';

export interface EvalReport {
  readonly examples: number;
  /** Mean per-example loss over the targets; null when the graph has none. */
  readonly loss: number | null;
  readonly accuracy: number | null;
  readonly meanTStar: number | null;
  readonly maxTStar: number | null;
  readonly unsettled: number;
  readonly cycle2: number;
  readonly ms: number;
}

export interface EvalOptions {
  readonly batch: number;
  readonly steps: number;
  readonly theta: number;
  readonly seed: number;
  /** At most this many held-out examples (all when absent). */
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

export function heldOutIndices(datasets: ReadonlyMap<string, Dataset>): number[] {
  return partIndices(datasets, 'test');
}

export function evaluate(plan: Plan, network: Network, datasets: ReadonlyMap<string, Dataset>, opts: EvalOptions): EvalReport {
  const started = performance.now();
  const all = heldOutIndices(datasets);
  const indices = opts.limit !== undefined ? all.slice(0, opts.limit) : all;
  const labelTargets = plan.targets.filter((t) => t.data.port === 'labels');
  const bound = network.bind();
  let lossSum = 0;
  let correct = 0;
  let scored = 0;
  const tStars: number[] = [];
  let unsettled = 0;
  let cycle2 = 0;
  try {
    for (let at = 0; at < indices.length; at += opts.batch) {
      if (opts.signal?.aborted) break;
      const ids = indices.slice(at, at + opts.batch);
      const batch = buildBatch(plan, datasets, ids, opts.seed + at);
      const r = settle({ net: bound, initial: batch.initial, clamps: batch.clamps }, { steps: opts.steps, theta: opts.theta, seed: opts.seed, energy: 'none' });
      exampleLosses(plan, batch.targets, r.state).forEach((l) => (lossSum += l));
      for (const t of labelTargets) {
        const guess = tf.tidy(() => tf.argMax(tf.reshape(r.state.get(t.layer)!, [ids.length, -1]), 1));
        const truth = tf.tidy(() => tf.argMax(tf.reshape(batch.targets.find((b) => b.target === t.id)!.values, [ids.length, -1]), 1));
        const g = guess.dataSync();
        const y = truth.dataSync();
        g.forEach((v, i) => (correct += v === y[i] ? 1 : 0));
        scored += ids.length;
        guess.dispose();
        truth.dispose();
      }
      r.tStar.forEach((t) => (t >= 0 ? tStars.push(t) : unsettled++));
      cycle2 += r.cycle2.filter(Boolean).length;
      disposeState(r.state);
      disposeBatch(batch);
    }
  } finally {
    bound.dispose();
  }
  const n = tStars.length + unsettled;
  return {
    examples: n,
    loss: n > 0 && plan.targets.length > 0 ? lossSum / n : null,
    accuracy: scored > 0 ? correct / scored : null,
    meanTStar: tStars.length > 0 ? tStars.reduce((a, b) => a + b, 0) / tStars.length : null,
    maxTStar: tStars.length > 0 ? Math.max(...tStars) : null,
    unsettled,
    cycle2,
    ms: performance.now() - started,
  };
}
