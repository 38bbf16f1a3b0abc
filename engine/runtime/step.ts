/**
 * One iteration of the compiled schedule: phases in order (or shuffled), each phase
 * updating its layers from the same old state, clamps re-applied, dropped-out units
 * kept. Pure tensor functions of the state, shared by settling and training.
 */
import { tf } from '../tf.js';
import type { LayerUpdate, Phase } from '../compile/plan.js';
import type { BoundNet } from './network.js';
import type { ClampBinding, State } from './state.js';

export type { ClampBinding };
import { activate } from './activations.js';


export interface StepContext {
  readonly net: BoundNet;
  readonly clamps: ReadonlyMap<string, ClampBinding>;
  /** Per-layer dropout share: those units skip an update and keep their value. */
  readonly dropout: ReadonlyMap<string, number>;
  /** Seeds for dropout masks and unit orders; called once per random draw. */
  readonly nextSeed: () => number;
}

export function applyClamp(c: ClampBinding | undefined, x: tf.Tensor): tf.Tensor {
  if (!c) return x;
  return tf.add(tf.mul(c.mask, c.values), tf.mul(tf.sub(1, c.mask), x));
}

function updateLayer(ctx: StepContext, update: LayerUpdate, state: State): tf.Tensor {
  const old = state.get(update.layer)!;
  let next = activate(ctx.net.layer(update.layer), ctx.net.netInput(update, state));
  // Energy self-attention moves tokens a step α towards the minimiser, not onto it.
  if (update.damped !== undefined) next = tf.add(tf.mul(1 - update.damped, old), tf.mul(update.damped, next));
  const p = ctx.dropout.get(update.layer) ?? 0;
  if (p > 0) {
    const keep = tf.less(tf.randomUniform(old.shape, 0, 1, 'float32', ctx.nextSeed()), p);
    next = tf.where(keep, old, next);
  }
  return applyClamp(ctx.clamps.get(update.layer), next);
}

/** All layers of a phase read the same old state, so their updates are parallel. */
export function runPhase(ctx: StepContext, phase: Phase, state: State): State {
  const out: State = new Map(state);
  for (const u of phase.updates) out.set(u.layer, updateLayer(ctx, u, state));
  return out;
}

/**
 * One unit at a time, in a random order over every free unit of the phase. Softmax
 * units move as a group (their simplex), so a group is the unit of update there.
 * Exact but slow: one layer net input per unit.
 */
export function runUnitwise(ctx: StepContext, phase: Phase, state: State, order: readonly (readonly [number, number])[]): State {
  const s: State = new Map(state);
  const created = new Set<tf.Tensor>();
  for (const [u, start] of order) {
    const update = phase.updates[u];
    const layer = ctx.net.layer(update.layer);
    const size = layer.activation === 'softmax' ? layer.softmaxGroup : 1;
    const x = s.get(update.layer)!;
    // Each unit's step is tidied on its own: an iteration makes one state tensor per unit.
    const moved = tf.tidy(() => {
      const buf = tf.buffer([layer.units]);
      for (let k = 0; k < size; k++) buf.set(1, start + k);
      const mask = tf.reshape(buf.toTensor(), [1, ...layer.dims]);
      const next = activate(layer, ctx.net.netInput(update, s));
      return applyClamp(ctx.clamps.get(update.layer), tf.add(tf.mul(mask, next), tf.mul(tf.sub(1, mask), x)));
    });
    if (created.delete(x)) x.dispose();
    created.add(moved);
    s.set(update.layer, moved);
  }
  return s;
}

/** The unit-at-a-time visiting order: [update index, first unit] pairs, shuffled. */
export function unitOrder(phase: Phase, net: BoundNet, shuffle: <T>(a: T[]) => T[]): [number, number][] {
  const order: [number, number][] = [];
  phase.updates.forEach((u, i) => {
    const layer = net.layer(u.layer);
    const size = layer.activation === 'softmax' ? layer.softmaxGroup : 1;
    for (let start = 0; start < layer.units; start += size) order.push([i, start]);
  });
  return shuffle(order);
}

/**
 * One phase as the plan schedules it: its layers in parallel from the same old state, or,
 * on an asynchronous plan, one unit at a time in an order `shuffle` draws. Settling and the
 * unrolled training methods both step through this, so training differentiates the
 * schedule that actually runs.
 */
export function runScheduled(ctx: StepContext, phase: Phase, state: State, shuffle: <T>(a: T[]) => T[]): State {
  if (!ctx.net.plan.unitwise) return runPhase(ctx, phase, state);
  return runUnitwise(ctx, phase, state, unitOrder(phase, ctx.net, shuffle));
}
