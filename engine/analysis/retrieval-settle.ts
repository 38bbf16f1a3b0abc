/**
 * Settling the probes of many classic Hopfield nets at once: C nets of one size N (the
 * cells and trials of a sweep) stacked on a leading axis, B probes each, the state
 * x [C, B, N] with z = x·W per net. The plan's schedule decides the dynamics:
 *
 *   parallel (synchronous, and chromatic or sequential on one layer): x ← f(x·W);
 *   unit-wise (asynchronous): one unit at a time in a random order, fresh each sweep
 *     and shared by the batch, exactly as the engine's unit-wise step visits them.
 *
 * The engine's unit-wise step recomputes the whole layer's net input for every unit
 * (N products of B×N·N per sweep): right for small nets, hopeless for a sweep at N = 800.
 * Here a sweep walks the order in blocks of K units: the block's fields come from one
 * product with its K columns of W, each unit's update then corrects the later fields of
 * the block by its change times one row of the K×K block of W, and the block's new values
 * are written back with one product. Same arithmetic as x_i ← f(Σ_j x_j W_ji) with every
 * earlier update seen (test/engine/analysis checks it unit for unit against the engine's
 * step), at the cost of one x·W per sweep for all C·B probes.
 *
 * Convergence is the engine's: ConvergenceTracker on the device, t* the first sweep with
 * ‖x_i − x_{i−1}‖_∞ < θ, 2-cycles flagged, settled probes frozen, values read in batches.
 */
import { tf } from '../tf.js';
import type { LayerSpec } from '../compile/plan.js';
import { makeRng } from '../data/rng.js';
import { activate } from '../runtime/activations.js';
import { ConvergenceTracker } from '../runtime/convergence.js';
import { readCadence, readValues } from '../runtime/readback.js';
import { mixExamples } from '../runtime/state-ops.js';

/** Units updated per block of a unit-wise sweep: fields corrected inside a block cost K per unit, the block's products K·N. */
const BLOCK = 32;

export interface StackedNets {
  /** W per net [C, N, N], z = x·W for a row x. */
  readonly weights: tf.Tensor3D;
  /** The probes' starts [C, B, N]. */
  readonly start: tf.Tensor3D;
  /** The memory layer (its activation f). */
  readonly layer: LayerSpec;
  readonly unitwise: boolean;
}

export interface ProbeSettleOptions {
  readonly steps: number;
  readonly theta: number;
  /** Seeds the unit orders. */
  readonly seed: number;
  /** Read the device every this many sweeps (default readCadence()); the results do not depend on it. */
  readonly readEvery?: number;
}

export interface ProbeProgress {
  readonly iteration: number;
  /** Probes (of C·B) that have converged, and that are in a 2-cycle. */
  readonly settled: number;
  readonly cycling: number;
}

export interface ProbeSettleResult {
  /** Final states [C, B, N]; the caller owns them. */
  readonly state: tf.Tensor3D;
  readonly iterations: number;
  /** Per probe (net-major): t*, or −1. */
  readonly tStar: number[];
  readonly cycle2: boolean[];
}

/**
 * Settles every probe of every net; yields after each read of the device (a caller can
 * await a gate there). Abandoned with return(), it frees what it holds.
 */
export async function* settleProbes(nets: StackedNets, opts: ProbeSettleOptions): AsyncGenerator<ProbeProgress, ProbeSettleResult, void> {
  const [c, b, n] = nets.start.shape;
  const rows = c * b;
  const rng = makeRng(opts.seed);
  const every = Math.max(1, opts.readEvery ?? readCadence());
  const tracker = new ConvergenceTracker(rows, opts.theta, 'settled');
  // A view of the caller's start on the same data: disposing it leaves the start alone.
  let x = tf.reshape(nets.start, [rows, n]) as tf.Tensor2D;
  let prev: tf.Tensor2D | undefined;
  let row: tf.Tensor | undefined;
  let tStar: number[] = new Array<number>(rows).fill(-1);
  let cycle2: boolean[] = new Array<boolean>(rows).fill(false);
  let iterations = 0;
  try {
    for (let i = 1; i <= opts.steps; i++) {
      const moved = nets.unitwise ? unitwiseSweep(x, nets, rng.shuffle(Array.from({ length: n }, (_, k) => k))) : parallelStep(x, nets);
      const frozen = tracker.frozen();
      const next = tf.keep(tf.tidy(() => mixExamples(tf.cast(frozen, 'float32') as tf.Tensor1D, x, moved))) as tf.Tensor2D;
      frozen.dispose();
      moved.dispose();
      const change = maxAbsDiff(next, x);
      const back2 = prev ? maxAbsDiff(next, prev) : undefined;
      row?.dispose();
      row = tracker.update(i, change, back2);
      change.dispose();
      back2?.dispose();
      prev?.dispose();
      prev = x;
      x = next;
      iterations = i;
      if (i % every !== 0 && i < opts.steps) continue;
      const values = await readValues(row, true);
      row = undefined;
      tStar = Array.from(values.subarray(0, rows));
      cycle2 = Array.from(values.subarray(rows, 2 * rows), (v) => v > 0);
      yield { iteration: i, settled: tStar.filter((t) => t >= 0).length, cycling: cycle2.filter(Boolean).length };
      if (values[2 * rows] > 0) break;
    }
    return { state: tf.reshape(x, [c, b, n]) as tf.Tensor3D, iterations, tStar, cycle2 };
  } finally {
    tracker.dispose();
    row?.dispose();
    prev?.dispose();
    // The reshape above is a new tensor on the same data: x itself always goes.
    x.dispose();
  }
}

/** Per probe ‖a − b‖_∞. */
function maxAbsDiff(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b)), 1) as tf.Tensor1D);
}

/** All units at once: x ← f(x·W). */
function parallelStep(x: tf.Tensor2D, nets: StackedNets): tf.Tensor2D {
  const [c, b, n] = nets.start.shape;
  return tf.tidy(() => tf.reshape(activate(nets.layer, tf.matMul(tf.reshape(x, [c, b, n]) as tf.Tensor3D, nets.weights)), [c * b, n]) as tf.Tensor2D);
}

/** One unit at a time in `order`, in blocks (see the file's comment); returns the state after the sweep. */
export function unitwiseSweep(x: tf.Tensor2D, nets: StackedNets, order: readonly number[]): tf.Tensor2D {
  const [c, b, n] = nets.start.shape;
  let state = tf.reshape(x, [c, b, n]) as tf.Tensor3D;
  for (let s = 0; s < n; s += BLOCK) {
    const before = state;
    state = updateBlock(before, nets, order.slice(s, s + BLOCK));
    before.dispose();
  }
  const out = tf.reshape(state, [c * b, n]) as tf.Tensor2D;
  state.dispose();
  return out;
}

function updateBlock(x: tf.Tensor3D, nets: StackedNets, units: readonly number[]): tf.Tensor3D {
  const [c, b, n] = x.shape;
  const k = units.length;
  return tf.tidy(() => {
    const ix = tf.tensor1d(units as number[], 'int32');
    // W's columns of the block [C, N, K], and the block of W among its units [C, K, K] (row i: unit i's effect on the others).
    const cols = tf.gather(nets.weights, ix, 2) as tf.Tensor3D;
    const within = tf.gather(cols, ix, 1) as tf.Tensor3D;
    const old = tf.gather(x, ix, 2) as tf.Tensor3D;
    let z = tf.matMul(x, cols) as tf.Tensor3D;
    const fresh: tf.Tensor[] = [];
    for (let j = 0; j < k; j++) {
      const xj = activate(nets.layer, tf.slice(z, [0, 0, j], [c, b, 1]));
      fresh.push(xj);
      if (j === k - 1) break;
      const change = tf.sub(xj, tf.slice(old, [0, 0, j], [c, b, 1]));
      z = tf.add(z, tf.mul(change, tf.slice(within, [0, j, 0], [c, 1, k]))) as tf.Tensor3D;
    }
    // The block's changes written back into their units: a product with the block's one-hot rows [K, N] (exact).
    const delta = tf.reshape(tf.sub(tf.concat(fresh, 2), old), [c * b, k]) as tf.Tensor2D;
    const scatter = tf.cast(tf.oneHot(ix, n), 'float32') as tf.Tensor2D;
    return tf.add(x, tf.reshape(tf.matMul(delta, scatter), [c, b, n])) as tf.Tensor3D;
  });
}
