/**
 * Fixed-point stability (issue 13): per example, the spectral radius ρ of one settle
 * iteration's Jacobian J = ∂F/∂x at x*, F the schedule that ran. Measured by power
 * iteration on the products Jᵀv the recurrent-backprop adjoint uses (ρ(Jᵀ) = ρ(J)), so it
 * costs one adjoint step per iteration and no tape.
 *
 * What it predicts: ρ < 1 and x* attracts under this schedule, and the adjoint series
 * g ← g₀ + Jᵀg converges, its error shrinking by ρ a step (≈ ln(tol)/ln ρ steps); ρ ≥ 1 and
 * x* is not an attractor of this schedule, the series diverges and the `neumann` solver
 * tosses the example. The dominant eigenvalue's sign tells the two failures apart: negative
 * (−ρ ≤ −1) is the synchronous map's 2-cycle in the making, where x* can still be an energy
 * minimum (the `cg` solver then still applies); positive (ρ ≥ 1) is a saddle or a maximum.
 *
 * J need not be symmetric (a layer-wise sweep is a Gauss–Seidel step, and a bipartite
 * synchronous map has eigenvalues in ± pairs), so the dominant eigenvalues may be a complex
 * or ± pair and the iterate never settles on one vector. The growth rate of ‖(Jᵀ)ᵏv‖ still
 * tends to ρ (Gelfand's formula), so ρ is the geometric mean of the per-step growth over
 * the latest window of steps, and an example is done when two successive windows agree.
 */
import { tf } from '../tf.js';
import type { BoundNet, State } from '../runtime/network.js';
import type { ClampBinding } from '../runtime/state.js';
import { disposeState, dotPerExample, scalePerExample, tidyState } from '../runtime/state-ops.js';
import { readCadence, readValues } from '../runtime/readback.js';
import { makeRng } from '../data/rng.js';
import { scheduleJacobian } from '../train/schedule-jacobian.js';
import type { DominantEigenvalue, FixedPointStability } from '../protocol/run.js';

export interface StabilityOptions {
  /** Most power iterations (each one Jᵀv). */
  readonly maxSteps: number;
  /** Done when two successive windows' ln ρ differ by less than this (≈ a relative error in ρ). */
  readonly tolerance: number;
  readonly seed: number;
}

export const STABILITY_DEFAULTS: StabilityOptions = { maxSteps: 200, tolerance: 1e-3, seed: 0 };

/** ρ(J) at an example's state; `converged`: two successive windows agreed within the tolerance. */
export type ExampleStability = FixedPointStability;

/** ⟨Jᵀv, v⟩ / ‖Jᵀv‖ beyond this in size: the iterate maps onto ± itself, a real dominant eigenvalue. */
const REAL_COSINE = 0.99;

/** Window length for the growth-rate estimate after k steps: long enough to average a rotating pair. */
const windowAt = (k: number) => Math.max(4, Math.floor(k / 4));

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Stability of `state` (each example's settled state) under the plan's schedule, the clamps
 * held. Examples that are not at a fixed point get a number too, which then describes the
 * linearised step there, not an attractor: callers pass only settled examples' results on.
 */
export async function fixedPointStability(net: BoundNet, clamps: ReadonlyMap<string, ClampBinding>, state: State, options: Partial<StabilityOptions> = {}): Promise<ExampleStability[]> {
  const opts = { ...STABILITY_DEFAULTS, ...options };
  const rng = makeRng(opts.seed);
  const ctx = { net, clamps, dropout: new Map<string, number>(), nextSeed: () => rng.int(2 ** 31) };
  const { J } = scheduleJacobian(net, ctx, state, opts.seed);
  const batch = state.values().next().value!.shape[0];
  const logGrowth: number[][] = Array.from({ length: batch }, () => []);
  const cosines: number[][] = Array.from({ length: batch }, () => []);
  const result: (ExampleStability | undefined)[] = new Array(batch).fill(undefined);
  const every = readCadence();
  // A random start, then one product so only directions J can reach (free, updated units) remain.
  const start: State = tidyState(() => new Map([...state].map(([id, x]) => [id, tf.randomNormal(x.shape, 0, 1, 'float32', rng.int(2 ** 31))])));
  const reachable = J.transposeTimes(start);
  disposeState(start);
  const first = normalised(reachable);
  disposeState(reachable);
  first.norm.dispose();
  let v = first.v;
  let pending: tf.Tensor[] = [];
  try {
    for (let k = 1; k <= opts.maxSteps && result.includes(undefined); k++) {
      const w = J.transposeTimes(v);
      const next = normalised(w);
      pending.push(tf.tidy(() => tf.stack([tf.log(next.norm), tf.div(dotPerExample(w, v), tf.maximum(next.norm, 1e-30))])));
      disposeState(w);
      disposeState(v);
      next.norm.dispose();
      v = next.v;
      if (k % every !== 0 && k < opts.maxSteps) continue;
      const rows = await readValues(tf.tidy(() => tf.stack(pending)), true);
      pending.forEach((t) => t.dispose());
      for (let r = 0; r < pending.length; r++) {
        for (let b = 0; b < batch; b++) {
          logGrowth[b].push(rows[(r * 2) * batch + b]);
          cosines[b].push(rows[(r * 2 + 1) * batch + b]);
        }
      }
      pending = [];
      for (let b = 0; b < batch; b++) if (!result[b]) result[b] = judge(logGrowth[b], cosines[b], opts.tolerance, k === opts.maxSteps);
    }
  } finally {
    pending.forEach((t) => t.dispose());
    disposeState(v);
    J.dispose();
  }
  return result.map((r, b) => r ?? judge(logGrowth[b], cosines[b], opts.tolerance, true)!);
}

/** v/‖v‖ per example (an example whose v vanished stays 0), and ‖v‖; v stays the caller's. */
function normalised(v: State): { v: State; norm: tf.Tensor1D } {
  const norm = tf.tidy(() => tf.sqrt(dotPerExample(v, v)));
  const inverse = tf.tidy(() => tf.div(tf.cast(tf.greater(norm, 0), 'float32'), tf.maximum(norm, 1e-30))) as tf.Tensor1D;
  const out = scalePerExample(v, inverse);
  inverse.dispose();
  return { v: out, norm };
}

/** ρ from one example's growth history, or undefined while it is still moving. */
function judge(logGrowth: readonly number[], cosines: readonly number[], tolerance: number, last: boolean): ExampleStability | undefined {
  const k = logGrowth.length;
  if (k > 0 && logGrowth.slice(-1)[0] === -Infinity) return { rho: 0, dominant: 'none', converged: true, steps: k };
  const w = windowAt(k);
  if (k < 2 * w && !last) return undefined;
  const recent = mean(logGrowth.slice(k - w));
  const earlier = k >= 2 * w ? mean(logGrowth.slice(k - 2 * w, k - w)) : NaN;
  const converged = Math.abs(recent - earlier) < tolerance;
  if (!converged && !last) return undefined;
  const cosine = mean(cosines.slice(k - w));
  const dominant: DominantEigenvalue = cosine > REAL_COSINE ? 'positive' : cosine < -REAL_COSINE ? 'negative' : 'pair';
  return { rho: Math.exp(recent), dominant, converged, steps: k };
}
