/**
 * Tensors → protocol data for the dashboards: layer frames, attention matrices and weight
 * views. Every array handed out is a fresh copy the event owns (a transport may transfer
 * and detach its buffer; a tensor's own storage must never go that way), and every
 * intermediate tensor is freed here.
 */
import { tf } from '../tf.js';
import type { CouplingSpec, Plan } from '../compile/plan.js';
import type { BoundNet, State } from '../runtime/network.js';
import { flipSwap, symmetricWeights } from '../runtime/couplings.js';
import type { LayerFrame, OscillatingUnits, SettleAttention, WeightView } from '../protocol/run.js';

/** Values per weight view above which it is sent as block means (a 784×256 matrix becomes 392×128). */
export const MAX_WEIGHT_VALUES = 65_536;
/** Oscillating unit indices listed per layer and example. */
export const MAX_OSCILLATING_UNITS = 4096;

/** The first `n` examples of a state tensor, as an owned copy. */
export function firstExamples(x: tf.Tensor, n: number): Float32Array {
  const take = Math.min(n, x.shape[0]);
  const part = take === x.shape[0] ? x : tf.slice(x, 0, take);
  const data = (part.dataSync() as Float32Array).slice();
  if (part !== x) part.dispose();
  return data;
}

/** Example `b` of a state tensor, as an owned copy. */
export function exampleOf(x: tf.Tensor, b: number): Float32Array {
  const part = tf.slice(x, b, 1);
  const data = (part.dataSync() as Float32Array).slice();
  part.dispose();
  return data;
}

export function layerFrames(plan: Plan, state: State, examples: number): LayerFrame[] {
  return plan.layers.map((l) => {
    const x = state.get(l.id)!;
    return { layerId: l.id, dims: [...l.dims], examples: Math.min(examples, x.shape[0]), data: firstExamples(x, examples) };
  });
}

/** Every attention block's weights at `state`, as [examples, heads, tokens, keys]. */
export function attentionEvents(net: BoundNet, state: State, examples: number, runId: string, iter: number): SettleAttention[] {
  const out: SettleAttention[] = [];
  for (const [id, c] of net.couplings) {
    if (!c.attention) continue;
    const a = tf.tidy(() => c.attention!(state));
    const [b, ...rest] = a.shape;
    // A memory has one head: [B, T, P] is [B, 1, T, P].
    const [heads, tokens, keys] = rest.length === 2 ? [1, rest[0], rest[1]] : rest;
    const weights = firstExamples(a, examples);
    a.dispose();
    const kind = c.spec.kind as SettleAttention['kind'];
    out.push({ type: 'settle.attention', runId, iter, block: id, kind, examples: Math.min(examples, b), heads, tokens, keys, weights });
  }
  return out;
}

/** Per example in a 2-cycle, the units of each layer that still move (|x_i − x_{i−1}| ≥ θ). */
export function oscillatingUnits(plan: Plan, state: State, previous: State, cycling: readonly boolean[], theta: number): OscillatingUnits[][] {
  return cycling.map((c, b) => {
    if (!c) return [];
    return plan.layers.flatMap((l) => {
      const now = exampleOf(state.get(l.id)!, b);
      const before = exampleOf(previous.get(l.id)!, b);
      const units: number[] = [];
      let moving = 0;
      for (let u = 0; u < now.length; u++) {
        if (Math.abs(now[u] - before[u]) < theta) continue;
        moving++;
        if (units.length < MAX_OSCILLATING_UNITS) units.push(u);
      }
      return moving > 0 ? [{ layerId: l.id, units, truncated: moving > units.length }] : [];
    });
  });
}

/** The weights a net uses (symmetrised where the parametrisation says so), ready to draw. */
export function weightViews(plan: Plan, params: ReadonlyMap<string, tf.Variable>, limit = MAX_WEIGHT_VALUES): WeightView[] {
  return plan.params.map((p) => {
    const free = params.get(p.name)!;
    const coupling = plan.couplings.find((c) => c.param === p.name);
    const kind = coupling?.kind ?? plan.couplings.find((c) => paramsOf(c).includes(p.name))?.kind ?? (p.name === `${p.owner}.b` ? 'bias' : 'param');
    // The map runs on the free parameter: what is drawn is what the net multiplies by.
    const used = coupling ? tf.tidy(() => symmetricWeights(coupling, free)) : free;
    const values = (used.dataSync() as Float32Array).slice();
    const symmetricError = coupling ? symmetryError(coupling, used) : undefined;
    if (used !== free) used.dispose();
    const shape = [...free.shape];
    const view = blockMean(values, shape, limit, kind === 'conv' || kind === 'conv-within');
    return { name: p.name, owner: p.owner, kind, shape, ...view, ...(symmetricError !== undefined ? { symmetricError } : {}) };
  });
}

function paramsOf(c: CouplingSpec): string[] {
  const extra = c.kind === 'self-attention' ? [c.keyParam, c.posParam ?? ''] : c.kind === 'cross-attention' ? [c.keyParam] : c.kind === 'hopfield-memory' ? [`${c.id}.q`, `${c.id}.k`] : [];
  return [c.param, ...extra];
}

/** max |W − Wᵀ| of a within-layer coupling's weights (its operator must be self-adjoint); undefined for others. */
function symmetryError(c: CouplingSpec, w: tf.Tensor): number | undefined {
  if (c.kind !== 'dense-within' && c.kind !== 'conv-within') return undefined;
  const err = tf.tidy(() => tf.max(tf.abs(tf.sub(w, c.kind === 'dense-within' ? tf.transpose(w) : flipSwap(w)))));
  const v = err.dataSync()[0];
  err.dispose();
  return v;
}

/**
 * Values above `limit` become means of blocks, the same size along every axis that may be
 * shrunk (conv kernels keep their k×k taps, so the tiles stay kernels: only channels merge).
 */
export function blockMean(values: Float32Array, shape: readonly number[], limit: number, keepSpatial: boolean): Pick<WeightView, 'data' | 'dataShape' | 'downsampled'> {
  if (values.length <= limit || shape.length === 0) return { data: values, dataShape: [...shape], downsampled: null };
  const shrink = shape.map((_, k) => !(keepSpatial && shape.length === 4 && k < 2));
  let block = shape.map(() => 1);
  let out = [...shape];
  for (let f = 2; out.reduce((a, b) => a * b, 1) > limit; f++) {
    block = shape.map((d, k) => (shrink[k] ? Math.min(d, f) : 1));
    out = shape.map((d, k) => Math.ceil(d / block[k]));
    if (block.every((b, k) => !shrink[k] || b === shape[k])) break; // cannot shrink further
  }
  const sums = new Float64Array(out.reduce((a, b) => a * b, 1));
  const counts = new Uint32Array(sums.length);
  const index = shape.map(() => 0);
  for (let i = 0; i < values.length; i++) {
    let o = 0;
    for (let k = 0; k < shape.length; k++) o = o * out[k] + Math.floor(index[k] / block[k]);
    sums[o] += values[i];
    counts[o]++;
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
  const data = new Float32Array(sums.length);
  for (let i = 0; i < data.length; i++) data[i] = sums[i] / counts[i];
  return { data, dataShape: out, downsampled: { block } };
}
