/**
 * Weights → protocol data for the dashboards' weight views (layer frames and attention
 * weights are the run driver's, engine/run/). Every array handed out is a fresh copy the
 * event owns, and every intermediate tensor is freed here.
 */
import { tf } from '../tf.js';
import type { CouplingSpec, Plan } from '../compile/plan.js';
import { flipSwap, symmetricWeights } from '../runtime/couplings.js';
import type { WeightView } from '../protocol/run.js';

/** Values per weight view above which it is sent as block means (a 784×256 matrix becomes 392×128). */
export const MAX_WEIGHT_VALUES = 65_536;

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
