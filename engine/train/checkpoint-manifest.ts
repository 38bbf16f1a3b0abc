/**
 * The manifest of a checkpoint folder (checkpoint.json): what it must hold, read strictly.
 * checkpoint.ts writes and loads the folder; this file says whether a manifest is whole.
 *
 * Version 2 adds `files`: every `.bin` file the tensors live in, with its length in bytes
 * and its SHA-256, so a file that was changed, damaged or swapped after the save (bits
 * flipped that still read as finite floats) is refused naming the file. Version 1
 * manifests (no checksums) are still read.
 */
import { join } from 'node:path';
import { METHODS, optimizerSchema, type TrainingMethod } from '../../nodes/config.js';
import type { OptimizerConfig } from './optimizers.js';
import { formatShape, shapeSize } from './tensor-file.js';

export const CHECKPOINT_FORMAT = 'attractor-checkpoint';
export const CHECKPOINT_VERSION = 2;
export const MANIFEST_FILE = 'checkpoint.json';
/** A manifest lists tensors, never values; anything this large is not one. */
export const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;

export type Group = 'params' | 'optimizer';
const GROUPS: readonly Group[] = ['params', 'optimizer'];
/** Plain names only, so a hand-edited manifest cannot point outside its folder. */
const SAFE_FILE = /^[A-Za-z0-9_-][A-Za-z0-9._-]*\.bin$/;
const SHA256 = /^[0-9a-f]{64}$/;

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export interface TensorEntry {
  name: string;
  group: Group;
  shape: number[];
  dtype: 'float32';
  file: string;
  offset: number;
  length: number;
}

export interface FileEntry {
  readonly bytes: number;
  readonly sha256: string;
}

export interface Manifest {
  version: number;
  step: number;
  epoch: number;
  method: TrainingMethod;
  tensors: TensorEntry[];
  /** Version 2: every file the tensors are in (version 1: null, nothing to check against). */
  files: Map<string, FileEntry> | null;
  optimizer: { config: OptimizerConfig; step: number } | null;
  meta: Record<string, unknown>;
  created: string;
}

export function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The manifest in `text`, every field checked; a CheckpointError naming the manifest and the field otherwise. */
export function parseManifest(text: string, dir: string): Manifest {
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

  const files = version >= 2 ? parseFiles(json.files, tensors, bad) : null;
  const meta = json.meta === undefined || json.meta === null ? {} : json.meta;
  if (!isObject(meta)) throw bad('"meta" must be an object');
  const created = typeof json.created === 'string' ? json.created : '';
  return { version, step: json.step as number, epoch: json.epoch as number, method, tensors, files, optimizer, meta, created };
}

/** `files` of a version 2 manifest: exactly the files the tensors name, each with its length and checksum. */
function parseFiles(raw: unknown, tensors: readonly TensorEntry[], bad: (what: string) => CheckpointError): Map<string, FileEntry> {
  if (!isObject(raw)) throw bad('"files" must be an object listing each .bin file with its "bytes" and "sha256" (the manifest is incomplete)');
  const files = new Map<string, FileEntry>();
  for (const [name, entry] of Object.entries(raw)) {
    if (!SAFE_FILE.test(name)) throw bad(`files: ${JSON.stringify(name)} is not a plain .bin file name in the folder`);
    if (!isObject(entry) || !isCount(entry.bytes) || typeof entry.sha256 !== 'string' || !SHA256.test(entry.sha256)) {
      throw bad(`files["${name}"] must be { "bytes": <count>, "sha256": <64 hex digits> }`);
    }
    files.set(name, { bytes: entry.bytes, sha256: entry.sha256 });
  }
  for (const t of tensors) {
    if (!files.has(t.file)) throw bad(`files has no entry for ${t.file}, which tensor "${t.name}" is in (the manifest is incomplete)`);
  }
  const used = new Set(tensors.map((t) => t.file));
  for (const name of files.keys()) if (!used.has(name)) throw bad(`files lists ${name}, which no tensor is in`);
  return files;
}
