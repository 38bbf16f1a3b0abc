/**
 * The adjoint of the asynchronous schedule's iteration map at a fixed point x*: the units
 * update one at a time in an order π, F = U_π(K)∘…∘U_π(1), so Jᵀ = U_π(1)ᵀ ⋯ U_π(K)ᵀ, applied
 * last step first. A unit step sets x_u ← f(z_u(x)) and leaves the rest, so its transpose
 * zeroes the cotangent of u's old value and sends g_u·f′(z_u) back through the adjoint of
 * each net-input term (the coupling kinds' vjp). At a fixed point every step reads x*
 * itself (each unit already sits at f(z_u(x*))), so one net input per layer at x* serves
 * every step.
 *
 * This is the Jacobian of the map that ran: the synchronous map shares x* but not its
 * Jacobian, and where it 2-cycles its Neumann series diverges although this one converges.
 */
import { tf } from '../tf.js';
import type { LayerSpec, LayerUpdate, Phase } from '../compile/plan.js';
import type { BoundNet, State } from '../runtime/network.js';
import type { StepContext } from '../runtime/step.js';
import { activate } from '../runtime/activations.js';
import { tidyState } from '../runtime/settle.js';
import { activationVjp, type AdjointOperator } from './adjoint.js';

interface UnitLayer {
  readonly update: LayerUpdate;
  readonly layer: LayerSpec;
  /** f(z(x*)): the value each of its units takes when its turn comes. */
  readonly y: tf.Tensor;
  /** 1 − c: the units no clamp holds (clamped units have zero Jacobian rows). */
  readonly free: tf.Tensor | undefined;
}

export class UnitwiseJacobian implements AdjointOperator {
  private readonly layers: UnitLayer[];

  constructor(
    private readonly net: BoundNet,
    ctx: StepContext,
    private readonly xStar: State,
    phase: Phase,
    /** [update index, first unit] pairs, in the order the units update. */
    private readonly order: readonly (readonly [number, number])[],
  ) {
    this.layers = phase.updates.map((update) => {
      const layer = net.layer(update.layer);
      const y = tf.tidy(() => activate(layer, net.netInput(update, xStar)));
      const clamp = ctx.clamps.get(update.layer);
      return { update, layer, y, free: clamp ? tf.sub(1, clamp.mask) : undefined };
    });
  }

  transposeTimes(g: State): State {
    return tidyState(() => {
      const cot: State = new Map(g);
      for (let k = this.order.length - 1; k >= 0; k--) {
        const [index, start] = this.order[k];
        const { update, layer, y, free } = this.layers[index];
        // A softmax group moves as one unit of update (runtime/step.ts).
        const size = layer.activation === 'softmax' ? layer.softmaxGroup : 1;
        const buf = tf.buffer([layer.units]);
        for (let j = 0; j < size; j++) buf.set(1, start + j);
        const unit = tf.reshape(buf.toTensor(), [1, ...layer.dims]);
        const g = cot.get(update.layer)!;
        let gz = activationVjp(layer, y, tf.mul(g, unit));
        if (free) gz = tf.mul(gz, free);
        cot.set(update.layer, tf.mul(g, tf.sub(1, unit)));
        for (const term of update.terms) {
          for (const [id, back] of this.net.couplings.get(term.coupling)!.vjp(update.layer, this.xStar, gz)) cot.set(id, tf.add(cot.get(id)!, back));
        }
      }
      // A wholly clamped layer is data, a constant of F: its rows of J are zero.
      for (const l of this.net.plan.layers) if (l.fullyClamped) cot.set(l.id, tf.zerosLike(cot.get(l.id)!));
      return cot;
    });
  }

  dispose(): void {
    for (const { y, free } of this.layers) {
      y.dispose();
      free?.dispose();
    }
  }
}
