/**
 * Settling: run the compiled schedule on a batch until every example has converged
 * (‖x_i − x_{i−1}‖_∞ < θ, first at t*) or is caught in a 2-cycle
 * (‖x_i − x_{i−2}‖_∞ < θ ≤ ‖x_i − x_{i−1}‖_∞), or the step budget runs out.
 * A converged example is frozen: it stops changing while the rest of the batch goes on.
 * Tensor counts are flat: each iteration runs in tf.tidy and only the states kept for
 * the convergence tests survive it.
 */
import { tf } from '../tf.js';
import { makeRng } from '../data/rng.js';
import type { BoundNet, State } from './network.js';
import { runScheduled, type ClampBinding, type StepContext } from './step.js';

export interface SettleOptions {
  readonly steps: number;
  readonly theta: number;
  readonly seed: number;
  /** Energy per example after each iteration (default), after each phase too, or not at all (faster). */
  readonly energy?: 'iteration' | 'phase' | 'none';
  /** Called after each iteration; return 'stop' to end early (the result says cancelled). */
  readonly onIteration?: (info: IterationInfo) => void | 'stop';
  readonly signal?: AbortSignal;
  /** Keep a copy of the state after these iterations (0 = initial) for the UI. */
  readonly snapshots?: readonly number[];
  /** Stop once every example has converged or cycles (default); false runs all `steps` (fixed-T unrolls, leak checks). */
  readonly stopWhenSettled?: boolean;
  /** Keep every attention block's weights after each iteration (0 = initial), for the UI and `--record attention`. */
  readonly recordAttention?: boolean;
}

/** Attention weights of one block: per iteration, a flat array shaped `shape` ([B, H, T, T], or [B, T, P] for a memory). */
export interface AttentionRecord {
  readonly shape: number[];
  readonly iterations: Float32Array[];
}

export interface IterationInfo {
  readonly iteration: number;
  readonly meanEnergy: number | null;
  readonly maxChange: number;
  readonly converged: number;
  readonly cycling: number;
  /** Per example, after this iteration; null when energy is not recorded. */
  readonly energy: readonly number[] | null;
  /** Per example ‖x_i − x_{i−1}‖_∞. */
  readonly changes: readonly number[];
  /** Per example t* so far (−1: not yet) and 2-cycle flags, as of this iteration. */
  readonly tStar: readonly number[];
  readonly cycle2: readonly boolean[];
  /**
   * x_i and x_{i−1}, for live views (frames, oscillating units). Borrowed: valid until the
   * settle moves on, never disposed by the reader.
   */
  readonly state: State;
  readonly previous: State;
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
  readonly cancelled: boolean;
  /** Final state; the caller owns these tensors (disposeState). */
  readonly state: State;
  readonly snapshots: Map<number, State>;
  /** By block id, when `recordAttention`. */
  readonly attention: Map<string, AttentionRecord>;
}

export interface SettleInput {
  readonly net: BoundNet;
  readonly initial: State;
  readonly clamps: ReadonlyMap<string, ClampBinding>;
  readonly dropout?: ReadonlyMap<string, number>;
}

export function disposeState(s: State | undefined): void {
  s?.forEach((t) => t.dispose());
}

/** Dispose the tensors of `old` that none of `keepers` still holds (layers a phase left alone are shared). */
function release(old: State, keepers: readonly State[]): void {
  const held = new Set(keepers.flatMap((k) => [...k.values()]));
  old.forEach((t) => {
    if (!held.has(t)) t.dispose();
  });
}

/** Run a state-producing step in a tidy scope, keeping only the state it returns. */
export function tidyState(fn: () => State): State {
  let out: State = new Map();
  tf.tidy(() => {
    out = fn();
    out.forEach((t) => tf.keep(t));
  });
  return out;
}

function copyState(s: State): State {
  return new Map([...s].map(([k, t]) => [k, tf.keep(tf.clone(t))]));
}

/** Per-example ‖a − b‖_∞ over every layer. */
export function changePerExample(a: State, b: State): tf.Tensor1D {
  return tf.tidy(() => {
    let m: tf.Tensor | undefined;
    for (const [id, x] of a) {
      const d = tf.max(tf.reshape(tf.abs(tf.sub(x, b.get(id)!)), [x.shape[0], -1]), 1);
      m = m ? tf.maximum(m, d) : d;
    }
    return m as tf.Tensor1D;
  });
}

/** Runs settleIterations to the end: the whole settle in one synchronous call. */
export function settle(input: SettleInput, opts: SettleOptions): SettleResult {
  const steps = settleIterations(input, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The settle loop as a generator: it yields after every iteration (i ≥ 1), so a caller can
 * stream progress and await between iterations (pause, step, cancel) instead of blocking.
 * Abandoning it with `return()` frees every tensor it holds; run to the end, it returns
 * the result and the caller owns `state` and `snapshots`.
 */
export function* settleIterations(input: SettleInput, opts: SettleOptions): Generator<IterationInfo, SettleResult, void> {
  const { net } = input;
  const plan = net.plan;
  const batch = input.initial.values().next().value!.shape[0];
  const rng = makeRng(opts.seed);
  const ctx: StepContext = {
    net,
    clamps: input.clamps,
    dropout: input.dropout ?? new Map(),
    nextSeed: () => rng.int(2 ** 31),
  };
  const recordEnergy = opts.energy ?? 'iteration';
  const energyNow = (s: State) => {
    const e = tf.tidy(() => net.energy(s));
    const v = Array.from(e.dataSync());
    e.dispose();
    return v;
  };

  const tStar = new Array<number>(batch).fill(-1);
  const cycle2 = new Array<boolean>(batch).fill(false);
  const energy: number[][] = [];
  const phaseEnergy: number[][] = [];
  const maxChange: number[] = [];
  const snapshots = new Map<number, State>();
  const wanted = new Set(opts.snapshots ?? []);

  let state = copyState(input.initial);
  let prev: State | undefined;
  if (recordEnergy !== 'none') energy.push(energyNow(state));
  if (recordEnergy === 'phase') phaseEnergy.push(energy[0]);
  if (wanted.has(0)) snapshots.set(0, copyState(state));
  const attention = new Map<string, AttentionRecord>();
  const recordWeights = (s: State) => {
    for (const [id, c] of net.couplings) {
      if (!c.attention) continue;
      const a = tf.tidy(() => c.attention!(s));
      const rec = attention.get(id) ?? { shape: a.shape, iterations: [] };
      rec.iterations.push(a.dataSync() as Float32Array);
      attention.set(id, rec);
      a.dispose();
    }
  };
  if (opts.recordAttention) recordWeights(state);

  let iterations = 0;
  let cancelled = false;
  let finished = false;
  try {
    for (let i = 1; i <= opts.steps; i++) {
      if (opts.signal?.aborted) {
        cancelled = true;
        break;
      }
      const frozen = tStar.map((t) => (t >= 0 ? 1 : 0));
      const phases = plan.order === 'shuffled' ? rng.shuffle([...plan.phases]) : plan.phases;
      let next: State = state;
      for (const phase of phases) {
        const before = next;
        next = tidyState(() => runScheduled(ctx, phase, before, (a) => rng.shuffle(a)));
        if (before !== state) release(before, [next, state]);
        if (recordEnergy === 'phase') phaseEnergy.push(energyNow(next));
      }
      if (frozen.some((f) => f === 1)) {
        const f = tf.tensor1d(frozen);
        const thawed = next;
        next = freeze(state, thawed, f);
        if (thawed !== state) release(thawed, [next, state]);
        f.dispose();
      }
      const change = changePerExample(next, state);
      const changes = Array.from(change.dataSync());
      change.dispose();
      let back2: number[] | undefined;
      if (prev) {
        const c2 = changePerExample(next, prev);
        back2 = Array.from(c2.dataSync());
        c2.dispose();
      }
      for (let b = 0; b < batch; b++) {
        if (tStar[b] < 0 && changes[b] < opts.theta) tStar[b] = i;
        cycle2[b] = tStar[b] < 0 && back2 !== undefined && back2[b] < opts.theta && changes[b] >= opts.theta;
      }
      maxChange.push(Math.max(...changes));
      if (recordEnergy === 'iteration') energy.push(energyNow(next));
      else if (recordEnergy === 'phase') energy.push(phaseEnergy[phaseEnergy.length - 1]);
      if (prev) release(prev, [state, next]);
      prev = state;
      state = next;
      iterations = i;
      if (wanted.has(i)) snapshots.set(i, copyState(state));
      if (opts.recordAttention) recordWeights(state);
      const converged = tStar.filter((t) => t >= 0).length;
      const cycling = cycle2.filter(Boolean).length;
      const info: IterationInfo = {
        iteration: i,
        meanEnergy: recordEnergy === 'none' ? null : mean(energy[energy.length - 1]),
        maxChange: maxChange[maxChange.length - 1],
        converged,
        cycling,
        energy: recordEnergy === 'none' ? null : energy[energy.length - 1],
        changes,
        tStar: [...tStar],
        cycle2: [...cycle2],
        state,
        previous: prev,
      };
      const verdict = opts.onIteration?.(info);
      if (verdict === 'stop') {
        cancelled = true;
        break;
      }
      yield info;
      if (converged + cycling === batch && opts.stopWhenSettled !== false) break;
    }
    if (prev) release(prev, [state]);
    prev = undefined;
    finished = true;
    return { iterations, energy, phaseEnergy, maxChange, tStar, cycle2, cancelled, state, snapshots, attention };
  } finally {
    // Abandoned mid-settle (return() or a throw): nobody else will free these.
    if (!finished) {
      if (prev) release(prev, [state]);
      disposeState(state);
      snapshots.forEach((s) => disposeState(s));
    }
  }
}

/** Frozen examples (1) keep their old state; the rest take the new one. */
function freeze(old: State, next: State, frozen: tf.Tensor1D): State {
  return tidyState(() => {
    const out: State = new Map();
    for (const [id, x] of next) {
      const o = old.get(id)!;
      if (o === x) {
        out.set(id, x);
        continue;
      }
      const f = tf.reshape(frozen, [frozen.shape[0], ...new Array(x.rank - 1).fill(1)]);
      out.set(id, tf.add(tf.mul(f, o), tf.mul(tf.sub(1, f), x)));
    }
    return out;
  });
}

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
