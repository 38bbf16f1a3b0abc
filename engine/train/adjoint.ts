/**
 * Recurrent backprop (Pineda/Almeida) at a fixed point x* = F(x*):
 *   dL/dθ = (∂F/∂θ)ᵀ ḡ,   ḡ = Σ_k (Jᵀ)^k ∂L/∂x*,   J = ∂F/∂x at x*,
 * with ḡ from the power series g ← g₀ + Jᵀg. F is one iteration of the compiled schedule.
 *
 * Jᵀg is computed in closed form, with no tape: F's phases are walked backwards; a layer
 * a phase overwrites passes nothing back through its old value, its cotangent goes
 * through the activation's derivative and the clamp ((1−c): clamped units have zero
 * Jacobian rows, DESIGN §5), and then through the adjoint of each net-input term —
 * the adjoint of a coupling's up is its down and a within coupling is its own adjoint,
 * because the weights are symmetric. One series step costs one matmul/conv per term.
 */
import { tf } from '../tf.js';
import type { LayerSpec, LayerUpdate, Plan } from '../compile/plan.js';
import type { BoundNet, State } from '../runtime/network.js';
import { runPhase, type StepContext } from '../runtime/step.js';
import { tidyState } from '../runtime/settle.js';

/** ∂f/∂z as a function of the output x, applied to a cotangent g. */
export function activationVjp(layer: LayerSpec, x: tf.Tensor, g: tf.Tensor): tf.Tensor {
  switch (layer.activation) {
    case 'tanh':
      return tf.mul(g, tf.sub(1, tf.square(x)));
    case 'sigmoid':
      return tf.mul(g, tf.mul(x, tf.sub(1, x)));
    case 'linear':
      return g;
    case 'sign':
      return tf.zerosLike(g);
    case 'softmax': {
      const n = layer.softmaxGroup;
      const xs = tf.reshape(x, [-1, n]);
      const gs = tf.reshape(g, [-1, n]);
      return tf.reshape(tf.mul(xs, tf.sub(gs, tf.sum(tf.mul(xs, gs), 1, true))), x.shape);
    }
  }
}

interface PhaseJacobian {
  /** The state the phase reads (for the vector–Jacobian products of nonlinear terms). */
  readonly input: State;
  /** Per updated layer: its update, its new value at x* and (1 − c), the units no clamp holds. */
  readonly layers: { update: LayerUpdate; layer: LayerSpec; x: tf.Tensor; free: tf.Tensor | undefined }[];
}

/** Jᵀg products of one iteration's map at x*, repeated by the adjoint solver. */
export interface AdjointOperator {
  transposeTimes(g: State): State;
  dispose(): void;
}

/** J at x* of the layer-wise schedules, ready for repeated Jᵀg products: one forward iteration, kept. */
export class FixedPointJacobian implements AdjointOperator {
  private readonly phases: PhaseJacobian[] = [];
  private readonly tensors: tf.Tensor[];

  constructor(
    private readonly net: BoundNet,
    ctx: StepContext,
    xStar: State,
  ) {
    const plan: Plan = net.plan;
    let s = xStar;
    const made: tf.Tensor[] = [];
    for (const phase of plan.phases) {
      const next = tidyState(() => runPhase({ ...ctx, dropout: new Map() }, phase, s));
      const layers = phase.updates.map((update) => {
        const layer = net.layer(update.layer);
        const clamp = ctx.clamps.get(update.layer);
        const free = clamp ? tf.sub(1, clamp.mask) : undefined;
        if (free) made.push(free);
        return { update, layer, x: next.get(update.layer)!, free };
      });
      for (const u of phase.updates) made.push(next.get(u.layer)!);
      this.phases.push({ input: s, layers });
      s = next;
    }
    this.tensors = made;
  }

  /** f(z) at x* for a layer update: the new value itself, or, for a damped step, f(z) recovered from it. */
  private activated(update: LayerUpdate, x: tf.Tensor, input: State): tf.Tensor {
    if (update.damped === undefined) return x;
    const old = input.get(update.layer)!;
    return tf.div(tf.sub(x, tf.mul(1 - update.damped, old)), update.damped);
  }

  /** Jᵀg for a cotangent on every layer's state. */
  transposeTimes(g: State): State {
    return tidyState(() => {
      let cot: State = new Map(g);
      for (let p = this.phases.length - 1; p >= 0; p--) {
        const { input, layers } = this.phases[p];
        const next: State = new Map(cot);
        // An overwritten layer passes nothing back through its old value; a damped one keeps (1 − α) of it.
        for (const { update, free } of layers) {
          const g = cot.get(update.layer)!;
          next.set(update.layer, update.damped === undefined ? tf.zerosLike(g) : tf.mul(1 - update.damped, free ? tf.mul(g, free) : g));
        }
        for (const { update, layer, x, free } of layers) {
          let gz = activationVjp(layer, this.activated(update, x, input), cot.get(update.layer)!);
          if (free) gz = tf.mul(gz, free);
          if (update.damped !== undefined) gz = tf.mul(update.damped, gz);
          // Each term sends gᵀ·∂z/∂x back to the layers it reads: up ↔ down for a coupling between layers, W itself
          // inside one (symmetric weights), an autodiff VJP for nonlinear terms.
          for (const term of update.terms) {
            for (const [id, back] of this.net.couplings.get(term.coupling)!.vjp(update.layer, input, gz)) next.set(id, tf.add(next.get(id)!, back));
          }
        }
        cot = next;
      }
      // A wholly clamped layer is data, a constant of F: its rows of J are zero, not the identity.
      for (const l of this.net.plan.layers) if (l.fullyClamped) cot.set(l.id, tf.zerosLike(cot.get(l.id)!));
      return cot;
    });
  }

  dispose(): void {
    this.tensors.forEach((t) => t.dispose());
  }
}
