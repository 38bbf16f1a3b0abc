/**
 * Evaluation on held-out examples: settle each batch (no tape), then the loss per example,
 * accuracy where a target scores labels (argmax of the layer against the label), and the
 * settling statistics (t*, examples that did not settle, 2-cycles).
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import type { BoundNet, Network } from '../runtime/network.js';
import { buildBatch, disposeBatch } from '../runtime/batch.js';
import { disposeState, settle } from '../runtime/settle.js';
import { exampleLosses } from './loss.js';
import { readValues } from '../runtime/readback.js';
import { classOf, partIndices } from '../runtime/prepare.js';
import { spreadSample } from '../data/sample.js';
import { meanMetrics, metricColumns, metricLayout, targetMetrics, type ExampleMetrics, type TargetMetrics } from './example-metrics.js';

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
  /** With `perExample`: each example's loss, t*, 2-cycle and metrics per target, and those metrics' means. */
  readonly perExample?: ExampleMetrics[];
  readonly metrics?: TargetMetrics[];
}

export interface EvalOptions {
  readonly batch: number;
  readonly steps: number;
  readonly theta: number;
  readonly seed: number;
  /** At most this many held-out examples (all when absent). */
  readonly limit?: number;
  /** Keep every example's metrics (example-metrics.ts), not only the totals. */
  readonly perExample?: boolean;
}

export function heldOutIndices(datasets: ReadonlyMap<string, Dataset>): number[] {
  return partIndices(datasets, 'test');
}

/**
 * The held-out examples an evaluation scores: all of them, or at most `limit` spread over
 * the classes (seeded), never the first `limit` of a part stored class by class.
 */
export function heldOutSample(datasets: ReadonlyMap<string, Dataset>, limit: number | undefined, seed: number): number[] {
  const all = heldOutIndices(datasets);
  if (limit === undefined || limit >= all.length) return all;
  return spreadSample(all, classOf(datasets), limit, seed);
}

/** Running totals of an evaluation, chunk by chunk. */
export interface EvalTally {
  lossSum: number;
  correct: number;
  scored: number;
  readonly tStars: number[];
  unsettled: number;
  cycle2: number;
  /** Present when every example's metrics are kept. */
  readonly examples?: ExampleMetrics[];
}

export function emptyTally(perExample = false): EvalTally {
  return { lossSum: 0, correct: 0, scored: 0, tStars: [], unsettled: 0, cycle2: 0, ...(perExample ? { examples: [] } : {}) };
}

/** Settles one chunk of examples (no tape) and adds its losses, label hits and settling statistics to `tally`: one read. */
export async function scoreChunk(
  plan: Plan,
  bound: BoundNet,
  datasets: ReadonlyMap<string, Dataset>,
  ids: readonly number[],
  opts: { readonly steps: number; readonly theta: number; readonly seed: number },
  batchSeed: number,
  tally: EvalTally,
): Promise<void> {
  const batch = buildBatch(plan, datasets, [...ids], batchSeed);
  try {
    const r = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps }, { steps: opts.steps, theta: opts.theta, seed: opts.seed, energy: 'none' });
    const labelled = plan.targets.filter((x) => x.data.port === 'labels');
    const values = await readValues(
      tf.tidy(() => {
        const hits = labelled.map((t) => {
          const guess = tf.argMax(tf.reshape(r.state.get(t.layer)!, [ids.length, -1]), 1);
          const truth = tf.argMax(tf.reshape(batch.targets.find((b) => b.target === t.id)!.values, [ids.length, -1]), 1);
          return tf.reshape(tf.sum(tf.cast(tf.equal(guess, truth), 'float32')), [1]);
        });
        const metrics = tally.examples ? [metricColumns(plan, batch.targets, r.state)] : [];
        return tf.concat([exampleLosses(plan, batch.targets, r.state), ...hits, ...metrics]);
      }),
      true,
    );
    disposeState(r.state);
    values.subarray(0, ids.length).forEach((l) => (tally.lossSum += l));
    if (tally.examples) {
      const layout = metricLayout(plan);
      const metrics = values.subarray(ids.length + labelled.length);
      ids.forEach((example, b) =>
        tally.examples!.push({ example, loss: plan.targets.length > 0 ? values[b] : null, tStar: r.tStar[b] >= 0 ? r.tStar[b] : null, cycle2: r.cycle2[b], targets: targetMetrics(layout, metrics, ids.length, b) }),
      );
    }
    values.subarray(ids.length, ids.length + labelled.length).forEach((h) => {
      tally.correct += h;
      tally.scored += ids.length;
    });
    r.tStar.forEach((t) => (t >= 0 ? tally.tStars.push(t) : tally.unsettled++));
    tally.cycle2 += r.cycle2.filter(Boolean).length;
  } finally {
    disposeBatch(batch);
  }
}

/** The report of a tally: the numbers `attractor eval` and the dashboards give. */
export function evalReport(plan: Plan, tally: EvalTally, started: number): EvalReport {
  const n = tally.tStars.length + tally.unsettled;
  return {
    examples: n,
    loss: n > 0 && plan.targets.length > 0 ? tally.lossSum / n : null,
    accuracy: tally.scored > 0 ? tally.correct / tally.scored : null,
    meanTStar: tally.tStars.length > 0 ? tally.tStars.reduce((a, b) => a + b, 0) / tally.tStars.length : null,
    maxTStar: tally.tStars.length > 0 ? Math.max(...tally.tStars) : null,
    unsettled: tally.unsettled,
    cycle2: tally.cycle2,
    ms: performance.now() - started,
    ...(tally.examples ? { perExample: tally.examples, metrics: meanMetrics(metricLayout(plan), tally.examples) } : {}),
  };
}

export async function evaluate(plan: Plan, network: Network, datasets: ReadonlyMap<string, Dataset>, opts: EvalOptions): Promise<EvalReport> {
  const started = performance.now();
  const indices = heldOutSample(datasets, opts.limit, opts.seed);
  const bound = network.bind();
  const tally = emptyTally(opts.perExample);
  try {
    for (let at = 0; at < indices.length; at += opts.batch) {
      await scoreChunk(plan, bound, datasets, indices.slice(at, at + opts.batch), opts, opts.seed + at, tally);
    }
  } finally {
    bound.dispose();
  }
  return evalReport(plan, tally, started);
}
