/**
 * Equilibrium propagation (Scellier & Bengio 2017), with the symmetric ±β nudge of
 * Laborieux et al. 2021:
 *
 *   free      settle to x⁰ (each example to its t*), as recurrent backprop does;
 *   nudged    from x⁰, settle to x^β minimising F = E + β·C (and to x^−β), C = c·L
 *             (eqprop-nudge.ts: the loss scaled to one example's worth);
 *   estimate  dL/dθ ≈ (∂E/∂θ(x^β) − ∂E/∂θ(x^−β)) / (2β·c)   (bias O(β²)),
 *             or (∂E/∂θ(x^β) − ∂E/∂θ(x⁰)) / (β·c) one-sided   (bias O(β)).
 *
 * As β → 0 this is recurrent backprop's gradient: d/dβ ∂E/∂θ(x^β) at 0 is the adjoint
 * contracted with ∂²E/∂θ∂x, which the nudged settle finds by relaxation instead of a
 * linear solve. No tape and no adjoint: three settles and one batched gradient of the
 * energy, taken through the symmetrising maps over the stacked states of every phase with
 * a weight per row. Memory does not grow with T.
 *
 * An example whose free or +β phase did not settle is tossed and counted (the rest are
 * re-weighted so the loss stays a mean over kept examples, as recurrent backprop does); one
 * whose −β phase did not settle, or has no minimum near x⁰ (cross-entropy, see
 * eqprop-softmax.ts), uses the one-sided estimate.
 */
import { tf } from '../tf.js';
import { EQPROP_DEFAULT_BETA } from '../../nodes/config.js';
import type { Network } from '../runtime/network.js';
import type { State } from '../runtime/state.js';
import type { Batch } from '../runtime/batch.js';
import { disposeState, settle, type SettleOptions } from '../runtime/settle.js';
import { readValues } from '../runtime/readback.js';
import { batchLoss } from './loss.js';
import { NudgedNet, eqpropRefusal, nudgeScale } from './eqprop-nudge.js';
import { byParamName, trainable, type GradientResult, type MethodOptions } from './method-parts.js';

interface NudgedPhase {
  readonly state: State;
  readonly tStar: number[];
  readonly iterations: number;
  /** Per example: F had no minimum near x⁰ (a −β cross-entropy phase). */
  readonly missing: boolean[];
}

async function nudgedPhase(network: Network, batch: Batch, x0: State, beta: number, scale: tf.Scalar, opts: SettleOptions): Promise<NudgedPhase> {
  const net = new NudgedNet(network.plan, network.params, beta, batch.targets, scale);
  try {
    const r = await settle({ net, initial: x0, clamps: batch.clamps, dropout: batch.dropout }, opts);
    const missing = await readValues(net.missing(batch.size), true);
    return { state: r.state, tStar: r.tStar, iterations: r.iterations, missing: Array.from(missing, (m) => m > 0) };
  } finally {
    net.dispose();
  }
}

/** How each example enters the estimate: weights on its x^β, x^−β and x⁰ rows. */
interface Rows {
  readonly plus: number[];
  readonly minus: number[];
  readonly free: number[];
  readonly kept: number;
  readonly oneSided: number;
}

function rowWeights(beta: number, free: readonly number[], plus: NudgedPhase, minus: NudgedPhase | undefined): Rows {
  const size = free.length;
  const kept = free.map((t, b) => t >= 0 && plus.tStar[b] >= 0);
  const keptCount = kept.filter(Boolean).length;
  const share = keptCount > 0 ? size / keptCount : 0;
  const symmetric = kept.map((k, b) => k && minus !== undefined && minus.tStar[b] >= 0 && !minus.missing[b]);
  return {
    plus: kept.map((k, b) => (k ? share / (symmetric[b] ? 2 * beta : beta) : 0)),
    minus: symmetric.map((s) => (s ? -share / (2 * beta) : 0)),
    free: kept.map((k, b) => (k && !symmetric[b] ? -share / beta : 0)),
    kept: keptCount,
    oneSided: minus ? kept.filter((k, b) => k && !symmetric[b]).length : 0,
  };
}

/**
 * ∂/∂θ Σ_rows w_row·E(x_row; θ) / c over the phases' states stacked along the batch axis:
 * one gradient call, through the symmetrising maps (the net is bound inside its scope).
 */
function energyGradient(network: Network, phases: readonly { state: State; weights: number[] }[], scale: tf.Scalar): Map<string, tf.Tensor> {
  const used = phases.filter((p) => p.weights.some((w) => w !== 0));
  if (used.length === 0) return new Map([...network.params].map(([name, v]) => [name, tf.zerosLike(v)]));
  const ids = [...used[0].state.keys()];
  const stacked: State = new Map(ids.map((id) => [id, tf.concat(used.map((p) => p.state.get(id)!), 0)]));
  const w = tf.tensor1d(used.flatMap((p) => p.weights));
  let bound: ReturnType<Network['bind']> | undefined;
  const { value, grads } = tf.variableGrads(() => {
    bound = network.bind();
    return tf.div(tf.sum(tf.mul(bound.energy(stacked), w)), scale) as tf.Scalar;
  }, trainable(network));
  value.dispose();
  bound?.dispose();
  w.dispose();
  disposeState(stacked);
  return byParamName(network, grads);
}

export async function eqpropGradients(network: Network, batch: Batch, opts: MethodOptions): Promise<GradientResult> {
  const plan = network.plan;
  const { beta, symmetric, steps } = opts.eqprop ?? { beta: EQPROP_DEFAULT_BETA, symmetric: true };
  const refusal = eqpropRefusal(plan, beta);
  if (refusal) throw new Error(`equilibrium propagation does not apply to this graph: ${refusal}`);
  const phaseOpts = (seed: number, t: number): SettleOptions => ({ steps: t, theta: opts.theta, seed, energy: 'none' });

  const bound = network.bind();
  const free = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps, dropout: batch.dropout }, phaseOpts(opts.seed, opts.steps)).finally(() => bound.dispose());
  const lossValue = batchLoss(plan, batch.targets, free.state);
  const scale = nudgeScale(plan, batch.targets);
  const nudgedSteps = steps ?? opts.steps;
  let plus: NudgedPhase | undefined;
  let minus: NudgedPhase | undefined;
  try {
    plus = await nudgedPhase(network, batch, free.state, beta, scale, phaseOpts(opts.seed + 1, nudgedSteps));
    if (symmetric !== false) minus = await nudgedPhase(network, batch, free.state, -beta, scale, phaseOpts(opts.seed + 2, nudgedSteps));
    const rows = rowWeights(beta, free.tStar, plus, minus);
    const grads = energyGradient(
      network,
      [
        { state: plus.state, weights: rows.plus },
        ...(minus ? [{ state: minus.state, weights: rows.minus }] : []),
        { state: free.state, weights: rows.free },
      ],
      scale,
    );
    const [loss] = await readValues(lossValue, true);
    const unsettled = free.tStar.filter((t, b) => t < 0 || plus!.tStar[b] < 0).length;
    return {
      loss,
      grads,
      tStar: free.tStar,
      cycle2: free.cycle2.filter(Boolean).length,
      tossed: batch.size - rows.kept,
      tossedWhy: { notSettled: unsettled, diverged: 0 },
      iterations: free.iterations,
      adjointSteps: plus.iterations + (minus?.iterations ?? 0),
      nudged: { plus: plus.tStar, ...(minus ? { minus: minus.tStar } : {}), oneSided: rows.oneSided },
    };
  } finally {
    lossValue.dispose();
    scale.dispose();
    disposeState(free.state);
    disposeState(plus?.state);
    disposeState(minus?.state);
  }
}
