/**
 * The weights a net uses, ready to draw: each parameter as the net multiplies by it
 * (symmetrised where its coupling kind's parametrisation says so, with the symmetry error
 * of weights kept symmetric), shrunk to block means when large. Every array is a fresh
 * copy the event owns, and every intermediate tensor is freed here.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import { couplingKind } from '../couplings/registry.js';
import type { WeightView } from '../protocol/run.js';
import * as kit from './tensor-kit.js';
import { readValues } from './readback.js';

/** Values per weight view above which it is sent as block means (a 784×256 matrix becomes 392×128). */
export const MAX_WEIGHT_VALUES = 65_536;

export async function weightViews(plan: Plan, params: ReadonlyMap<string, tf.Variable>, limit = MAX_WEIGHT_VALUES): Promise<WeightView[]> {
  const drawn = plan.params.map((p) => {
    const free = params.get(p.name)!;
    const coupling = plan.couplings.find((c) => couplingKind(c).params(c).includes(p.name));
    const view = coupling ? couplingKind(coupling).view(coupling, p.name, free, kit) : { values: free };
    return { p, free, coupling, view };
  });
  // One read: every parameter as drawn, then the symmetry errors.
  const all = await readValues(
    tf.tidy(() => tf.concat([...drawn.map((d) => tf.reshape(d.view.values, [-1])), ...drawn.flatMap((d) => (d.view.symmetryError ? [tf.reshape(d.view.symmetryError, [1])] : []))])),
    true,
  );
  let at = 0;
  const values = drawn.map((d) => all.slice(at, (at += d.free.size)));
  return drawn.map(({ p, free, coupling, view }, k) => {
    const symmetricError = view.symmetryError ? all[at++] : undefined;
    if (view.values !== free) view.values.dispose();
    view.symmetryError?.dispose();
    const kind = coupling?.kind ?? (p.name === `${p.owner}.b` ? 'bias' : 'param');
    const shape = [...free.shape];
    const shrunk = blockMean(values[k], shape, limit, coupling !== undefined && couplingKind(coupling).kernelTiles === true);
    return { name: p.name, owner: p.owner, kind, shape, ...shrunk, ...(symmetricError !== undefined ? { symmetricError } : {}) };
  });
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
