/**
 * Settling: run the compiled schedule on a batch until every example has converged
 * (‖x_i − x_{i−1}‖_∞ < θ, first at t*) or is caught in a 2-cycle
 * (‖x_i − x_{i−2}‖_∞ < θ ≤ ‖x_i − x_{i−1}‖_∞), or the step budget runs out.
 * A converged example is frozen: it stops changing while the rest of the batch goes on.
 *
 * Nothing in the loop waits for the device: t*, 2-cycles, energies and rises are kept
 * there (convergence.ts) and read every `readEvery` iterations in one `await data()`. Only
 * the states kept for the convergence tests survive an iteration, so tensor counts are flat.
 */
import { tf } from '../tf.js';
import { makeRng } from '../data/rng.js';
import type { BoundNet } from './network.js';
import type { ClampBinding, State } from './state.js';
import { runScheduled, type StepContext } from './step.js';
import { changePerExample, copyState, disposeState, keepWhere, release, tidyState } from './state-ops.js';
import { ConvergenceTracker, rises, type StopRule } from './convergence.js';
import { readCadence, readValues } from './readback.js';

export { changePerExample, disposeState, readCadence, tidyState };

export interface SettleOptions {
  readonly steps: number;
  readonly theta: number;
  readonly seed: number;
  /** Energy per example after each iteration (default), after each phase too, or not at all (faster). */
  readonly energy?: 'iteration' | 'phase' | 'none';
  /** Keep a copy of the state after these iterations (0 = initial) for the UI. */
  readonly snapshots?: readonly number[];
  /**
   * Stop once every example has converged or cycles (`settled`, the default), once every one
   * has converged (`converged`: cycling examples run on, as BPTT unrolls them), or run all
   * `steps` (`never`: fixed-T runs, leak checks).
   */
  readonly stopWhen?: StopRule;
  /** Freeze each example once it has converged (default); false lets it move on (fixed-T unrolls as the reference runs them). */
  readonly freezeSettled?: boolean;
  /** Read the device every this many iterations (default `readCadence()`); the results do not depend on it. */
  readonly readEvery?: number;
}

export interface IterationInfo {
  readonly iteration: number;
  readonly meanEnergy: number | null;
  readonly maxChange: number;
  readonly converged: number;
  readonly cycling: number;
  /** Per example, after this iteration; null when energy is not recorded. */
  readonly energy: readonly number[] | null;
  /** Per example: E rose in this iteration by more than float32 rounding explains; null when energy is not recorded. */
  readonly rose: readonly boolean[] | null;
  /** Per example ‖x_i − x_{i−1}‖_∞. */
  readonly changes: readonly number[];
  /** Per example t* so far (−1: not yet) and 2-cycle flags, as of this iteration. */
  readonly tStar: readonly number[];
  readonly cycle2: readonly boolean[];
  /**
   * x_i and x_{i−1}, for live views (frames, oscillating units), on the iterations whose
   * state is at hand: the last of each read (every iteration when `readEvery` is 1).
   * Borrowed: valid until the settle moves on, never disposed by the reader.
   */
  readonly state?: State;
  readonly previous?: State;
}

export interface SettleResult {
  /** Iterations run. */
  readonly iterations: number;
  /** energy[i][b]: example b after iteration i (i = 0: the initial state). Empty when not recorded. */
  readonly energy: number[][];
  /** Energy after every phase ([0] = initial), per example, when `energy: 'phase'`. */
  readonly phaseEnergy: number[][];
  /** maxChange[i − 1]: largest ‖x_i − x_{i−1}‖_∞ over the batch at iteration i. */
  readonly maxChange: number[];
  /** Per example: first iteration that met θ, or −1. */
  readonly tStar: number[];
  /** Per example: in a 2-cycle when settling stopped. */
  readonly cycle2: boolean[];
  /** Final state; the caller owns these tensors (disposeState). */
  readonly state: State;
  readonly snapshots: Map<number, State>;
}

export interface SettleInput {
  readonly net: BoundNet;
  readonly initial: State;
  readonly clamps: ReadonlyMap<string, ClampBinding>;
  readonly dropout?: ReadonlyMap<string, number>;
}

/** Runs settleIterations to the end. */
export async function settle(input: SettleInput, opts: SettleOptions): Promise<SettleResult> {
  const steps = settleIterations(input, opts);
  for (;;) {
    const r = await steps.next();
    if (r.done) return r.value;
  }
}

/** One iteration's values as read back, in the order the loop left them on the device. */
interface Row {
  readonly changes: number[];
  readonly tStar: number[];
  readonly cycle2: boolean[];
  readonly done: boolean;
  readonly energy: number[] | null;
  readonly rose: boolean[] | null;
  readonly phaseEnergy: number[][];
}

/**
 * The settle loop as an asynchronous generator: it yields after every iteration (i ≥ 1),
 * in bursts of `readEvery`, so a caller can stream progress and await between iterations
 * (pause, step, cancel). Abandoning it with `return()` frees every tensor it holds; run to
 * the end, it returns the result and the caller owns `state` and `snapshots`.
 */
export async function* settleIterations(input: SettleInput, opts: SettleOptions): AsyncGenerator<IterationInfo, SettleResult, void> {
  const { net } = input;
  const plan = net.plan;
  const batch = input.initial.values().next().value!.shape[0];
  const rng = makeRng(opts.seed);
  const ctx: StepContext = { net, clamps: input.clamps, dropout: input.dropout ?? new Map(), nextSeed: () => rng.int(2 ** 31) };
  const record = opts.energy ?? 'iteration';
  const every = Math.max(1, opts.readEvery ?? readCadence());
  const tracker = new ConvergenceTracker(batch, opts.theta, opts.stopWhen ?? 'settled', opts.freezeSettled !== false);
  const wanted = new Set(opts.snapshots ?? []);
  const phaseCount = record === 'phase' ? plan.phases.length : 0;

  const energy: number[][] = [];
  const phaseEnergy: number[][] = [];
  const maxChange: number[] = [];
  let tStar = new Array<number>(batch).fill(-1);
  let cycle2 = new Array<boolean>(batch).fill(false);
  const snapshots = new Map<number, State>();

  let state = copyState(input.initial);
  let prev: State | undefined;
  let before = record === 'none' ? undefined : keepEnergy(net, state);
  /** Device values not read yet: the initial energy (until the first read), then one row per iteration. */
  let pending: tf.Tensor[] = before ? [tf.keep(before.energy.clone())] : [];
  let initialPending = before !== undefined;
  if (wanted.has(0)) snapshots.set(0, copyState(state));

  let iterations = 0;
  let finished = false;
  try {
    for (let i = 1; i <= opts.steps; i++) {
      const frozen = tracker.frozen();
      // Reading every few iterations, x_{i−1} must stay the last live one once the batch is done.
      const doneBefore = every > 1 ? tracker.doneMask() : undefined;
      const phases = plan.order === 'shuffled' ? rng.shuffle([...plan.phases]) : plan.phases;
      const phaseRows: tf.Tensor[] = [];
      let next: State = state;
      for (const phase of phases) {
        const from = next;
        next = tidyState(() => runScheduled(ctx, phase, from, (a) => rng.shuffle(a)));
        if (from !== state) release(from, [next, state]);
        if (phaseCount > 0) phaseRows.push(tf.tidy(() => net.energy(next)));
      }
      const moved = next;
      next = keepWhere(frozen, state, moved);
      if (moved !== state) release(moved, [next, state]);
      frozen.dispose();

      const change = changePerExample(next, state);
      const back2 = prev ? changePerExample(next, prev) : undefined;
      const track = tracker.update(i, change, back2);
      back2?.dispose();
      let rose: tf.Tensor | undefined;
      if (before) {
        const now = keepEnergy(net, next);
        rose = rises(now.energy, now.scale, before);
        before.energy.dispose();
        before.scale.dispose();
        before = now;
      }
      // Row layout (readRows): changes, t*, cycling, done, [energy, rose], [phase energies].
      const energyRow = before && rose ? [before.energy, rose] : [];
      pending.push(tf.keep(tf.concat([change, track, ...energyRow, ...phaseRows])));
      [change, track, rose, ...phaseRows].forEach((t) => t?.dispose());

      const lastPrev = doneBefore && prev ? keepWhere(doneBefore, prev, state) : state;
      doneBefore?.dispose();
      if (prev) release(prev, [lastPrev, state, next]);
      if (lastPrev !== state) release(state, [lastPrev, next]);
      prev = lastPrev;
      state = next;
      iterations = i;
      if (wanted.has(i)) snapshots.set(i, copyState(state));

      if (i % every !== 0 && i < opts.steps) continue;
      const read = await readRows(pending, initialPending ? batch : 0, { batch, energy: before !== undefined, phases: phaseCount });
      pending = [];
      if (read.initial) {
        energy.push(read.initial);
        if (phaseCount > 0) phaseEnergy.push(read.initial);
        initialPending = false;
      }
      const first = i - read.rows.length + 1;
      let done = false;
      for (let k = 0; k < read.rows.length && !done; k++) {
        const row = read.rows[k];
        const at = first + k;
        done = row.done;
        tStar = row.tStar;
        cycle2 = row.cycle2;
        maxChange.push(Math.max(...row.changes));
        if (row.energy) energy.push(row.energy);
        for (const p of row.phaseEnergy) phaseEnergy.push(p);
        iterations = at;
        // Past a done iteration every example is frozen: the state at hand is that iteration's.
        const live = k === read.rows.length - 1 || done;
        yield {
          iteration: at,
          meanEnergy: row.energy ? mean(row.energy) : null,
          maxChange: maxChange[maxChange.length - 1],
          converged: tStar.filter((t) => t >= 0).length,
          cycling: cycle2.filter(Boolean).length,
          energy: row.energy,
          rose: row.rose,
          changes: row.changes,
          tStar: [...tStar],
          cycle2: [...cycle2],
          ...(live ? { state, previous: prev } : {}),
        };
      }
      if (done) {
        for (const [j, snap] of snapshots) {
          if (j <= iterations) continue;
          disposeState(snap);
          snapshots.delete(j);
        }
        break;
      }
    }
    if (prev) release(prev, [state]);
    prev = undefined;
    finished = true;
    return { iterations, energy, phaseEnergy, maxChange, tStar, cycle2, state, snapshots };
  } finally {
    tracker.dispose();
    pending.forEach((t) => t.dispose());
    if (before) {
      before.energy.dispose();
      before.scale.dispose();
    }
    // Abandoned mid-settle (return() or a throw): nobody else will free these.
    if (!finished) {
      if (prev) release(prev, [state]);
      disposeState(state);
      snapshots.forEach((snap) => disposeState(snap));
    }
  }
}

function keepEnergy(net: BoundNet, state: State): { energy: tf.Tensor1D; scale: tf.Tensor1D } {
  const { energy, scale } = net.energyWithScale(state);
  return { energy: tf.keep(energy), scale: tf.keep(scale) };
}

/**
 * One read of everything pending: the first `initial` values (the initial energy, on the
 * first read), then rows of [changes, t*, cycling, done, energy, rose, phase energies].
 */
async function readRows(pending: tf.Tensor[], initial: number, layout: { batch: number; energy: boolean; phases: number }): Promise<{ initial: number[] | null; rows: Row[] }> {
  const all = tf.tidy(() => tf.concat(pending.map((t) => tf.reshape(t, [-1]))));
  pending.forEach((t) => t.dispose());
  const values = await readValues(all, true);
  const { batch, energy, phases } = layout;
  let at = 0;
  const take = (n: number) => Array.from(values.subarray(at, (at += n)));
  const first = initial > 0 ? take(initial) : null;
  const rows: Row[] = [];
  while (at < values.length) {
    const changes = take(batch);
    const tStar = take(batch);
    const cycle2 = take(batch).map((v) => v > 0);
    const done = take(1)[0] > 0;
    const e = energy ? take(batch) : null;
    const rose = energy ? take(batch).map((v) => v > 0) : null;
    const phaseEnergy = Array.from({ length: phases }, () => take(batch));
    rows.push({ changes, tStar, cycle2, done, energy: e, rose, phaseEnergy });
  }
  return { initial: first, rows };
}

function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
