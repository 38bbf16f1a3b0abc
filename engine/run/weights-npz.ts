/**
 * Weights as NumPy arrays, both ways. Export: one array per free parameter, named as in
 * the checkpoint manifest, plus `<name>.symmetric` for every parameter its coupling
 * symmetrises (the matrix or kernel the net multiplies by). Import: arrays checked
 * name by name and shape by shape against the graph; `<name>.symmetric` is accepted in
 * place of the free parameter when it is a weight the coupling can use as it is
 * (symmetric, with a diagonal its self-connections allow).
 */
import type { Plan } from '../compile/plan.js';
import { couplingKind } from '../couplings/registry.js';
import type { NdArray } from '../format/npy.js';
import { shapeText, sizeOf } from '../format/npy.js';
import type { Network } from '../runtime/network.js';
import * as kit from '../runtime/tensor-kit.js';
import { weightViews } from '../runtime/weight-views.js';
import { readValues } from '../runtime/readback.js';
import { firstNonFinite } from '../train/tensor-file.js';
import { RunInputError } from './input-error.js';

/** The suffix of an exported array holding a parameter as the net uses it, symmetrised. */
export const SYMMETRIC = '.symmetric';

/** Every parameter of `network`, then the symmetrised form of those a coupling symmetrises. */
export async function networkArrays(plan: Plan, network: Network): Promise<[string, NdArray][]> {
  const views = await weightViews(plan, network.params, Infinity);
  const free: [string, NdArray][] = [];
  for (const p of plan.params) free.push([p.name, { shape: p.shape, data: await readValues(network.params.get(p.name)!) }]);
  const symmetric = views.filter((v) => v.symmetricError !== undefined).map((v): [string, NdArray] => [`${v.name}${SYMMETRIC}`, { shape: v.dataShape, data: v.data }]);
  const names = new Set(free.map(([n]) => n));
  const clash = symmetric.find(([n]) => names.has(n));
  if (clash) throw new RunInputError(`cannot export: the graph has a parameter called "${clash[0]}", the name the symmetric weights of "${clash[0].slice(0, -SYMMETRIC.length)}" would take`);
  return [...free, ...symmetric];
}

/**
 * Parameter values from `arrays` (read from `shown`), checked against the plan: every
 * trainable parameter present (as itself or, where its coupling symmetrises it, as
 * `<name>.symmetric`), shapes equal, values finite, no array the graph does not have.
 * Non-trainable parameters (stored patterns) may be left out: they come from the graph's data.
 * All misfits are reported together, one line each.
 */
export async function importArrays(plan: Plan, arrays: ReadonlyMap<string, NdArray>, shown: string): Promise<Map<string, Float32Array>> {
  const problems: string[] = [];
  const out = new Map<string, Float32Array>();
  const known = new Set<string>();
  for (const p of plan.params) {
    known.add(p.name);
    const symmetrises = symmetriser(plan, p.name) !== undefined;
    if (symmetrises) known.add(`${p.name}${SYMMETRIC}`);
    const given = arrays.get(p.name);
    const sym = symmetrises ? arrays.get(`${p.name}${SYMMETRIC}`) : undefined;
    if (!given && !sym) {
      if (p.trainable !== false) problems.push(`missing "${p.name}" (shape ${shapeText(p.shape)})${symmetrises ? ` or "${p.name}${SYMMETRIC}"` : ''}`);
      continue;
    }
    const misfit = (name: string, a: NdArray) =>
      sameShape(a.shape, p.shape) ? firstBad(name, a) : `"${name}" has shape ${shapeText(a.shape)}, but parameter "${p.name}" has shape ${shapeText(p.shape)}`;
    const wrong = (given && misfit(p.name, given)) || (sym && misfit(`${p.name}${SYMMETRIC}`, sym));
    if (wrong) {
      problems.push(wrong);
      continue;
    }
    // The free parameter wins; a symmetric array beside it must be what the net makes of it.
    const values = given ? given.data : sym!.data;
    if (sym) {
      const made = await symmetrised(plan, p.name, p.shape, values);
      const why = given
        ? differs(made, sym.data, p.shape, `"${p.name}${SYMMETRIC}" is not what the coupling makes of "${p.name}"`)
        : differs(made, sym.data, p.shape, `"${p.name}${SYMMETRIC}" is not a weight the coupling can use as it is`);
      if (why) {
        problems.push(why);
        continue;
      }
    }
    out.set(p.name, values);
  }
  for (const name of arrays.keys()) if (!known.has(name)) problems.push(`"${name}" is not a parameter of this graph (it has ${[...known].map((n) => `"${n}"`).join(', ')})`);
  if (problems.length > 0) throw new RunInputError(`${shown} does not fit the graph:`, problems.map((p) => `  ${p}`));
  return out;
}

/** The coupling that owns parameter `name`, when it symmetrises it (its view reports a symmetry error). */
function symmetriser(plan: Plan, name: string) {
  const coupling = plan.couplings.find((c) => couplingKind(c).params(c).includes(name));
  if (!coupling) return undefined;
  const probe = kit.tf.zeros(plan.params.find((p) => p.name === name)!.shape as number[]);
  const view = couplingKind(coupling).view(coupling, name, probe, kit);
  const symmetrises = view.symmetryError !== undefined;
  if (view.values !== probe) view.values.dispose();
  view.symmetryError?.dispose();
  probe.dispose();
  return symmetrises ? coupling : undefined;
}

/** What the coupling makes of free values `values`: the weights the net multiplies by. */
async function symmetrised(plan: Plan, name: string, shape: readonly number[], values: Float32Array): Promise<Float32Array> {
  const coupling = symmetriser(plan, name)!;
  const free = kit.tf.tensor(values, shape as number[]);
  const view = couplingKind(coupling).view(coupling, name, free, kit);
  view.symmetryError?.dispose();
  try {
    return await readValues(view.values, view.values !== free);
  } finally {
    free.dispose();
  }
}

/** Tolerance for float32 values that went through another program: relative to the array's largest entry. */
const TOLERANCE = 1e-6;

function differs(made: Float32Array, given: Float32Array, shape: readonly number[], what: string): string | undefined {
  let scale = 1;
  for (const v of given) scale = Math.max(scale, Math.abs(v));
  const tol = TOLERANCE * scale;
  let worst = -1;
  for (let i = 0; i < made.length; i++) if (Math.abs(made[i] - given[i]) > tol && (worst < 0 || Math.abs(made[i] - given[i]) > Math.abs(made[worst] - given[worst]))) worst = i;
  if (worst < 0) return undefined;
  if (shape.length === 2 && shape[0] === shape[1]) {
    // A matrix: say first whether it is symmetric at all, then whether its diagonal fits.
    const n = shape[0];
    let asym: [number, number] | undefined;
    for (let i = 0; i < n && !asym; i++) for (let j = i + 1; j < n; j++) if (Math.abs(given[i * n + j] - given[j * n + i]) > tol) (asym ??= [i, j]);
    if (asym) {
      const [i, j] = asym;
      return `${what}: it is not symmetric (W[${i}, ${j}] = ${given[i * n + j]} but W[${j}, ${i}] = ${given[j * n + i]})`;
    }
    const [d] = indexOf(worst, shape);
    return `${what}: its diagonal W[${d}, ${d}] = ${given[d * n + d]} does not fit the coupling's selfConnections ("zero" needs 0, "nonnegative" ≥ 0)`;
  }
  return `${what}: at [${indexOf(worst, shape).join(', ')}] it holds ${given[worst]}, the coupling makes ${made[worst]} of it`;
}

function indexOf(flat: number, shape: readonly number[]): number[] {
  const at = shape.map(() => 0);
  for (let k = shape.length - 1; k >= 0; k--) {
    at[k] = flat % shape[k];
    flat = Math.floor(flat / shape[k]);
  }
  return at;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]) && sizeOf(a) === sizeOf(b);
}

function firstBad(name: string, a: NdArray): string | undefined {
  const bad = firstNonFinite(a.data);
  return bad ? `"${name}" holds ${bad}: weights must be finite` : undefined;
}
