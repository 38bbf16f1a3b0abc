/**
 * Gradient methods. Each returns the batch loss and the gradients of the free
 * parameters (through the symmetrising maps), plus settling statistics.
 *
 * - bptt: unroll up to T iterations on the tape; loss at the final step (seed Eq. 5).
 *   Each example stops at its t* (frozen), and the unroll ends when all have.
 * - recurrent-backprop: settle without a tape to x*, solve the adjoint by the power
 *   series (adjoint.ts), then one VJP of F w.r.t. θ. Memory does not grow with T.
 *   An example that did not settle or whose series diverges is tossed and counted.
 * - every-step: TD(1): the loss at every iteration up to each example's t*, averaged.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import type { TrainingMethod } from '../../nodes/config.js';
import type { BoundNet, Network, State } from '../runtime/network.js';
import type { Batch } from '../runtime/batch.js';
import { disposeState, settle, tidyState } from '../runtime/settle.js';
import { runPhase, runUnitwise, unitOrder, type StepContext } from '../runtime/step.js';
import { makeRng } from '../data/rng.js';
import { batchLoss } from './loss.js';
import { unroll } from './unroll.js';
import { FixedPointJacobian, type AdjointOperator } from './adjoint.js';
import { UnitwiseJacobian } from './unitwise-adjoint.js';

export interface MethodOptions {
  /** T: iterations unrolled, or the most settled before the adjoint. */
  readonly steps: number;
  readonly theta: number;
  readonly seed: number;
  readonly adjoint: { readonly tolerance: number; readonly maxSteps: number };
  /** Unrolled methods: freeze each example at its t* and end when all have (default), or run all T. */
  readonly stopAtTStar?: boolean;
}

export interface GradientResult {
  readonly loss: number;
  /** By parameter name; the caller owns (and disposes) these tensors. */
  readonly grads: Map<string, tf.Tensor>;
  readonly tStar: number[];
  readonly cycle2: number;
  readonly tossed: number;
  readonly tossedWhy: { notSettled: number; diverged: number };
  readonly iterations: number;
  readonly adjointSteps: number;
}

/**
 * The step context of a run seeded `seed`, with the shuffle its orders are drawn with: one
 * stream, drawn in the order settle draws it, so an unroll replays the settle of the same
 * seed (the same dropout masks, phase and unit orders). Binding happens inside a gradient
 * scope where there is one; the caller disposes the bound net.
 */
function context(batch: Batch, seed: number, net: BoundNet): { ctx: StepContext; shuffle: <T>(a: T[]) => T[] } {
  const rng = makeRng(seed);
  return { ctx: { net, clamps: batch.clamps, dropout: batch.dropout, nextSeed: () => rng.int(2 ** 31) }, shuffle: (a) => rng.shuffle(a) };
}

/** The variables gradients are taken for: stored patterns taken from data are constants. */
function trainable(network: Network): tf.Variable[] {
  return [...network.params.values()].filter((v) => v.trainable);
}

function byParamName(network: Network, grads: tf.NamedTensorMap): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [name, v] of network.params) {
    const g = grads[v.name];
    out.set(name, g ?? tf.zerosLike(v));
  }
  return out;
}

/**
 * The unrolled methods share everything but the loss: bind inside the gradient scope
 * (so gradients reach the free parameters through the symmetrising maps), unroll, score.
 * `score` gets the state after each iteration (with the examples still moving) and returns
 * the loss at the end.
 */
function unrolledGradients(
  network: Network,
  batch: Batch,
  opts: MethodOptions,
  score: () => { each?: (state: State, active: number[]) => void; final: (state: State) => tf.Scalar },
): GradientResult {
  let tStar: number[] = [];
  let iterations = 0;
  let bound: BoundNet | undefined;
  const { value, grads } = tf.variableGrads(() => {
    bound = network.bind();
    const { ctx, shuffle } = context(batch, opts.seed, bound);
    const s = score();
    const u = unroll(ctx, batch.initial, {
      steps: opts.steps,
      theta: opts.theta,
      freeze: opts.stopAtTStar !== false,
      shuffle,
      ...(s.each ? { onIteration: s.each } : {}),
    });
    tStar = u.tStar;
    iterations = u.iterations;
    return s.final(u.state);
  }, trainable(network));
  bound?.dispose();
  const loss = value.dataSync()[0];
  value.dispose();
  return { loss, grads: byParamName(network, grads), tStar, cycle2: 0, tossed: 0, tossedWhy: { notSettled: 0, diverged: 0 }, iterations, adjointSteps: 0 };
}

export function bpttGradients(network: Network, batch: Batch, opts: MethodOptions): GradientResult {
  return unrolledGradients(network, batch, opts, () => ({ final: (state) => batchLoss(network.plan, batch.targets, state) }));
}

export function everyStepGradients(network: Network, batch: Batch, opts: MethodOptions): GradientResult {
  return unrolledGradients(network, batch, opts, () => {
    const losses: tf.Scalar[] = [];
    return {
      // Examples past their t* are frozen and add nothing new: only moving examples are scored.
      each: (state, active) => void losses.push(batchLoss(network.plan, batch.targets, state, tf.tensor1d(active))),
      final: () => tf.div(tf.addN(losses), losses.length) as tf.Scalar,
    };
  });
}

/** Per-example ‖·‖_∞ over every layer. */
function normPerExample(s: State): number[] {
  const t = tf.tidy(() => {
    let m: tf.Tensor | undefined;
    for (const x of s.values()) {
      const n = tf.max(tf.reshape(tf.abs(x), [x.shape[0], -1]), 1);
      m = m ? tf.maximum(m, n) : n;
    }
    return m!;
  });
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

function combine(a: State, b: State, f: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor): State {
  const out: State = new Map();
  for (const [k, x] of a) out.set(k, f(x, b.get(k)!));
  return out;
}

/** Multiplies each example's cotangent by w[b] (0 drops it). */
function scaleExamples(s: State, w: number[]): State {
  const t = tf.tensor1d(w);
  const out = tidyState(() => combine(s, s, (x) => tf.mul(x, tf.reshape(t, [w.length, ...new Array(x.rank - 1).fill(1)]))));
  t.dispose();
  return out;
}

export function recurrentBackpropGradients(network: Network, batch: Batch, opts: MethodOptions): GradientResult {
  const plan: Plan = network.plan;
  const bound = network.bind();
  const { ctx } = context(batch, opts.seed, bound);
  const settled = settle(
    { net: bound, initial: batch.initial, clamps: batch.clamps, dropout: batch.dropout },
    { steps: opts.steps, theta: opts.theta, seed: opts.seed, energy: 'none' },
  );
  const xStar = settled.state;
  const ids = [...xStar.keys()];
  const size = batch.size;

  // g₀ = ∂L/∂x* (autodiff of the loss alone: cheap, and it keeps Eq. 8's factor 2); zero off the target layers.
  const scored = ids.filter((id) => batch.targets.some((t) => t.layer === id));
  const lossOf = (...xs: tf.Tensor[]) =>
    batchLoss(plan, batch.targets, new Map([...xStar, ...scored.map((id, i) => [id, xs[i]] as const)]));
  const { value: lossValue, grads: g0list } = tf.valueAndGrads(lossOf)(scored.map((id) => xStar.get(id)!));
  const loss = lossValue.dataSync()[0];
  lossValue.dispose();
  const g0: State = new Map(ids.map((id) => [id, scored.includes(id) ? g0list[scored.indexOf(id)] : tf.zerosLike(xStar.get(id)!)]));
  const g0norm = normPerExample(g0);

  // The map that ran: on an asynchronous plan, unit steps in one seeded order (the fixed point is every order's).
  const [unitPhase] = plan.phases;
  const order = plan.unitwise && unitPhase ? unitOrder(unitPhase, bound, (a) => makeRng(opts.seed + 2).shuffle(a)) : undefined;
  const J: AdjointOperator = order ? new UnitwiseJacobian(bound, ctx, xStar, unitPhase, order) : new FixedPointJacobian(bound, ctx, xStar);
  let g: State = new Map(ids.map((id) => [id, tf.clone(g0.get(id)!)]));
  const done = new Array<boolean>(size).fill(false);
  const diverged = new Array<boolean>(size).fill(false);
  let adjointSteps = 0;
  for (let k = 1; k <= opts.adjoint.maxSteps && done.some((d, b) => !d && !diverged[b]); k++) {
    adjointSteps = k;
    const jg = J.transposeTimes(g);
    const next = tidyState(() => combine(g0, jg, (a, b) => tf.add(a, b)));
    disposeState(jg);
    const delta = tidyState(() => combine(next, g, (a, b) => tf.sub(a, b)));
    const d = normPerExample(delta);
    const n = normPerExample(next);
    disposeState(delta);
    for (let b = 0; b < size; b++) {
      if (done[b] || diverged[b]) continue;
      const scale = g0norm[b] > 0 ? g0norm[b] : 1;
      if (!Number.isFinite(n[b]) || n[b] > 1e6 * scale) diverged[b] = true;
      else if (d[b] <= opts.adjoint.tolerance * scale) done[b] = true;
    }
    // Finished examples keep their sum; the others take the new partial sum.
    const moving = done.map((x, b) => (x || diverged[b] ? 0 : 1));
    const kept = scaleExamples(g, moving.map((m) => 1 - m));
    const moved = scaleExamples(next, moving);
    disposeState(next);
    disposeState(g);
    g = tidyState(() => combine(kept, moved, (a, b) => tf.add(a, b)));
    disposeState(kept);
    disposeState(moved);
  }
  J.dispose();

  const notSettled = settled.tStar.map((t) => t < 0);
  const useful = done.map((d, b) => d && !notSettled[b] && !diverged[b]);
  const keptCount = useful.filter(Boolean).length;
  // Tossed examples are dropped; the rest are re-weighted so the loss stays a mean over kept examples.
  const weights = useful.map((u) => (u && keptCount > 0 ? size / keptCount : 0));
  const gBar = scaleExamples(g, weights);
  disposeState(g);
  disposeState(g0);

  let projector: BoundNet | undefined;
  const { value: projected, grads } = tf.variableGrads(() => {
    projector = network.bind();
    const fctx = { ...context(batch, opts.seed, projector).ctx, dropout: new Map<string, number>() };
    let s: State = xStar;
    if (order) s = runUnitwise(fctx, unitPhase, s, order);
    else for (const phase of plan.phases) s = runPhase(fctx, phase, s);
    let total: tf.Tensor = tf.scalar(0);
    for (const [id, gb] of gBar) if (s.get(id) !== xStar.get(id)) total = tf.add(total, tf.sum(tf.mul(s.get(id)!, gb)));
    return total as tf.Scalar;
  }, trainable(network));
  projected.dispose();
  projector?.dispose();
  disposeState(gBar);
  disposeState(xStar);
  bound.dispose();
  return {
    loss,
    grads: byParamName(network, grads),
    tStar: settled.tStar,
    cycle2: settled.cycle2.filter(Boolean).length,
    tossed: size - keptCount,
    tossedWhy: { notSettled: notSettled.filter(Boolean).length, diverged: size - keptCount - notSettled.filter(Boolean).length },
    iterations: settled.iterations,
    adjointSteps,
  };
}

/** The gradient method a training config names (hebbian has none: see hebbian.ts). */
export function gradientsFor(method: TrainingMethod): (n: Network, b: Batch, o: MethodOptions) => GradientResult {
  switch (method) {
    case 'bptt':
      return bpttGradients;
    case 'every-step':
      return everyStepGradients;
    case 'recurrent-backprop':
      return recurrentBackpropGradients;
    case 'hebbian':
      throw new Error('hebbian storage has no gradient: use storeHebbian');
  }
}
