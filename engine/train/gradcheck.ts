/**
 * Gradient checks: BPTT with a long T, recurrent backprop, equilibrium propagation at a
 * small β (where it applies), and central finite differences of the settled loss
 * L(x*(θ)), compared on a sample of parameter entries.
 */
import { tf } from '../tf.js';
import type { Network } from '../runtime/network.js';
import type { Batch } from '../runtime/batch.js';
import { disposeState, settle } from '../runtime/settle.js';
import { makeRng } from '../data/rng.js';
import { batchLoss } from './loss.js';
import { readValues } from '../runtime/readback.js';
import { bpttGradients, eqpropGradients, recurrentBackpropGradients, type GradientResult, type MethodOptions } from './methods.js';
import { eqpropRefusal } from './eqprop-nudge.js';

export interface Coordinate {
  readonly param: string;
  readonly index: number;
}

export interface Agreement {
  readonly cosine: number;
  /** max_i |a_i − b_i| / max_i |b_i|: the worst error relative to the gradient's scale. */
  readonly maxRelError: number;
}

export interface GradcheckReport {
  readonly coordinates: Coordinate[];
  readonly bptt: number[];
  readonly recurrentBackprop: number[];
  readonly finiteDifferences: number[];
  readonly bpttVsFd: Agreement;
  readonly rbpVsFd: Agreement;
  readonly bpttVsRbp: Agreement;
  /** Equilibrium propagation at β (symmetric), or null with the reason in `notes` where it does not apply. */
  readonly eqprop: number[] | null;
  readonly eqpropVsFd: Agreement | null;
  readonly eqpropVsRbp: Agreement | null;
  readonly beta: number;
  readonly tossed: number;
  /** Why recurrent backprop tossed examples: not settled within the steps, or its adjoint did not converge. */
  readonly tossedWhy: { readonly notSettled: number; readonly diverged: number };
  readonly tStar: number[];
  readonly epsilon: number;
  readonly theta: number;
  readonly adjointTolerance: number;
  /** What a reader needs to trust the numbers: tossed examples and what to change. */
  readonly notes: string[];
}

/**
 * Defaults that fit float32. A state of order 1 moves in steps of ≈ 6e-8 (one ulp), and
 * products over hundreds of units round more coarsely, so a settle asked for changes below
 * 1e-7 can circle a fixed point forever and every example is tossed: 1e-6 is about 16 ulps.
 * Equilibrium propagation's β = 0.01: its symmetric bias (∝ β²) and its settling error
 * (∝ θ/β) are both near 1e-4 of the gradient there.
 */
export const GRADCHECK_DEFAULTS = { theta: 1e-6, adjointTolerance: 1e-6, epsilon: 1e-3, longSteps: 2000, coordinates: 24, beta: 1e-2 } as const;

export function agreement(a: readonly number[], b: readonly number[]): Agreement {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let worst = 0;
  let scale = 0;
  a.forEach((x, i) => {
    dot += x * b[i];
    na += x * x;
    nb += b[i] * b[i];
    worst = Math.max(worst, Math.abs(x - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  });
  return { cosine: dot / Math.sqrt(na * nb || 1), maxRelError: worst / (scale || 1) };
}

/** `count` parameter entries, spread over every parameter (seeded). */
export function sampleCoordinates(network: Network, count: number, seed: number): Coordinate[] {
  const rng = makeRng(seed);
  const params = [...network.params.entries()];
  const out: Coordinate[] = [];
  for (let i = 0; i < count; i++) {
    const [param, v] = params[i % params.length];
    out.push({ param, index: rng.int(v.size) });
  }
  return out;
}

/** L(x*(θ)) with x* settled tightly. */
export async function settledLoss(network: Network, batch: Batch, steps: number, theta: number): Promise<number> {
  const bound = network.bind();
  const r = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps }, { steps, theta, seed: 0, energy: 'none' });
  const [loss] = await readValues(batchLoss(network.plan, batch.targets, r.state), true);
  disposeState(r.state);
  bound.dispose();
  return loss;
}

/** θ[c] += delta, on the device. */
function nudge(network: Network, c: Coordinate, delta: number): void {
  const v = network.params.get(c.param)!;
  tf.tidy(() => {
    const one = tf.buffer([v.size]);
    one.set(delta, c.index);
    v.assign(tf.add(v, tf.reshape(one.toTensor(), v.shape)));
  });
}

async function pick(grads: Map<string, tf.Tensor>, coords: readonly Coordinate[]): Promise<number[]> {
  const names = [...grads.keys()];
  const values = await readValues(tf.tidy(() => tf.concat(names.map((n) => tf.reshape(grads.get(n)!, [-1])))), true);
  grads.forEach((g) => g.dispose());
  const offset = new Map<string, number>();
  names.reduce((at, n) => (offset.set(n, at), at + grads.get(n)!.size), 0);
  return coords.map((c) => values[offset.get(c.param)! + c.index]);
}

export interface GradcheckOptions {
  readonly coordinates?: number;
  readonly epsilon?: number;
  /** T for the long BPTT unroll and the settles of the finite differences. */
  readonly longSteps?: number;
  /** Convergence threshold of every settle (default GRADCHECK_DEFAULTS.theta). */
  readonly theta?: number;
  readonly seed?: number;
  /** The adjoint's tolerance (relative to ‖∂L/∂x*‖) and step budget. */
  readonly adjoint?: Partial<MethodOptions['adjoint']>;
  /** Equilibrium propagation's nudge (symmetric ±β). */
  readonly beta?: number;
}

export async function gradcheck(network: Network, batch: Batch, opts: GradcheckOptions = {}): Promise<GradcheckReport> {
  const longSteps = opts.longSteps ?? GRADCHECK_DEFAULTS.longSteps;
  const theta = opts.theta ?? GRADCHECK_DEFAULTS.theta;
  const epsilon = opts.epsilon ?? GRADCHECK_DEFAULTS.epsilon;
  const coords = sampleCoordinates(network, opts.coordinates ?? GRADCHECK_DEFAULTS.coordinates, opts.seed ?? 0);
  const adjoint = { tolerance: opts.adjoint?.tolerance ?? GRADCHECK_DEFAULTS.adjointTolerance, maxSteps: opts.adjoint?.maxSteps ?? 5000 };
  const method: MethodOptions = { steps: longSteps, theta, seed: 0, adjoint };
  const bpttResult = await bpttGradients(network, batch, method);
  const bptt = await pick(bpttResult.grads, coords);
  const rbpResult = await recurrentBackpropGradients(network, batch, method);
  const rbp = await pick(rbpResult.grads, coords);
  const beta = opts.beta ?? GRADCHECK_DEFAULTS.beta;
  const eqpropSkipped = eqpropRefusal(network.plan, beta);
  const eqpropResult = eqpropSkipped ? undefined : await eqpropGradients(network, batch, { ...method, eqprop: { beta, symmetric: true } });
  const eqprop = eqpropResult ? await pick(eqpropResult.grads, coords) : null;
  const fd: number[] = [];
  for (const c of coords) {
    nudge(network, c, epsilon);
    const plus = await settledLoss(network, batch, longSteps, theta);
    nudge(network, c, -2 * epsilon);
    const minus = await settledLoss(network, batch, longSteps, theta);
    nudge(network, c, epsilon);
    fd.push((plus - minus) / (2 * epsilon));
  }
  return {
    coordinates: coords,
    bptt,
    recurrentBackprop: rbp,
    finiteDifferences: fd,
    bpttVsFd: agreement(bptt, fd),
    rbpVsFd: agreement(rbp, fd),
    bpttVsRbp: agreement(bptt, rbp),
    eqprop,
    eqpropVsFd: eqprop ? agreement(eqprop, fd) : null,
    eqpropVsRbp: eqprop ? agreement(eqprop, rbp) : null,
    beta,
    tossed: rbpResult.tossed,
    tossedWhy: rbpResult.tossedWhy,
    tStar: rbpResult.tStar,
    epsilon,
    theta,
    adjointTolerance: adjoint.tolerance,
    notes: [...tossedNotes(rbpResult.tossedWhy, rbpResult.tStar.length, longSteps, theta, adjoint), ...eqpropNotes(eqpropSkipped, eqpropResult)],
  };
}

/** Why examples were tossed, in words, with what would change it. */
function tossedNotes(why: GradcheckReport['tossedWhy'], batch: number, steps: number, theta: number, adjoint: MethodOptions['adjoint']): string[] {
  const notes: string[] = [];
  if (why.notSettled > 0) {
    const floor = theta < GRADCHECK_DEFAULTS.theta ? ` (θ below ${GRADCHECK_DEFAULTS.theta} is finer than float32 resolves: try --theta ${GRADCHECK_DEFAULTS.theta})` : ' (raise --steps or θ)';
    notes.push(`${why.notSettled} of ${batch} examples did not settle within ${steps} iterations at θ = ${theta}${floor}; recurrent backprop tossed them`);
  }
  if (why.diverged > 0) {
    notes.push(`${why.diverged} of ${batch} examples: the adjoint did not converge to ${adjoint.tolerance} within ${adjoint.maxSteps} steps; recurrent backprop tossed them`);
  }
  if (why.notSettled + why.diverged === batch) notes.push('every example was tossed: the recurrent-backprop gradient is 0 and its agreement says nothing');
  return notes;
}

/** Where equilibrium propagation was not compared, or did not use every example, and why. */
function eqpropNotes(skipped: string | undefined, r: GradientResult | undefined): string[] {
  if (skipped) return [`equilibrium propagation not compared: ${skipped}`];
  const notes: string[] = [];
  if (r && r.tossed > 0) notes.push(`equilibrium propagation tossed ${r.tossed} of ${r.tStar.length} examples (a free or nudged phase did not settle)`);
  if (r?.nudged && r.nudged.oneSided > 0) notes.push(`equilibrium propagation: ${r.nudged.oneSided} examples took the one-sided estimate (their −β phase did not settle or has no minimum)`);
  return notes;
}
