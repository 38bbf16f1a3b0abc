/**
 * Equilibrium propagation's nudged phases: a bound net whose settle descends
 * F = E + β·C instead of E, where C = c·L is the batch loss L scaled to one example's worth
 * (c = the batch's scored units, or scored groups for a softmax cross-entropy target; with
 * several targets the fewest). The scale makes β mean the same for every batch and layer
 * size: a squared-error unit's net input moves by 2β(y − x), a softmax label's by β/x_c —
 * the papers' β(y − x) and β/x with the loss's own factors.
 *
 * Only the target layers' updates change; in each, x ← f(u) must minimise F over the
 * layer as x ← f(z) minimises E (z = −∂(E − barrier)/∂x):
 *
 * - squared error: u = z − β·∂C/∂x at the layer's current value: the minimiser of F with
 *   C linearised there. C's curvature is 2·weight per unit and the barrier's at least μ
 *   (1 for tanh, linear and softmax, 4 for sigmoid), so an update lowers F by at least
 *   ½(μ − 2β·weight)·‖Δx‖² (for −β, where the linearisation majorises −C, by ½μ‖Δx‖², and
 *   F is convex over the layer only while 2β·weight < μ). So F never rises while
 *   β < μ/(2·weight), and eqpropRefusal refuses a larger β (at the limit F can stay level
 *   while the layer 2-cycles). The fixed points are exactly F's stationary points.
 * - cross-entropy on a softmax layer: −ln x has no curvature bound, so the linearised step
 *   can overshoot; the group's minimiser is solved exactly instead (eqprop-softmax.ts).
 *
 * The settle needs no hook: the net input is the only thing a layer update reads, and the
 * energy this net reports is F, so the settle's own descent check watches F.
 */
import { tf } from '../tf.js';
import { layerById, type LayerUpdate, type Plan, type TargetSpec } from '../compile/plan.js';
import type { Activation } from '../../nodes/kinds/layer.js';
import { couplingKind } from '../couplings/registry.js';
import { BoundNet } from '../runtime/network.js';
import type { TargetBinding } from '../runtime/batch.js';
import { batchLoss, exampleShares } from './loss.js';
import { softmaxCrossEntropyNudge } from './eqprop-softmax.js';

/** The barrier's least curvature per unit: how strongly a layer update resists a quadratic nudge. */
const BARRIER_CURVATURE: Partial<Record<Activation, number>> = { tanh: 1, linear: 1, softmax: 1, sigmoid: 4 };

function softmaxCrossEntropy(plan: Plan, t: TargetSpec): boolean {
  return t.loss === 'cross-entropy' && layerById(plan, t.layer).activation === 'softmax';
}

/** Why equilibrium propagation does not apply to this plan at this β, or undefined. */
export function eqpropRefusal(plan: Plan, beta: number): string | undefined {
  const oneWay = plan.couplings.find((c) => couplingKind(c).reads(c).some((l) => !couplingKind(c).writes(c).includes(l)));
  if (oneWay) return `coupling "${oneWay.id}" is a one-way flow: its fixed points are not stationary points of an energy`;
  for (const t of plan.targets) {
    const layer = layerById(plan, t.layer);
    if (t.loss === 'cross-entropy') {
      if (layer.activation !== 'softmax') return `target "${t.id}": cross-entropy on the ${layer.activation} layer "${layer.id}" is not supported; use squared error (loss "mse")`;
      if (t.data.port !== 'labels') return `target "${t.id}": cross-entropy on a softmax layer needs one-hot targets (a dataset's labels), got its ${t.data.port}`;
      if (plan.targets.some((o) => o !== t && o.layer === t.layer && o.loss === 'cross-entropy')) return `layer "${layer.id}" has two cross-entropy targets; give it one`;
      continue;
    }
    const mu = BARRIER_CURVATURE[layer.activation];
    if (mu === undefined) return `target "${t.id}": the ${layer.activation} layer "${layer.id}" has no barrier, so a nudge has nothing smooth to move`;
    // At the limit F may stay level while the layer swings: the nudged phase can 2-cycle.
    const limit = mu / (2 * t.weight);
    if (beta >= limit) {
      return `β = ${beta} is too large for target "${t.id}" (squared error, weight ${t.weight}, ${layer.activation} layer "${layer.id}"): the nudged updates descend F strictly only for β < ${limit}`;
    }
  }
  return undefined;
}

/**
 * c, the scale of C = c·L: the scored units of each target over the batch (groups for a
 * softmax cross-entropy target), the fewest of them; a kept scalar the caller disposes.
 */
export function nudgeScale(plan: Plan, targets: readonly TargetBinding[]): tf.Scalar {
  return tf.keep(
    tf.tidy(() => {
      const items = targets.map((t) => {
        const spec = plan.targets.find((s) => s.id === t.target)!;
        const group = softmaxCrossEntropy(plan, spec) ? layerById(plan, spec.layer).softmaxGroup : 1;
        return tf.div(tf.maximum(tf.sum(t.mask), 1), group);
      });
      return (items.length > 0 ? tf.min(tf.stack(items)) : tf.scalar(1)) as tf.Scalar;
    }),
  );
}

interface LayerNudge {
  readonly squared: TargetBinding[];
  /** −a·ln x_c per unit for a softmax cross-entropy target: a = β·c·(−∂L/∂x at x = 1). */
  readonly softmax?: { readonly a: tf.Tensor; readonly group: number };
}

/** A bound net that settles to the minimum of F = E + β·c·L near where it starts. */
export class NudgedNet extends BoundNet {
  private readonly nudges = new Map<string, LayerNudge>();
  /** Per softmax cross-entropy layer, as of its last update: 1 per example where F had no minimum near the state. */
  private readonly missingByLayer = new Map<string, tf.Tensor1D>();

  /** `scale`: c from nudgeScale, owned by the caller. */
  constructor(
    plan: Plan,
    params: ReadonlyMap<string, tf.Tensor>,
    readonly beta: number,
    private readonly targets: readonly TargetBinding[],
    private readonly scale: tf.Scalar,
  ) {
    super(plan, params);
    for (const t of targets) {
      const spec = plan.targets.find((s) => s.id === t.target)!;
      const entry = this.nudges.get(t.layer) ?? { squared: [] };
      if (softmaxCrossEntropy(plan, spec)) {
        // −∂L/∂x at x = 1 is the loss's own coefficient of −ln x (weight·group·M·y/ΣM).
        const a = tf.keep(tf.tidy(() => tf.mul(-beta, tf.mul(scale, tf.grad((x: tf.Tensor) => batchLoss(plan, [t], new Map([[t.layer, x]])))(tf.onesLike(t.values))))));
        this.nudges.set(t.layer, { ...entry, softmax: { a, group: layerById(plan, t.layer).softmaxGroup } });
      } else {
        this.nudges.set(t.layer, { ...entry, squared: [...entry.squared, t] });
      }
    }
  }

  override netInput(update: LayerUpdate, state: ReadonlyMap<string, tf.Tensor>): tf.Tensor {
    const z = super.netInput(update, state);
    const nudge = this.nudges.get(update.layer);
    if (!nudge) return z;
    let u = z;
    if (nudge.squared.length > 0) {
      const x = state.get(update.layer)!;
      const dL = tf.grad((v: tf.Tensor) => batchLoss(this.plan, nudge.squared, new Map([[update.layer, v]])))(x);
      u = tf.sub(u, tf.mul(this.beta, tf.mul(this.scale, dL)));
    }
    if (nudge.softmax) {
      const solved = softmaxCrossEntropyNudge(u, nudge.softmax.a, nudge.softmax.group);
      this.missingByLayer.get(update.layer)?.dispose();
      this.missingByLayer.set(update.layer, tf.keep(tf.max(tf.reshape(solved.missing, [z.shape[0], -1]), 1) as tf.Tensor1D));
      u = solved.u;
    }
    return u;
  }

  /** Per example: 1 where the last update found no minimum of F near the state (a −β cross-entropy phase), else 0. */
  missing(batch: number): tf.Tensor1D {
    return tf.tidy(() => [...this.missingByLayer.values()].reduce((m, l) => tf.maximum(m, l), tf.zeros([batch]) as tf.Tensor1D));
  }

  /** F = E + β·c·(each example's share of L), per example. */
  override energy(state: ReadonlyMap<string, tf.Tensor>): tf.Tensor1D {
    return tf.tidy(() => tf.add(super.energy(state), this.nudgeEnergy(state)));
  }

  override energyWithScale(state: ReadonlyMap<string, tf.Tensor>): { energy: tf.Tensor1D; scale: tf.Tensor1D } {
    return tf.tidy(() => {
      const e = super.energyWithScale(state);
      const n = this.nudgeEnergy(state);
      return { energy: tf.add(e.energy, n), scale: tf.add(e.scale, tf.abs(n)) };
    });
  }

  private nudgeEnergy(state: ReadonlyMap<string, tf.Tensor>): tf.Tensor1D {
    return tf.mul(this.beta, tf.mul(this.scale, exampleShares(this.plan, this.targets, state)));
  }

  override dispose(): void {
    super.dispose();
    for (const n of this.nudges.values()) n.softmax?.a.dispose();
    this.missingByLayer.forEach((m) => m.dispose());
  }
}
