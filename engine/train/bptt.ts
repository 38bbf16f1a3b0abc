/**
 * BPTT by an explicit backward pass, without a tape (bptt and every-step on the layer-wise
 * schedules):
 *
 *   forward   settle the batch, keeping every iteration's state; example b moves for its
 *             first s_b iterations (its t*, or all of them when it does not converge), as
 *             the taped unroll froze it;
 *   backward  g_n = ∂L/∂x_n, then for i = n … 1: g_{i−1} = J_iᵀ g_i for the examples that
 *             moved at i (the frozen ones pass g through), J_i from the two states around
 *             iteration i (adjoint.ts: one closed-form product per term);
 *   weights   every update's net-input cotangents gz and the states it read, over all
 *             iterations, stacked along the batch axis (only the rows of examples that
 *             moved), and ∂L/∂θ = ∂/∂θ Σ ⟨GZ, z(X; θ)⟩ in one gradient call: one large
 *             product per term instead of one per iteration, through the symmetrising maps.
 *
 * The same arithmetic as the tape (forward F, backward 2F), with no second forward pass to
 * learn where examples stop, no tape bookkeeping, large products, and no read inside a
 * synchronous gradient scope. Plans whose iterations this cannot replay from the kept states
 * (one unit at a time, dropout, a shuffled phase order) use the taped unroll (unroll.ts).
 */
import { tf } from '../tf.js';
import type { LayerUpdate, Plan } from '../compile/plan.js';
import type { Network } from '../runtime/network.js';
import type { State } from '../runtime/state.js';
import type { Batch } from '../runtime/batch.js';
import { disposeState, settle, tidyState } from '../runtime/settle.js';
import { mixExamples, rowSelector, takeRows } from '../runtime/state-ops.js';
import { readValues } from '../runtime/readback.js';
import { batchLoss } from './loss.js';
import { IterationJacobian } from './adjoint.js';
import { couplingKind } from '../couplings/registry.js';
import type { GradientResult, MethodOptions } from './method-parts.js';
import { weightGradients, type NetInputCotangents } from './weight-gradient.js';

/** Whether explicit BPTT can replay this plan's iterations from the states alone. */
export function replayable(plan: Plan, batch: Batch): boolean {
  return !plan.unitwise && plan.order === 'fixed' && [...batch.dropout.values()].every((p) => p === 0);
}


/** Loss at the end (bptt), or the mean over iterations of the loss of the examples still moving (every-step). */
export type LossAt = 'final' | 'every';

export async function explicitGradients(network: Network, batch: Batch, opts: MethodOptions, lossAt: LossAt): Promise<GradientResult> {
  const plan = network.plan;
  const bound = network.bind();
  const kept: State[] = [];
  const records = new Map<string, NetInputCotangents>();
  try {
    const r = await settle(
      { net: bound, initial: batch.initial, clamps: batch.clamps, dropout: batch.dropout },
      {
        steps: opts.steps,
        theta: opts.theta,
        seed: opts.seed,
        energy: 'none',
        stopWhen: opts.stopAtTStar === false ? 'never' : 'converged',
        freezeSettled: opts.stopAtTStar !== false,
        snapshots: Array.from({ length: opts.steps + 1 }, (_, i) => i),
      },
    );
    disposeState(r.state);
    const n = r.iterations;
    for (let i = 0; i <= n; i++) kept.push(r.snapshots.get(i)!);
    const stops = opts.stopAtTStar === false ? r.tStar.map(() => n) : r.tStar.map((t) => (t >= 0 ? t : n));

    // Per iteration i ≥ 1: which examples moved into x_i (1) or were frozen (0), on the device and as row indices.
    const moving = Array.from({ length: n + 1 }, (_, i) => stops.map((s) => (s >= i ? 1 : 0)));
    const lossOf = (i: number, state: State) => (lossAt === 'final' ? batchLoss(plan, batch.targets, state) : batchLoss(plan, batch.targets, state, tf.tensor1d(moving[i])));
    const scored = [...new Set(batch.targets.map((t) => t.layer))];
    const { value: lossTotal, g: gLoss } = lossAndCotangent(kept, scored, lossAt === 'final' ? [n] : range(1, n), lossOf, lossAt === 'every' ? 1 / Math.max(1, n) : 1);

    let g = gLoss.get(n) ?? zerosLike(kept[n]);
    for (let i = n; i >= 1; i--) {
      const rows = moving[i].flatMap((m, b) => (m === 1 ? [b] : []));
      if (rows.length > 0) {
        // Only the examples that moved at i add to the weight gradient: their rows, or all of them as they are.
        const selector = rows.length < batch.size ? rowSelector(rows, batch.size) : undefined;
        const take = (x: tf.Tensor) => tf.keep(selector ? takeRows(x, selector) : x.clone());
        const J = IterationJacobian.fromStates(bound, batch.clamps, plan.phases, kept[i - 1], kept[i]);
        const back = J.transposeTimes(g, (_, update, input, gz) => record(records, update, take(gz), new Map(readBy(plan, update).map((id) => [id, take(input.get(id)!)]))));
        J.dispose();
        selector?.dispose();
        const active = tf.tensor1d(moving[i]);
        const next = tidyState(() => new Map([...g].map(([id, x]) => [id, mixExamples(active, back.get(id)!, x)])));
        active.dispose();
        disposeState(back);
        disposeState(g);
        g = next;
      }
      const injected = gLoss.get(i - 1);
      if (injected) {
        const sum = tidyState(() => new Map([...g].map(([id, x]) => [id, tf.add(x, injected.get(id)!)])));
        disposeState(g);
        g = sum;
      }
    }
    disposeState(g);
    gLoss.forEach((s) => disposeState(s));

    const grads = weightGradients(network, [...records.values()]);
    const loss = await readValues(lossTotal, true);
    return {
      loss: loss[0],
      grads,
      tStar: r.tStar,
      cycle2: 0,
      tossed: 0,
      tossedWhy: { notSettled: 0, diverged: 0 },
      iterations: n,
      adjointSteps: 0,
    };
  } finally {
    bound.dispose();
    kept.forEach((s) => disposeState(s));
    for (const rec of records.values()) {
      rec.gz.forEach((t) => t.dispose());
      rec.inputs.forEach((s) => disposeState(s));
    }
  }
}

/** The layers an update's net input reads (and its own, which gives the net input its shape). */
function readBy(plan: Plan, update: LayerUpdate): string[] {
  const reads = update.terms.flatMap((t) => {
    const c = plan.couplings.find((x) => x.id === t.coupling)!;
    return couplingKind(c).reads(c);
  });
  return [...new Set([update.layer, ...reads])];
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => from + k);
}

function zerosLike(s: State): State {
  return tidyState(() => new Map([...s].map(([id, x]) => [id, tf.zerosLike(x)])));
}

function record(records: Map<string, NetInputCotangents>, update: LayerUpdate, gz: tf.Tensor, input: State): void {
  const key = update.layer;
  const rec = records.get(key) ?? { update, gz: [], inputs: [] };
  rec.gz.push(gz);
  rec.inputs.push(input);
  records.set(key, rec);
}

/**
 * The loss (a sum over `at` of lossOf(i), times `scale`) and its cotangents ∂L/∂x_i at each
 * of those iterations; the caller owns both.
 */
function lossAndCotangent(states: State[], scored: readonly string[], at: number[], lossOf: (i: number, state: State) => tf.Scalar, scale: number): { value: tf.Scalar; g: Map<number, State> } {
  const g = new Map<number, State>();
  let total: tf.Scalar = tf.scalar(0);
  for (const i of at) {
    // Only the scored layers are differentiated (the loss does not reach the others: their cotangent is 0).
    const ids = scored;
    const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => tf.mul(scale, lossOf(i, new Map([...states[i], ...ids.map((id, k) => [id, xs[k]] as const)]))) as tf.Scalar)(
      ids.map((id) => states[i].get(id)!),
    );
    g.set(i, new Map([...states[i]].map(([id, x]) => [id, ids.includes(id) ? grads[ids.indexOf(id)] : tf.zerosLike(x)])));
    const sum = tf.add(total, value) as tf.Scalar;
    total.dispose();
    value.dispose();
    total = sum;
  }
  return { value: total, g };
}
