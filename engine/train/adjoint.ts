/**
 * Vector–Jacobian products of one iteration of the compiled schedule, in closed form:
 * Jᵀg with J = ∂F/∂x, F one iteration from a state x to x′. Recurrent backprop
 * (Pineda/Almeida) takes them at a fixed point x* = F(x*), repeatedly; explicit BPTT
 * (bptt.ts) takes one per iteration it ran, from the states it kept.
 *
 * No tape: F's phases are walked backwards; a layer a phase overwrites passes nothing back
 * through its old value, its cotangent goes through the activation's derivative and the
 * clamp ((1−c): clamped units have zero Jacobian rows, DESIGN §5), and then through the
 * adjoint of each net-input term — the adjoint of a coupling's up is its down and a within
 * coupling is its own adjoint, because the weights are symmetric. One product per term.
 */
import { tf } from '../tf.js';
import type { LayerSpec, LayerUpdate, Phase } from '../compile/plan.js';
import type { BoundNet, State } from '../runtime/network.js';
import type { ClampBinding } from '../runtime/state.js';
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

/** Jᵀg products of one iteration's map, repeated by the adjoint solver. */
export interface AdjointOperator {
  transposeTimes(g: State): State;
  dispose(): void;
}

/**
 * Told, for each layer update the walk passes, the phase input the update read and the
 * cotangent gz = ∂L/∂z of its net input: what the weight gradient of that update needs.
 * Tensors are borrowed: keep (tf.keep) what must outlive the call.
 */
export type OnNetInputCotangent = (phase: number, update: LayerUpdate, input: State, gz: tf.Tensor) => void;

interface PhaseStates {
  /** The state the phase reads. */
  readonly input: State;
  /** The state after it: the updated layers hold their new values. */
  readonly output: State;
}

/** J of one iteration of the layer-wise schedules, from the states around each of its phases. */
export class IterationJacobian implements AdjointOperator {
  private readonly free = new Map<string, tf.Tensor>();

  private constructor(
    private readonly net: BoundNet,
    clamps: ReadonlyMap<string, ClampBinding>,
    private readonly phases: readonly Phase[],
    private readonly states: readonly PhaseStates[],
    /** Tensors this Jacobian made (phase outputs it computed) and frees. */
    private readonly owned: tf.Tensor[],
  ) {
    for (const [id, c] of clamps) this.free.set(id, tf.sub(1, c.mask));
  }

  /** J at a fixed point x*: one forward iteration from x*, kept for repeated products. */
  static atFixedPoint(net: BoundNet, ctx: StepContext, xStar: State): IterationJacobian {
    let s = xStar;
    const states: PhaseStates[] = [];
    const owned: tf.Tensor[] = [];
    for (const phase of net.plan.phases) {
      const next = tidyState(() => runPhase({ ...ctx, dropout: new Map() }, phase, s));
      for (const u of phase.updates) owned.push(next.get(u.layer)!);
      states.push({ input: s, output: next });
      s = next;
    }
    return new IterationJacobian(net, ctx.clamps, net.plan.phases, states, owned);
  }

  /**
   * J of an iteration that ran from `before` to `after`, phases in `phases` order, each layer
   * updated once: a phase reads the layers earlier phases updated at their new values.
   */
  static fromStates(net: BoundNet, clamps: ReadonlyMap<string, ClampBinding>, phases: readonly Phase[], before: State, after: State): IterationJacobian {
    let s = before;
    const states: PhaseStates[] = [];
    for (const phase of phases) {
      const next: State = new Map(s);
      for (const u of phase.updates) next.set(u.layer, after.get(u.layer)!);
      states.push({ input: s, output: next });
      s = next;
    }
    return new IterationJacobian(net, clamps, phases, states, []);
  }

  /** f(z) for a layer update: its new value, or, for a damped step x′ = (1−α)x + α·f(z), f(z) recovered from it. */
  private activated(update: LayerUpdate, input: State, output: State): tf.Tensor {
    const x = output.get(update.layer)!;
    if (update.damped === undefined) return x;
    return tf.div(tf.sub(x, tf.mul(1 - update.damped, input.get(update.layer)!)), update.damped);
  }

  /** Jᵀg for a cotangent on every layer's state; `onGz` sees each update's net-input cotangent. */
  transposeTimes(g: State, onGz?: OnNetInputCotangent): State {
    return tidyState(() => {
      let cot: State = new Map(g);
      for (let p = this.phases.length - 1; p >= 0; p--) {
        const { input, output } = this.states[p];
        const updates = this.phases[p].updates;
        const next: State = new Map(cot);
        // An overwritten layer passes nothing back through its old value; a damped one keeps (1 − α) of it.
        for (const update of updates) {
          const g = cot.get(update.layer)!;
          const free = this.free.get(update.layer);
          next.set(update.layer, update.damped === undefined ? tf.zerosLike(g) : tf.mul(1 - update.damped, free ? tf.mul(g, free) : g));
        }
        for (const update of updates) {
          let gz = activationVjp(this.net.layer(update.layer), this.activated(update, input, output), cot.get(update.layer)!);
          const free = this.free.get(update.layer);
          if (free) gz = tf.mul(gz, free);
          if (update.damped !== undefined) gz = tf.mul(update.damped, gz);
          onGz?.(p, update, input, gz);
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
    this.owned.forEach((t) => t.dispose());
    this.free.forEach((t) => t.dispose());
  }
}
