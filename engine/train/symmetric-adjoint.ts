/**
 * Recurrent backprop's adjoint by conjugate gradients on a symmetric positive definite
 * system (issue 12; DESIGN §5: "a diverging series is not a singular system").
 *
 * Every schedule's fixed points are those of the synchronous map F_s(x) = f(z(x)), z the
 * net inputs. Its Jacobian is J = D·M with D = f′(z*) (the free units only: a clamped unit
 * has a zero row) and M = ∂z/∂x, and M is symmetric: z = −∂E_couplings/∂x is a gradient
 * (bilinear couplings give M = W; memory and self-attention give minus their energy's
 * Hessian). By the implicit function theorem dL/dθ = ḡᵀ ∂F_s/∂θ with (I − Jᵀ)ḡ = g₀,
 * i.e. (I − M D)ḡ = g₀. With y = D^½ ḡ this is
 *
 *     (I − S) y = D^½ g₀,   S = D^½ M D^½ symmetric,   ḡ = g₀ + M D^½ y,
 *
 * and at a minimum of the energy the Hessian D⁻¹ − M is positive definite, so I − S is:
 * conjugate gradients converge, in about √κ steps, where the power series g ← g₀ + Jᵀg
 * crawls when ρ(J) is near 1 and diverges when the synchronous map would 2-cycle (ρ ≥ 1)
 * although the system is well posed. Per example, with per-example step sizes; the
 * bookkeeping stays on the device and is read every few steps.
 *
 * It applies when D is diagonal and M symmetric: no free softmax layer (its f′ is a dense
 * block per group) and no cross-attention (a one-way flow: z_q depends on the keys, z_k not
 * on the queries). Elsewhere the series runs (adjoint-solve.ts).
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import type { BoundNet } from '../runtime/network.js';
import type { ClampBinding, State } from '../runtime/state.js';
import { axpyPerExample as axpy, disposeState, dotPerExample as dot, perExample, tidyState } from '../runtime/state-ops.js';
import { readCadence, readValues } from '../runtime/readback.js';
import { couplingKind } from '../couplings/registry.js';
import type { AdjointOptions } from './adjoint-solve.js';

/** Why conjugate gradients do not apply to this plan, or undefined when they do. */
export function cgRefusal(plan: Plan): string | undefined {
  const softmax = plan.layers.find((l) => !l.fullyClamped && l.activation === 'softmax');
  if (softmax) return `layer "${softmax.id}" is softmax: f′ is not diagonal`;
  const oneWay = plan.couplings.find((c) => {
    const entry = couplingKind(c);
    return entry.reads(c).some((l) => !entry.writes(c).includes(l));
  });
  return oneWay ? `coupling "${oneWay.id}" is a one-way flow: ∂z/∂x is not symmetric` : undefined;
}

export interface SymmetricSolution {
  /** The net-input cotangent D·ḡ per free layer at x* (what the weight gradient needs). */
  readonly gz: State;
  readonly done: boolean[];
  /** Examples where I − S showed a direction of non-positive curvature: x* is no minimum there. */
  readonly indefinite: boolean[];
  readonly steps: number;
}

export async function cgAdjoint(net: BoundNet, clamps: ReadonlyMap<string, ClampBinding>, xStar: State, g0: State, opts: AdjointOptions): Promise<SymmetricSolution> {
  const plan = net.plan;
  const updates = plan.phases.flatMap((p) => p.updates);
  const batch = g0.values().next().value!.shape[0];
  // √d per layer: f′(z*) on the free units of the layers the schedule updates, 0 elsewhere.
  const root: State = tidyState(() => {
    const out: State = new Map();
    for (const [id, x] of xStar) {
      const layer = net.layer(id);
      const updated = updates.some((u) => u.layer === id);
      let d: tf.Tensor = !updated ? tf.zerosLike(x) : layer.activation === 'tanh' ? tf.sub(1, tf.square(x)) : layer.activation === 'sigmoid' ? tf.mul(x, tf.sub(1, x)) : layer.activation === 'linear' ? tf.onesLike(x) : tf.zerosLike(x);
      const clamp = clamps.get(id);
      if (clamp) d = tf.mul(d, tf.sub(1, clamp.mask));
      out.set(id, tf.sqrt(tf.relu(d)));
    }
    return out;
  });
  /** M·v: each update's terms send v on the layer they write back to the layers they read (M is symmetric). */
  const times = (v: State): State =>
    tidyState(() => {
      const out: State = new Map([...v].map(([id, x]) => [id, tf.zerosLike(x)]));
      for (const u of updates) {
        for (const term of u.terms) {
          for (const [id, back] of net.couplings.get(term.coupling)!.vjp(u.layer, xStar, v.get(u.layer)!)) out.set(id, tf.add(out.get(id)!, back));
        }
      }
      return out;
    });
  const scaled = (v: State): State => tidyState(() => new Map([...v].map(([id, x]) => [id, tf.mul(x, root.get(id)!)])));
  /** A p = p − √d ⊙ M(√d ⊙ p). */
  const apply = (p: State): State => {
    const sp = scaled(p);
    const msp = times(sp);
    const smsp = scaled(msp);
    disposeState(sp);
    disposeState(msp);
    const out = tidyState(() => new Map([...p].map(([id, x]) => [id, tf.sub(x, smsp.get(id)!)])));
    disposeState(smsp);
    return out;
  };

  const b = scaled(g0);
  let y: State = tidyState(() => new Map([...b].map(([id, x]) => [id, tf.zerosLike(x)])));
  let r: State = tidyState(() => new Map([...b].map(([id, x]) => [id, tf.clone(x)])));
  let p: State = tidyState(() => new Map([...b].map(([id, x]) => [id, tf.clone(x)])));
  let rs = dot(r, r);
  const bound = tf.tidy(() => tf.mul(opts.tolerance * opts.tolerance, tf.maximum(rs, 1e-30)));
  let done = tf.tidy(() => tf.lessEqual(rs, bound)) as tf.Tensor1D;
  let indefinite = tf.zeros([batch], 'bool') as tf.Tensor1D;
  const every = readCadence();
  let pending: tf.Tensor[] = [];
  let steps = 0;
  try {
    for (let k = 1; k <= opts.maxSteps; k++) {
      const ap = apply(p);
      const curvature = dot(p, ap);
      const step = tf.tidy(() => {
        const active = tf.logicalNot(tf.logicalOr(done, indefinite));
        const flat = tf.logicalAnd(active, tf.lessEqual(curvature, 0));
        const moving = tf.logicalAnd(active, tf.logicalNot(flat));
        // Stopped examples take a step of 0: y, r and p stay as they are.
        const alpha = tf.where(moving, tf.div(rs, tf.where(moving, curvature, tf.onesLike(curvature))), tf.zerosLike(rs));
        return { alpha, flat, moving };
      });
      const yNext = axpy(y, step.alpha as tf.Tensor1D, p);
      const negAlpha = tf.neg(step.alpha);
      const rNext = axpy(r, negAlpha as tf.Tensor1D, ap);
      negAlpha.dispose();
      disposeState(ap);
      disposeState(y);
      disposeState(r);
      y = yNext;
      r = rNext;
      const rsNext = dot(r, r);
      const beta = tf.tidy(() => tf.where(step.moving as tf.Tensor1D, tf.div(rsNext, tf.maximum(rs, 1e-30)), tf.zerosLike(rs)));
      const pNext = tidyState(() => new Map([...r].map(([id, x]) => [id, tf.add(x, tf.mul(perExample(beta as tf.Tensor1D, x.rank), p.get(id)!))])));
      // A stopped example keeps its p (its α is 0 from now on anyway).
      disposeState(p);
      p = pNext;
      const flags = tf.tidy(() => {
        const nowIndefinite = tf.logicalOr(indefinite, step.flat as tf.Tensor1D);
        const nowDone = tf.logicalOr(done, tf.logicalAnd(step.moving as tf.Tensor1D, tf.lessEqual(rsNext, bound)));
        return { done: nowDone, indefinite: nowIndefinite, stopped: tf.cast(tf.all(tf.logicalOr(nowDone, nowIndefinite)), 'float32') };
      });
      [curvature, step.alpha, step.flat, step.moving, beta, rs, done, indefinite].forEach((t) => t.dispose());
      rs = rsNext;
      done = flags.done as tf.Tensor1D;
      indefinite = flags.indefinite as tf.Tensor1D;
      pending.push(flags.stopped);
      steps = k;
      if (k % every !== 0 && k < opts.maxSteps) continue;
      const stopped = await readValues(tf.tidy(() => tf.stack(pending)), true);
      pending.forEach((t) => t.dispose());
      const first = k - stopped.length + 1;
      pending = [];
      const end = stopped.findIndex((v) => v > 0);
      if (end >= 0) {
        steps = first + end;
        break;
      }
    }
    // ḡ = g₀ + M √d y, and what the weight gradient needs: D ḡ = √d ⊙ √d ⊙ ḡ.
    const sy = scaled(y);
    const msy = times(sy);
    disposeState(sy);
    const gz = tidyState(() => new Map([...g0].map(([id, x]) => [id, tf.mul(tf.square(root.get(id)!), tf.add(x, msy.get(id)!))])));
    disposeState(msy);
    const status = await readValues(tf.tidy(() => tf.concat([tf.cast(done, 'float32'), tf.cast(indefinite, 'float32')])), true);
    return { gz, done: Array.from(status.subarray(0, batch), (v) => v > 0), indefinite: Array.from(status.subarray(batch), (v) => v > 0), steps };
  } finally {
    pending.forEach((t) => t.dispose());
    [rs, bound, done, indefinite].forEach((t) => t.dispose());
    [root, b, y, r, p].forEach((s) => disposeState(s));
  }
}
