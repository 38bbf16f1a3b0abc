/**
 * Checkpoints: parameters, optimiser state and position of a training run, read back
 * bit for bit by `--resume`, by `attractor eval --weights DIR` and as a graph's
 * `weights` sidecar folder.
 *
 * Format, version 1: a folder holding
 *
 *   checkpoint.json       the manifest (small, diffable; no tensor values in JSON)
 *     { "format": "attractor-checkpoint", "version": 1,
 *       "step": 120,                       batches done
 *       "epoch": 3,
 *       "method": "bptt",
 *       "tensors": [ { "name": "W", "group": "params", "shape": [16, 6], "dtype": "float32",
 *                      "file": "params-000120.bin", "offset": 0, "length": 384 },
 *                    { "name": "W/m", "group": "optimizer", …, "file": "optimizer-000120.bin", … } ],
 *       "optimizer": { "config": { "kind": "adam", … }, "step": 120 } | null,
 *       "meta": { … free JSON: loss, seed, graph, backend … },
 *       "created": "2026-11-23T10:00:00.000Z" }
 *   params-000120.bin     float32 little-endian, row-major, tensors back to back;
 *   optimizer-000120.bin  `offset` and `length` count bytes. Parameters are keyed by
 *                         plan parameter name, optimiser state by `<param>/<slot>`.
 *
 * Atomicity. A save writes the `.bin` files first (each atomically) under names the
 * current manifest does not use, then replaces checkpoint.json in one rename — the
 * commit point — and only then deletes the `.bin` files nothing refers to any more.
 * A crash at any moment leaves a manifest (old or new) whose files are all intact.
 * One writer per folder; readers may load while a writer saves (a load that races the
 * cleanup re-reads the manifest).
 */
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import { writeFileAtomic } from '../format/save.js';
import { GRAPH_EXTENSION } from '../../nodes/graph.js';
import { METHODS, optimizerSchema, type TrainingMethod } from '../../nodes/config.js';
import type { OptimizerConfig } from './optimizers.js';
import { renamedBlockHints } from './renamed-blocks.js';
import { decodeFloat32LE, encodeFloat32LE, firstNonFinite, formatShape, shapeSize } from './tensor-file.js';

export const CHECKPOINT_FORMAT = 'attractor-checkpoint';
export const CHECKPOINT_VERSION = 1;
export const MANIFEST_FILE = 'checkpoint.json';
/** A manifest lists tensors, never values; anything this large is not one. */
const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;

type Group = 'params' | 'optimizer';
const GROUPS: readonly Group[] = ['params', 'optimizer'];
/** Files a save owns, and may delete once unreferenced; anything else in the folder is left alone. */
const BIN_FILE = /^(?:params|optimizer)-\d+(?:-\d+)?\.bin$/;
/** Leftovers of writeFileAtomic interrupted on one of our files. */
const TEMP_FILE = /^\.(?:checkpoint\.json|(?:params|optimizer)-\d+(?:-\d+)?\.bin)\.[0-9a-f]{12}\.tmp$/;
/** Plain names only, so a hand-edited manifest cannot point outside its folder. */
const SAFE_FILE = /^[A-Za-z0-9_-][A-Za-z0-9._-]*\.bin$/;

export interface CheckpointData {
  /** Batches done. */
  step: number;
  epoch: number;
  method: TrainingMethod;
  /** By plan parameter name. */
  params: ReadonlyMap<string, tf.Tensor>;
  optimizer?: { config: OptimizerConfig; step: number; state: ReadonlyMap<string, tf.Tensor> };
  /** Loss, seed, graph name, backend, time …; must survive JSON. */
  meta?: Record<string, unknown>;
}

/** A loaded checkpoint; every tensor in it is the caller's (see disposeCheckpoint). */
export interface LoadedCheckpoint {
  step: number;
  epoch: number;
  method: TrainingMethod;
  params: Map<string, tf.Tensor>;
  optimizer?: { config: OptimizerConfig; step: number; state: Map<string, tf.Tensor> };
  meta: Record<string, unknown>;
  /** When it was saved (ISO 8601), as recorded. */
  created: string;
  dir: string;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

interface TensorEntry {
  name: string;
  group: Group;
  shape: number[];
  dtype: 'float32';
  file: string;
  offset: number;
  length: number;
}

interface Manifest {
  step: number;
  epoch: number;
  method: TrainingMethod;
  tensors: TensorEntry[];
  optimizer: { config: OptimizerConfig; step: number } | null;
  meta: Record<string, unknown>;
  created: string;
}

/** Saves `data` into `dir` (created if missing), replacing the checkpoint there only once the new one is complete. */
export async function saveCheckpoint(dir: string, data: CheckpointData): Promise<void> {
  const refuse = (why: string) => new CheckpointError(`refusing to save a checkpoint to ${dir}: ${why}`);
  if (!isCount(data.step)) throw refuse(`step must be a non-negative integer, got ${data.step}`);
  if (!isCount(data.epoch)) throw refuse(`epoch must be a non-negative integer, got ${data.epoch}`);
  if (!METHODS.includes(data.method)) throw refuse(`unknown training method "${data.method}"`);
  if (data.optimizer && !isCount(data.optimizer.step)) throw refuse(`optimizer step must be a non-negative integer, got ${data.optimizer.step}`);
  // What loading would reject must not replace a checkpoint that loads.
  if (data.optimizer && !optimizerSchema.safeParse(data.optimizer.config).success) throw refuse('the optimizer config is invalid');
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(JSON.stringify(data.meta ?? {})) as Record<string, unknown>;
  } catch (err) {
    throw refuse(`meta cannot be written as JSON (${(err as Error).message})`);
  }
  if (!isObject(meta)) throw refuse('meta must be a plain object');

  // Read every value before touching the disk: a bad tensor must not cost the previous checkpoint.
  const groups: [Group, ReadonlyMap<string, tf.Tensor>][] = [['params', data.params]];
  if (data.optimizer) groups.push(['optimizer', data.optimizer.state]);
  const payloads: { group: Group; values: { name: string; shape: number[]; data: Float32Array }[] }[] = [];
  for (const [group, byName] of groups) {
    const values = [];
    for (const [name, t] of byName) {
      if (name === '') throw refuse(`a ${group} tensor has an empty name`);
      if (t.dtype !== 'float32') throw refuse(`${group} tensor "${name}" has dtype ${t.dtype}; checkpoints hold float32 only`);
      const v = (await t.data()) as Float32Array;
      const bad = firstNonFinite(v);
      if (bad) throw refuse(`${group} tensor "${name}" holds ${bad}`);
      values.push({ name, shape: [...t.shape], data: v });
    }
    payloads.push({ group, values });
  }

  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new CheckpointError(`could not create the checkpoint folder ${dir}: ${(err as Error).message}`, { cause: err });
  }
  const inUse = await filesOfCurrentManifest(dir);

  const tensors: TensorEntry[] = [];
  const written = new Set<string>();
  for (const { group, values } of payloads) {
    if (values.length === 0) continue;
    const file = freshName(group, data.step, inUse);
    let offset = 0;
    for (const v of values) {
      const length = v.data.length * 4;
      tensors.push({ name: v.name, group, shape: v.shape, dtype: 'float32', file, offset, length });
      offset += length;
    }
    await writeOrFail(join(dir, file), encodeFloat32LE(values.map((v) => v.data)));
    written.add(file);
  }

  const manifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    step: data.step,
    epoch: data.epoch,
    method: data.method,
    tensors,
    optimizer: data.optimizer ? { config: data.optimizer.config, step: data.optimizer.step } : null,
    meta,
    created: new Date().toISOString(),
  };
  await writeOrFail(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  await removeUnreferenced(dir, written);
}

/** Loads the checkpoint in `dir`; nothing is allocated unless every check passes. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  for (let attempt = 0; ; attempt++) {
    const text = await readManifestText(dir);
    const manifest = parseManifest(text, dir);
    let values: Float32Array[];
    try {
      values = await readTensorValues(dir, manifest.tensors);
    } catch (err) {
      // A save may have committed and cleaned up between our two reads: try its manifest.
      const now = await readManifestText(dir).catch(() => text);
      if (attempt < 2 && now !== text) continue;
      throw err;
    }
    const params = new Map<string, tf.Tensor>();
    const state = new Map<string, tf.Tensor>();
    manifest.tensors.forEach((e, i) => (e.group === 'params' ? params : state).set(e.name, tf.tensor(values[i], e.shape, 'float32')));
    const { step, epoch, method, meta, created } = manifest;
    const optimizer = manifest.optimizer ? { ...manifest.optimizer, state } : undefined;
    return { step, epoch, method, params, optimizer, meta, created, dir };
  }
}

export function disposeCheckpoint(c: LoadedCheckpoint): void {
  c.params.forEach((t) => t.dispose());
  c.optimizer?.state.forEach((t) => t.dispose());
}

/**
 * Whether `params` are exactly the free parameters of `plan` (every one present, with
 * its shape, and no others): null when they fit, else a message listing each misfit.
 */
export function checkParamsFit(plan: Plan, params: ReadonlyMap<string, tf.Tensor>, dir: string): string | null {
  const problems: string[] = [];
  const expected = new Set<string>();
  for (const p of plan.params) {
    expected.add(p.name);
    const t = params.get(p.name);
    if (!t) problems.push(`missing parameter "${p.name}" (the graph expects shape ${formatShape(p.shape)})`);
    else if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
      problems.push(`parameter "${p.name}": the graph expects shape ${formatShape(p.shape)}, the weights have ${formatShape(t.shape)}`);
    }
  }
  for (const [name, t] of params) {
    if (!expected.has(name)) problems.push(`extra parameter "${name}" (shape ${formatShape(t.shape)}) that the graph does not have`);
  }
  if (problems.length === 0) return null;
  const missing = plan.params.filter((p) => !params.has(p.name)).map((p) => p.name);
  problems.push(...renamedBlockHints(missing, [...params.keys()].filter((n) => !expected.has(n))));
  return [`the weights in ${dir} do not fit this graph:`, ...problems.map((p) => `  ${p}`)].join('\n');
}

/** The default weights folder of a graph file: "examples/x.attractor.json" → "examples/x.weights". */
export function sidecarDirFor(graphFile: string): string {
  const base = basename(graphFile);
  const stem = base.toLowerCase().endsWith(GRAPH_EXTENSION)
    ? base.slice(0, -GRAPH_EXTENSION.length)
    : base.slice(0, base.length - extname(base).length);
  return join(dirname(graphFile), `${stem || base}.weights`);
}

// ---- saving ---------------------------------------------------------------

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** `params-000120.bin`, or a suffixed name when the current manifest already uses it (a re-save at the same step). */
function freshName(group: Group, step: number, inUse: ReadonlySet<string>): string {
  const stem = `${group}-${String(step).padStart(6, '0')}`;
  let name = `${stem}.bin`;
  for (let n = 2; inUse.has(name); n++) name = `${stem}-${n}.bin`;
  return name;
}

/** Files the checkpoint now in `dir` refers to; refuses to replace one written by a newer version. */
async function filesOfCurrentManifest(dir: string): Promise<Set<string>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
  } catch {
    return new Set(); // none, or unreadable: there is no checkpoint here to keep loadable
  }
  if (!isObject(json)) return new Set();
  if (json.format === CHECKPOINT_FORMAT && typeof json.version === 'number' && json.version > CHECKPOINT_VERSION) {
    throw new CheckpointError(
      `refusing to overwrite the checkpoint in ${dir}: it was written by a newer version (checkpoint version ${json.version}; this build writes ${CHECKPOINT_VERSION}). Save to another folder.`,
    );
  }
  const files = Array.isArray(json.tensors) ? json.tensors.map((t) => (isObject(t) ? t.file : undefined)) : [];
  return new Set(files.filter((f): f is string => typeof f === 'string'));
}

async function writeOrFail(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(path, data);
  } catch (err) {
    throw new CheckpointError(`${(err as Error).message}; the previous checkpoint is unchanged`, { cause: err });
  }
}

/** After the commit: our `.bin` files the new manifest does not use, and temp files of interrupted saves. */
async function removeUnreferenced(dir: string, keep: ReadonlySet<string>): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((n) => (BIN_FILE.test(n) && !keep.has(n)) || TEMP_FILE.test(n));
  // The checkpoint is already saved; a file that will not go is only clutter, removed by the next save.
  await Promise.all(stale.map((n) => rm(join(dir, n), { force: true }).catch(() => undefined)));
}

// ---- loading --------------------------------------------------------------

async function readManifestText(dir: string): Promise<string> {
  const info = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new CheckpointError(`no checkpoint at ${dir}: the folder does not exist`);
    throw new CheckpointError(`cannot read the checkpoint folder ${dir}: ${err.message}`, { cause: err });
  });
  if (!info.isDirectory()) throw new CheckpointError(`${dir} is not a checkpoint folder (expected a folder holding ${MANIFEST_FILE})`);
  const path = join(dir, MANIFEST_FILE);
  try {
    const size = (await stat(path)).size;
    if (size > MAX_MANIFEST_BYTES) throw new CheckpointError(`${path} is ${size} bytes: too large to be a checkpoint manifest`);
    return await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new CheckpointError(`no checkpoint in ${dir}: ${MANIFEST_FILE} is missing`);
    throw new CheckpointError(`cannot read ${path}: ${e.message}`, { cause: err });
  }
}

function parseManifest(text: string, dir: string): Manifest {
  const path = join(dir, MANIFEST_FILE);
  const bad = (what: string) => new CheckpointError(`${path}: ${what}`);
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw bad(`not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(json)) throw bad('expected a JSON object');
  if (json.format !== CHECKPOINT_FORMAT) throw bad(`not a checkpoint ("format" is ${JSON.stringify(json.format)}, expected "${CHECKPOINT_FORMAT}")`);
  const { version } = json;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw bad(`"version" must be a positive integer, got ${JSON.stringify(version)}`);
  if (version > CHECKPOINT_VERSION) {
    throw bad(`written by a newer version (checkpoint version ${version}; this build reads up to ${CHECKPOINT_VERSION}). Update Attractor Studio to load it.`);
  }
  for (const key of ['step', 'epoch'] as const) {
    if (!isCount(json[key])) throw bad(`"${key}" must be a non-negative integer, got ${JSON.stringify(json[key])}`);
  }
  const method = json.method as TrainingMethod;
  if (!METHODS.includes(method)) throw bad(`"method" must be one of ${METHODS.join(', ')}, got ${JSON.stringify(json.method)}`);

  let optimizer: Manifest['optimizer'] = null;
  if (json.optimizer !== null && json.optimizer !== undefined) {
    const o = json.optimizer;
    if (!isObject(o)) throw bad('"optimizer" must be an object or null');
    const config = optimizerSchema.safeParse(o.config);
    if (!config.success) {
      const issues = config.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`);
      throw bad(`"optimizer.config" is invalid: ${issues.join('; ')}`);
    }
    if (!isCount(o.step)) throw bad(`"optimizer.step" must be a non-negative integer, got ${JSON.stringify(o.step)}`);
    optimizer = { config: config.data, step: o.step };
  }

  if (!Array.isArray(json.tensors)) throw bad('"tensors" must be an array');
  const seen = new Set<string>();
  const tensors = json.tensors.map((t: unknown, i: number): TensorEntry => {
    const at = (what: string) => bad(`tensors[${i}]${isObject(t) && typeof t.name === 'string' ? ` ("${t.name}")` : ''}: ${what}`);
    if (!isObject(t)) throw at('expected an object');
    const { name, group, shape, dtype, file, offset, length } = t;
    if (typeof name !== 'string' || name === '') throw at('"name" must be a non-empty string');
    if (!GROUPS.includes(group as Group)) throw at(`"group" must be "params" or "optimizer", got ${JSON.stringify(group)}`);
    if (group === 'optimizer' && !optimizer) throw at('an optimizer tensor, but "optimizer" is null');
    if (seen.has(`${group}/${name}`)) throw at(`a second ${group} tensor with this name`);
    seen.add(`${group}/${name}`);
    if (!Array.isArray(shape) || !shape.every(isCount)) throw at(`"shape" must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    if (dtype !== 'float32') throw at(`dtype ${JSON.stringify(dtype)} is not supported (only "float32")`);
    if (typeof file !== 'string' || !SAFE_FILE.test(file)) throw at(`"file" must be a plain .bin file name in the folder, got ${JSON.stringify(file)}`);
    if (!isCount(offset) || !isCount(length)) throw at('"offset" and "length" must be non-negative integers');
    const size = shapeSize(shape);
    if (length !== size * 4) throw at(`shape ${formatShape(shape)} holds ${size} float32 values (${size * 4} bytes) but "length" is ${length}`);
    return { name, group: group as Group, shape, dtype, file, offset, length };
  });

  const meta = json.meta === undefined || json.meta === null ? {} : json.meta;
  if (!isObject(meta)) throw bad('"meta" must be an object');
  const created = typeof json.created === 'string' ? json.created : '';
  return { step: json.step as number, epoch: json.epoch as number, method, tensors, optimizer, meta, created };
}

/** Values of each entry, in order; every file must be exactly as long as its tensors. */
async function readTensorValues(dir: string, entries: readonly TensorEntry[]): Promise<Float32Array[]> {
  const needed = new Map<string, number>();
  for (const e of entries) needed.set(e.file, Math.max(needed.get(e.file) ?? 0, e.offset + e.length));
  const bytes = new Map<string, Uint8Array>();
  for (const [file, need] of needed) {
    const path = join(dir, file);
    let data: Uint8Array;
    try {
      data = await readFile(path);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') throw new CheckpointError(`broken checkpoint in ${dir}: ${file} is missing (${MANIFEST_FILE} refers to it)`);
      throw new CheckpointError(`cannot read ${path}: ${e.message}`, { cause: err });
    }
    if (data.length < need) throw new CheckpointError(`broken checkpoint: ${path} is truncated (${data.length} bytes; ${MANIFEST_FILE} needs ${need})`);
    if (data.length > need) {
      throw new CheckpointError(
        `broken checkpoint: ${path} has ${data.length} bytes but ${MANIFEST_FILE} accounts for ${need}: it is not the file the manifest was written with`,
      );
    }
    bytes.set(file, data);
  }
  return entries.map((e) => {
    const values = decodeFloat32LE(bytes.get(e.file)!, e.offset, e.length);
    const badValue = firstNonFinite(values);
    if (badValue) throw new CheckpointError(`broken checkpoint: ${e.group} tensor "${e.name}" in ${join(dir, e.file)} holds ${badValue}`);
    return values;
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
