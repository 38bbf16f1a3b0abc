/**
 * Gradient checks: BPTT with a long T, recurrent backprop, and central finite
 * differences of the settled loss L(x*(θ)), compared on a sample of parameter entries;
 * equilibrium propagation at a small β too when asked (eqprop-check.ts).
 */
import { tf } from '../tf.js';
import type { Network } from '../runtime/network.js';
import type { Batch } from '../runtime/batch.js';
import { disposeState, settle } from '../runtime/settle.js';
import { makeRng } from '../data/rng.js';
import { batchLoss } from './loss.js';
import { readValues } from '../runtime/readback.js';
import { bpttGradients, recurrentBackpropGradients, type MethodOptions } from './methods.js';
import { eqpropEntries, type EqpropCheck } from './eqprop-check.js';
import type { Agreement, GradcheckProgress as GradcheckProgressEvent, ParamAgreement } from '../protocol/run.js';

export type { Agreement, ParamAgreement };

export interface Coordinate {
  readonly param: string;
  readonly index: number;
}

export interface GradcheckReport {
  readonly coordinates: Coordinate[];
  readonly bptt: number[];
  readonly recurrentBackprop: number[];
  readonly finiteDifferences: number[];
  readonly bpttVsFd: Agreement;
  readonly rbpVsFd: Agreement;
  readonly bpttVsRbp: Agreement;
  /** The same agreements parameter by parameter (a wrong gradient often hides in one). */
  readonly perParam: ParamAgreement[];
  /** Equilibrium propagation's symmetric estimate at β, where asked for and where it applies. */
  readonly eqprop?: EqpropCheck;
  readonly tossed: number;
  /** Why recurrent backprop tossed examples: not settled within the steps, or its adjoint did not converge. */
  readonly tossedWhy: { readonly notSettled: number; readonly diverged: number };
  readonly tStar: number[];
  readonly epsilon: number;
  /**
   * The smallest gradient a float32 central difference resolves here: one ulp of the loss
   * over 2ε. An error of a few of these is rounding, not a wrong gradient.
   */
  readonly fdResolution: number;
  readonly theta: number;
  readonly adjointTolerance: number;
  /** What a reader needs to trust the numbers: tossed examples and what to change. */
  readonly notes: string[];
}

/**
 * Defaults that fit float32. A state of order 1 moves in steps of ≈ 6e-8 (one ulp), and
 * products over hundreds of units round more coarsely, so a settle asked for changes below
 * 1e-7 can circle a fixed point forever and every example is tossed: 1e-6 is about 16 ulps.
 */
export const GRADCHECK_DEFAULTS = { theta: 1e-6, adjointTolerance: 1e-6, epsilon: 1e-3, longSteps: 2000, coordinates: 24 } as const;

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

/**
 * `count` parameter entries, spread over the parameters in turn (seeded). Of each
 * parameter's share, half are its entries with the largest |g| of `gradient` and the rest
 * uniform at random: float32 central differences resolve a gradient only down to about
 * ulp(L)/2ε (≈ 1e-5 on MNIST), and most entries of a big matrix are far below that or
 * exactly zero, so uniform entries alone compare noise with noise; the random half keeps
 * entries where the gradient under test might be wrongly small.
 */
export function sampleCoordinates(network: Network, count: number, seed: number, gradient?: ReadonlyMap<string, Float32Array>): Coordinate[] {
  const rng = makeRng(seed);
  // Fixed parameters (patterns taken from data) have no gradient to check.
  const params = [...network.params.entries()].filter(([, v]) => v.trainable);
  const share = new Map(params.map(([name]) => [name, 0]));
  for (let i = 0; i < count; i++) share.set(params[i % params.length][0], share.get(params[i % params.length][0])! + 1);
  const out: Coordinate[] = [];
  for (const [param, v] of params) {
    const k = Math.min(share.get(param)!, v.size);
    const g = gradient?.get(param);
    const chosen = new Set<number>(g ? largest(g, Math.ceil(k / 2)) : []);
    while (chosen.size < k) chosen.add(rng.int(v.size));
    for (const index of chosen) out.push({ param, index });
  }
  return out;
}

/** Indices of the k largest |g| (ties by position). */
function largest(g: Float32Array, k: number): number[] {
  const idx = Array.from(g.keys()).filter((i) => g[i] !== 0);
  idx.sort((a, b) => Math.abs(g[b]) - Math.abs(g[a]) || a - b);
  return idx.slice(0, k);
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

/** Every gradient's values, by parameter; the tensors are freed. */
async function readAll(grads: Map<string, tf.Tensor>): Promise<Map<string, Float32Array>> {
  const names = [...grads.keys()];
  const values = await readValues(tf.tidy(() => tf.concat(names.map((n) => tf.reshape(grads.get(n)!, [-1])))), true);
  const out = new Map<string, Float32Array>();
  names.reduce((at, n) => (out.set(n, values.subarray(at, at + grads.get(n)!.size)), at + grads.get(n)!.size), 0);
  grads.forEach((g) => g.dispose());
  return out;
}

const at = (values: ReadonlyMap<string, Float32Array>, coords: readonly Coordinate[]) => coords.map((c) => values.get(c.param)![c.index]);

/** Where a check is: which gradient it computes, and for finite differences how many entries are done. */
export type GradcheckProgress = Omit<GradcheckProgressEvent, 'type' | 'runId'>;

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
  /** Told before each stage and after each finite difference; false stops the check (the weights are left as they were). */
  readonly progress?: (p: GradcheckProgress) => Promise<boolean>;
  /** Compare equilibrium propagation's symmetric estimate at this β too (it runs in the recurrent-backprop stage). */
  readonly beta?: number;
}

/** Agreement of the three gradients on each parameter's entries, in the order parameters first appear. */
export function perParameter(coords: readonly Coordinate[], bptt: readonly number[], rbp: readonly number[], fd: readonly number[]): ParamAgreement[] {
  const rows = new Map<string, number[]>();
  coords.forEach((c, i) => rows.set(c.param, [...(rows.get(c.param) ?? []), i]));
  return [...rows].map(([param, ix]) => {
    const at = (xs: readonly number[]) => ix.map((i) => xs[i]);
    return {
      param,
      entries: ix.length,
      scale: Math.max(...at(fd).map(Math.abs)),
      bpttVsFd: agreement(at(bptt), at(fd)),
      rbpVsFd: agreement(at(rbp), at(fd)),
      bpttVsRbp: agreement(at(bptt), at(rbp)),
    };
  });
}

/** The report, or null when `progress` stopped the check. */
export function gradcheck(network: Network, batch: Batch, opts?: Omit<GradcheckOptions, 'progress'>): Promise<GradcheckReport>;
export function gradcheck(network: Network, batch: Batch, opts: GradcheckOptions): Promise<GradcheckReport | null>;
export async function gradcheck(network: Network, batch: Batch, opts: GradcheckOptions = {}): Promise<GradcheckReport | null> {
  const longSteps = opts.longSteps ?? GRADCHECK_DEFAULTS.longSteps;
  const theta = opts.theta ?? GRADCHECK_DEFAULTS.theta;
  const epsilon = opts.epsilon ?? GRADCHECK_DEFAULTS.epsilon;
  const adjoint = { tolerance: opts.adjoint?.tolerance ?? GRADCHECK_DEFAULTS.adjointTolerance, maxSteps: opts.adjoint?.maxSteps ?? 5000 };
  const method: MethodOptions = { steps: longSteps, theta, seed: 0, adjoint };
  const go = opts.progress ?? (async () => true);
  if (!(await go({ stage: 'bptt', done: 0, total: 1 }))) return null;
  const bpttResult = await bpttGradients(network, batch, method);
  const bpttAll = await readAll(bpttResult.grads);
  const coords = sampleCoordinates(network, opts.coordinates ?? GRADCHECK_DEFAULTS.coordinates, opts.seed ?? 0, bpttAll);
  const bptt = at(bpttAll, coords);
  if (!(await go({ stage: 'recurrent-backprop', done: 0, total: 1 }))) return null;
  const rbpResult = await recurrentBackpropGradients(network, batch, method);
  const rbp = at(await readAll(rbpResult.grads), coords);
  const eq = opts.beta !== undefined ? await eqpropEntries(network, batch, method, opts.beta, async (g) => at(await readAll(g), coords)) : undefined;
  const fd: number[] = [];
  for (const c of coords) {
    if (!(await go({ stage: 'finite-differences', done: fd.length, total: coords.length }))) return null;
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
    perParam: perParameter(coords, bptt, rbp, fd),
    ...(eq?.gradient ? { eqprop: { beta: opts.beta!, gradient: eq.gradient, vsFd: agreement(eq.gradient, fd), vsRbp: agreement(eq.gradient, rbp), tossed: eq.tossed } } : {}),
    tossed: rbpResult.tossed,
    tossedWhy: rbpResult.tossedWhy,
    tStar: rbpResult.tStar,
    epsilon,
    fdResolution: ulp32(bpttResult.loss) / (2 * epsilon),
    theta,
    adjointTolerance: adjoint.tolerance,
    notes: [...tossedNotes(rbpResult.tossedWhy, rbpResult.tStar.length, longSteps, theta, adjoint), ...(eq?.notes ?? [])],
  };
}

/** The spacing of float32 numbers at x. */
export function ulp32(x: number): number {
  const a = Math.abs(x);
  return a === 0 || !Number.isFinite(a) ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
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
