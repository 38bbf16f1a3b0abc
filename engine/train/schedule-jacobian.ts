/**
 * The Jacobian of one iteration of the schedule that ran, at a fixed point x*: what the
 * recurrent-backprop adjoint solves with and what the stability analysis measures. On an
 * asynchronous plan the units step one at a time in one seeded order (x* is a fixed point
 * of every order; the Jacobian is that order's); on the layer-wise schedules the plan's
 * phases in their compiled order (a shuffled order's maps share x*, and the fixed order
 * stands for them).
 */
import type { Phase } from '../compile/plan.js';
import type { BoundNet, State } from '../runtime/network.js';
import { unitOrder, type StepContext } from '../runtime/step.js';
import { makeRng } from '../data/rng.js';
import { IterationJacobian, type AdjointOperator } from './adjoint.js';
import { UnitwiseJacobian } from './unitwise-adjoint.js';

export interface ScheduleJacobian {
  readonly J: AdjointOperator;
  /** On an asynchronous plan: its phase and the unit order J is the Jacobian of. */
  readonly unitwise?: { readonly phase: Phase; readonly order: readonly (readonly [number, number])[] };
}

export function scheduleJacobian(bound: BoundNet, ctx: StepContext, xStar: State, seed: number): ScheduleJacobian {
  const [phase] = bound.plan.phases;
  if (!bound.plan.unitwise || !phase) return { J: IterationJacobian.atFixedPoint(bound, ctx, xStar) };
  const order = unitOrder(phase, bound, (a) => makeRng(seed + 2).shuffle(a));
  return { J: new UnitwiseJacobian(bound, ctx, xStar, phase, order), unitwise: { phase, order } };
}
