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
import { disposeState, settle } from '../runtime/settle.js';
import { scalePerExample } from '../runtime/state-ops.js';
import { runPhase, runUnitwise } from '../runtime/step.js';
import { readValues } from '../runtime/readback.js';
import { batchLoss } from './loss.js';
import { scheduleJacobian } from './schedule-jacobian.js';
import { neumannAdjoint } from './adjoint-solve.js';
import { cgAdjoint, cgRefusal } from './symmetric-adjoint.js';
import { weightGradients } from './weight-gradient.js';
import { byParamName, context, trainable, type GradientResult, type MethodOptions } from './method-parts.js';

/** Multiplies each example's cotangent by w[b] (0 drops it). */
function scaleExamples(s: State, w: number[]): State {
  const t = tf.tensor1d(w);
  const out = scalePerExample(s, t);
  t.dispose();
  return out;
}

export async function recurrentBackpropGradients(network: Network, batch: Batch, opts: MethodOptions): Promise<GradientResult> {
  const plan = network.plan;
  const bound = network.bind();
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

  const solver = opts.adjoint.solver ?? 'auto';
  const refusal = cgRefusal(plan);
  if (solver === 'cg' && refusal) throw new Error(`the adjoint solver "cg" does not apply to this graph: ${refusal}; use "neumann" or "auto"`);
  const solved = solver === 'neumann' || refusal ? await seriesSolution(network, bound, batch, opts, xStar, g0) : await symmetricSolution(network, bound, batch, opts, xStar, g0);
  disposeState(g0);
  const [loss] = await readValues(lossValue, true);
  disposeState(xStar);
  bound.dispose();

  const notSettled = settled.tStar.map((t) => t < 0);
  const useful = solved.converged.map((c, b) => c && !notSettled[b]);
  const keptCount = useful.filter(Boolean).length;
  // Tossed examples are dropped; the rest are re-weighted so the loss stays a mean over kept examples.
  const grads = await solved.weightGradient(useful.map((u) => (u && keptCount > 0 ? size / keptCount : 0)));
  const tossed = size - keptCount;
  const unsettled = notSettled.filter(Boolean).length;
  return {
    loss,
    grads,
    tStar: settled.tStar,
    cycle2: settled.cycle2.filter(Boolean).length,
    tossed,
    tossedWhy: { notSettled: unsettled, diverged: tossed - unsettled },
    iterations: settled.iterations,
    adjointSteps: solved.steps,
  };
}

/** An adjoint, solved: which examples converged, and the weight gradient with each example weighted. */
interface Solved {
  readonly converged: boolean[];
  readonly steps: number;
  weightGradient(weights: number[]): Promise<Map<string, tf.Tensor>>;
}

/** Conjugate gradients on the symmetric system (symmetric-adjoint.ts), then one batched weight gradient at x*. */
async function symmetricSolution(network: Network, bound: BoundNet, batch: Batch, opts: MethodOptions, xStar: State, g0: State): Promise<Solved> {
  const sol = await cgAdjoint(bound, batch.clamps, xStar, g0, opts.adjoint);
  const plan = network.plan;
  const inputs = new Map([...xStar].map(([id, x]) => [id, tf.keep(x.clone())]));
  return {
    converged: sol.done.map((d, b) => d && !sol.indefinite[b]),
    steps: sol.steps,
    async weightGradient(weights) {
      const gz = scaleExamples(sol.gz, weights);
      disposeState(sol.gz);
      const records = plan.phases.flatMap((p) => p.updates).map((update) => ({ update, gz: [gz.get(update.layer)!], inputs: [inputs] }));
      const grads = weightGradients(network, records);
      disposeState(gz);
      disposeState(inputs);
      return grads;
    },
  };
}

/**
 * The power series on the map of the schedule that ran (adjoint-solve.ts), then one VJP of
 * that map w.r.t. θ at x*: for plans conjugate gradients do not apply to (softmax layers,
 * one-way flows), or when asked for.
 */
async function seriesSolution(network: Network, bound: BoundNet, batch: Batch, opts: MethodOptions, xStar: State, g0: State): Promise<Solved> {
  const plan = network.plan;
  const { ctx } = context(batch, opts.seed, bound);
  const { J, unitwise } = scheduleJacobian(bound, ctx, xStar, opts.seed);
  const solved = await neumannAdjoint(J, g0, opts.adjoint);
  J.dispose();
  const fixed = new Map([...xStar].map(([id, x]) => [id, tf.keep(x.clone())]));
  return {
    converged: solved.done.map((d, b) => d && !solved.diverged[b]),
    steps: solved.steps,
    async weightGradient(weights) {
      const gBar = scaleExamples(solved.g, weights);
      disposeState(solved.g);
      let projector: BoundNet | undefined;
      const { value: projected, grads } = tf.variableGrads(() => {
        projector = network.bind();
        const fctx = { ...context(batch, opts.seed, projector).ctx, dropout: new Map<string, number>() };
        let s: State = fixed;
        if (unitwise) s = runUnitwise(fctx, unitwise.phase, s, unitwise.order);
        else for (const phase of plan.phases) s = runPhase(fctx, phase, s);
        let total: tf.Tensor = tf.scalar(0);
        for (const [id, gb] of gBar) if (s.get(id) !== fixed.get(id)) total = tf.add(total, tf.sum(tf.mul(s.get(id)!, gb)));
        return total as tf.Scalar;
      }, trainable(network));
      projected.dispose();
      projector?.dispose();
      disposeState(gBar);
      disposeState(fixed);
      return byParamName(network, grads);
    },
  };
}
