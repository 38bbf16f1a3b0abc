/**
 * Recurrent backprop (Pineda/Almeida) at a fixed point x* = F(x*):
 *   dL/dθ = (∂F/∂θ)ᵀ ḡ,   (I − Jᵀ) ḡ = ∂L/∂x*,   J = ∂F/∂x at x*,
 * with F one iteration of the schedule that ran (unit steps on an asynchronous plan).
 * Settle without a tape, solve the adjoint (adjoint-solve.ts), then one VJP of F w.r.t. θ.
 * An example that did not settle, or whose adjoint did not converge, is tossed and counted;
 * the rest are re-weighted so the loss stays a mean over the kept examples.
 */
import { tf } from '../tf.js';
import type { BoundNet, Network } from '../runtime/network.js';
import type { State } from '../runtime/state.js';
import type { Batch } from '../runtime/batch.js';
import { disposeState, settle, tidyState } from '../runtime/settle.js';
import { runPhase, runUnitwise, unitOrder } from '../runtime/step.js';
import { readValues } from '../runtime/readback.js';
import { makeRng } from '../data/rng.js';
import { batchLoss } from './loss.js';
import { IterationJacobian, type AdjointOperator } from './adjoint.js';
import { UnitwiseJacobian } from './unitwise-adjoint.js';
import { neumannAdjoint } from './adjoint-solve.js';
import { byParamName, context, trainable, type GradientResult, type MethodOptions } from './method-parts.js';

/** Multiplies each example's cotangent by w[b] (0 drops it). */
function scaleExamples(s: State, w: number[]): State {
  const t = tf.tensor1d(w);
  const out = tidyState(() => new Map([...s].map(([id, x]) => [id, tf.mul(x, tf.reshape(t, [w.length, ...new Array(x.rank - 1).fill(1)]))])));
  t.dispose();
  return out;
}

export async function recurrentBackpropGradients(network: Network, batch: Batch, opts: MethodOptions): Promise<GradientResult> {
  const plan = network.plan;
  const bound = network.bind();
  const { ctx } = context(batch, opts.seed, bound);
  const settled = await settle(
    { net: bound, initial: batch.initial, clamps: batch.clamps, dropout: batch.dropout },
    { steps: opts.steps, theta: opts.theta, seed: opts.seed, energy: 'none' },
  );
  const xStar = settled.state;
  const ids = [...xStar.keys()];
  const size = batch.size;

  // g₀ = ∂L/∂x* (autodiff of the loss alone: cheap, and it keeps Eq. 8's factor 2); zero off the target layers.
  const scored = ids.filter((id) => batch.targets.some((t) => t.layer === id));
  const lossOf = (...xs: tf.Tensor[]) => batchLoss(plan, batch.targets, new Map([...xStar, ...scored.map((id, i) => [id, xs[i]] as const)]));
  const { value: lossValue, grads: g0list } = tf.valueAndGrads(lossOf)(scored.map((id) => xStar.get(id)!));
  const g0: State = new Map(ids.map((id) => [id, scored.includes(id) ? g0list[scored.indexOf(id)] : tf.zerosLike(xStar.get(id)!)]));

  // The map that ran: on an asynchronous plan, unit steps in one seeded order (the fixed point is every order's).
  const [unitPhase] = plan.phases;
  const order = plan.unitwise && unitPhase ? unitOrder(unitPhase, bound, (a) => makeRng(opts.seed + 2).shuffle(a)) : undefined;
  const J: AdjointOperator = order ? new UnitwiseJacobian(bound, ctx, xStar, unitPhase, order) : IterationJacobian.atFixedPoint(bound, ctx, xStar);
  const solved = await neumannAdjoint(J, g0, opts.adjoint);
  J.dispose();
  disposeState(g0);
  const [loss] = await readValues(lossValue, true);

  const notSettled = settled.tStar.map((t) => t < 0);
  const useful = solved.done.map((d, b) => d && !notSettled[b] && !solved.diverged[b]);
  const keptCount = useful.filter(Boolean).length;
  const gBar = scaleExamples(solved.g, useful.map((u) => (u && keptCount > 0 ? size / keptCount : 0)));
  disposeState(solved.g);

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
  const tossed = size - keptCount;
  const unsettled = notSettled.filter(Boolean).length;
  return {
    loss,
    grads: byParamName(network, grads),
    tStar: settled.tStar,
    cycle2: settled.cycle2.filter(Boolean).length,
    tossed,
    tossedWhy: { notSettled: unsettled, diverged: tossed - unsettled },
    iterations: settled.iterations,
    adjointSteps: solved.steps,
  };
}
