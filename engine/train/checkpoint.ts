/**
 * Checkpoints: parameters, optimiser state and position of a training run, read back
 * bit for bit by `--resume`, by `attractor eval --weights DIR` and as a graph's
 * `weights` sidecar folder.
 *
 * Format, version 2: a folder holding
 *
 *   checkpoint.json       the manifest (small, diffable; no tensor values in JSON)
 *     { "format": "attractor-checkpoint", "version": 2,
 *       "step": 120,                       batches done
 *       "epoch": 3,
 *       "method": "bptt",
 *       "tensors": [ { "name": "W", "group": "params", "shape": [16, 6], "dtype": "float32",
 *                      "file": "params-000120.bin", "offset": 0, "length": 384 },
 *                    { "name": "W/m", "group": "optimizer", …, "file": "optimizer-000120.bin", … } ],
 *       "files": { "params-000120.bin": { "bytes": 384, "sha256": "…" }, … },
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
 * cleanup re-reads the manifest). The manifest's parts are checked in checkpoint-manifest.ts;
 * every file is read confined to the workspace in the web mode (format/confine.ts), and a
 * file whose length or checksum differs from the manifest's is refused, naming it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import { LIMITS } from '../compile/limits.js';
import { ensureInside, openRegularFile } from '../format/confine.js';
import { writeFileAtomic } from '../format/save.js';
import { removeLeftoverTemps } from '../format/temp-files.js';
import { GRAPH_EXTENSION } from '../../nodes/graph.js';
import { METHODS, optimizerSchema, type TrainingMethod } from '../../nodes/config.js';
import type { OptimizerConfig } from './optimizers.js';
import { renamedBlockHints } from './renamed-blocks.js';
import { decodeFloat32LE, encodeFloat32LE, firstNonFinite, formatShape } from './tensor-file.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CheckpointError,
  isCount,
  isObject,
  MANIFEST_FILE,
  MAX_MANIFEST_BYTES,
  parseManifest,
  type FileEntry,
  type Group,
  type TensorEntry,
} from './checkpoint-manifest.js';

export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError, MANIFEST_FILE };

/** Files a save owns, and may delete once unreferenced; anything else in the folder is left alone. */
const BIN_FILE = /^(?:params|optimizer)-\d+(?:-\d+)?\.bin$/;
/** The most a .bin file may hold: every parameter of a graph at the limit, as float32. */
const MAX_BIN_BYTES = LIMITS.parameterValues * 4;

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

  // Confined twice: the folder as named (before mkdir creates anything), then as it really is.
  await ensureInside(resolve(dir), dir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new CheckpointError(`could not create the checkpoint folder ${dir}: ${(err as Error).message}`, { cause: err });
  }
  await ensureInside(resolve(dir), dir);
  const inUse = await filesOfCurrentManifest(dir);

  const tensors: TensorEntry[] = [];
  const files: Record<string, FileEntry> = {};
  for (const { group, values } of payloads) {
    if (values.length === 0) continue;
    const file = freshName(group, data.step, inUse);
    let offset = 0;
    for (const v of values) {
      const length = v.data.length * 4;
      tensors.push({ name: v.name, group, shape: v.shape, dtype: 'float32', file, offset, length });
      offset += length;
    }
    const bytes = encodeFloat32LE(values.map((v) => v.data));
    await writeOrFail(join(dir, file), bytes);
    files[file] = { bytes: bytes.length, sha256: sha256(bytes) };
  }

  const manifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    step: data.step,
    epoch: data.epoch,
    method: data.method,
    tensors,
    files,
    optimizer: data.optimizer ? { config: data.optimizer.config, step: data.optimizer.step } : null,
    meta,
    created: new Date().toISOString(),
  };
  await writeOrFail(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  await removeUnreferenced(dir, new Set(Object.keys(files)));
}

/** Loads the checkpoint in `dir`; nothing is allocated unless every check passes. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  for (let attempt = 0; ; attempt++) {
    const text = await readManifestText(dir);
    const manifest = parseManifest(text, dir);
    let values: Float32Array[];
    try {
      values = await readTensorValues(dir, manifest.tensors, manifest.files);
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
    json = JSON.parse((await readConfined(join(dir, MANIFEST_FILE), MAX_MANIFEST_BYTES)).toString('utf8'));
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

/** After the commit: our `.bin` files the new manifest does not use, and temp files of interrupted saves of our files. */
async function removeUnreferenced(dir: string, keep: ReadonlySet<string>): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((n) => BIN_FILE.test(n) && !keep.has(n));
  // The checkpoint is already saved; a file that will not go is only clutter, removed by the next save.
  await Promise.all(stale.map((n) => rm(join(dir, n), { force: true }).catch(() => undefined)));
  await removeLeftoverTemps(dir, (name) => name === MANIFEST_FILE || BIN_FILE.test(name));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A whole file, confined (format/confine.ts), a regular file of at most `max` bytes. */
async function readConfined(path: string, max: number): Promise<Buffer> {
  const { handle, stats } = await openRegularFile(resolve(path), path);
  try {
    if (stats.size > max) throw new CheckpointError(`${path} is ${stats.size} bytes: too large to be part of a checkpoint`);
    return await handle.readFile();
  } finally {
    await handle.close().catch(() => undefined);
  }
}

// ---- loading --------------------------------------------------------------

async function readManifestText(dir: string): Promise<string> {
  await ensureInside(resolve(dir), dir);
  const info = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new CheckpointError(`no checkpoint at ${dir}: the folder does not exist`);
    throw new CheckpointError(`cannot read the checkpoint folder ${dir} (${err.code ?? 'error'})`, { cause: err });
  });
  if (!info.isDirectory()) throw new CheckpointError(`${dir} is not a checkpoint folder (expected a folder holding ${MANIFEST_FILE})`);
  const path = join(dir, MANIFEST_FILE);
  try {
    return (await readConfined(path, MAX_MANIFEST_BYTES)).toString('utf8');
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new CheckpointError(`no checkpoint in ${dir}: ${MANIFEST_FILE} is missing`);
    throw new CheckpointError(`cannot read ${path}: ${e.code === 'ENOTREG' || e.code === 'EISDIR' ? 'not a regular file' : (e.code ?? e.message)}`, { cause: err });
  }
}

/** Values of each entry, in order; every file must be exactly as long as its tensors, and match its checksum (version 2). */
async function readTensorValues(dir: string, entries: readonly TensorEntry[], files: ReadonlyMap<string, FileEntry> | null): Promise<Float32Array[]> {
  const needed = new Map<string, number>();
  for (const e of entries) needed.set(e.file, Math.max(needed.get(e.file) ?? 0, e.offset + e.length));
  const bytes = new Map<string, Uint8Array>();
  for (const [file, need] of needed) {
    const path = join(dir, file);
    let data: Uint8Array;
    try {
      data = await readConfined(path, MAX_BIN_BYTES);
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') throw new CheckpointError(`broken checkpoint in ${dir}: ${file} is missing (${MANIFEST_FILE} refers to it)`);
      if (e.name === 'OutsideWorkspaceError') throw err;
      throw new CheckpointError(`cannot read ${path} (${e.code ?? e.message})`, { cause: err });
    }
    if (data.length < need) throw new CheckpointError(`broken checkpoint: ${path} is truncated (${data.length} bytes; ${MANIFEST_FILE} needs ${need})`);
    if (data.length > need) {
      throw new CheckpointError(
        `broken checkpoint: ${path} has ${data.length} bytes but ${MANIFEST_FILE} accounts for ${need}: it is not the file the manifest was written with`,
      );
    }
    const expected = files?.get(file);
    if (expected && (expected.bytes !== data.length || expected.sha256 !== sha256(data))) {
      throw new CheckpointError(`broken checkpoint: ${path} does not match its checksum in ${MANIFEST_FILE}: the file was changed or damaged after it was saved`);
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
