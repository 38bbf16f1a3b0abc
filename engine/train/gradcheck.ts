/**
 * Gradient checks: BPTT with a long T, recurrent backprop, and central finite
 * differences of the settled loss L(x*(θ)), compared on a sample of parameter entries.
 */
import { tf } from '../tf.js';
import type { Network } from '../runtime/network.js';
import type { Batch } from '../runtime/batch.js';
import { disposeState, settle } from '../runtime/settle.js';
import { makeRng } from '../data/rng.js';
import { batchLoss } from './loss.js';
import { bpttGradients, recurrentBackpropGradients, type MethodOptions } from './methods.js';

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
  readonly tossed: number;
  readonly tStar: number[];
  readonly epsilon: number;
}

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
export function settledLoss(network: Network, batch: Batch, steps: number, theta: number): number {
  const bound = network.bind();
  const r = settle({ net: bound, initial: batch.initial, clamps: batch.clamps }, { steps, theta, seed: 0, energy: 'none' });
  const l = batchLoss(network.plan, batch.targets, r.state);
  const v = l.dataSync()[0];
  l.dispose();
  disposeState(r.state);
  bound.dispose();
  return v;
}

function nudge(network: Network, c: Coordinate, delta: number): void {
  const v = network.params.get(c.param)!;
  const values = v.dataSync().slice();
  values[c.index] += delta;
  const t = tf.tensor(values, v.shape);
  v.assign(t);
  t.dispose();
}

function pick(grads: Map<string, tf.Tensor>, coords: readonly Coordinate[]): number[] {
  const out = coords.map((c) => grads.get(c.param)!.dataSync()[c.index]);
  grads.forEach((g) => g.dispose());
  return out;
}

export interface GradcheckOptions {
  readonly coordinates?: number;
  readonly epsilon?: number;
  /** T for the long BPTT unroll and the settles of the finite differences. */
  readonly longSteps?: number;
  readonly theta?: number;
  readonly seed?: number;
  readonly adjoint?: MethodOptions['adjoint'];
}

export function gradcheck(network: Network, batch: Batch, opts: GradcheckOptions = {}): GradcheckReport {
  const longSteps = opts.longSteps ?? 2000;
  const theta = opts.theta ?? 1e-7;
  const epsilon = opts.epsilon ?? 1e-3;
  const coords = sampleCoordinates(network, opts.coordinates ?? 24, opts.seed ?? 0);
  const method: MethodOptions = { steps: longSteps, theta, seed: 0, adjoint: opts.adjoint ?? { tolerance: 1e-7, maxSteps: 5000 } };
  const bpttResult = bpttGradients(network, batch, method);
  const bptt = pick(bpttResult.grads, coords);
  const rbpResult = recurrentBackpropGradients(network, batch, method);
  const rbp = pick(rbpResult.grads, coords);
  const fd = coords.map((c) => {
    nudge(network, c, epsilon);
    const plus = settledLoss(network, batch, longSteps, theta);
    nudge(network, c, -2 * epsilon);
    const minus = settledLoss(network, batch, longSteps, theta);
    nudge(network, c, epsilon);
    return (plus - minus) / (2 * epsilon);
  });
  return {
    coordinates: coords,
    bptt,
    recurrentBackprop: rbp,
    finiteDifferences: fd,
    bpttVsFd: agreement(bptt, fd),
    rbpVsFd: agreement(rbp, fd),
    bpttVsRbp: agreement(bptt, rbp),
    tossed: rbpResult.tossed,
    tStar: rbpResult.tStar,
    epsilon,
  };
}
