/**
 * Initial weights a graph names in files (`"init": {"kind": "file", "path": "w.npz", "array": "W"}`):
 * each read once, confined to the graph's folder, and checked against the free parameter
 * it starts — its shape, finite values — before any tensor is made. Every message names
 * the node and the file as the graph spells it.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FileInit, Plan } from '../compile/plan.js';
import { decodeNpy, shapeText, type DecodedNpy } from '../format/npy.js';
import { decodeNpz } from '../format/npz.js';
import { firstNonFinite } from '../train/tensor-file.js';
import { readUserFile } from './bounded-read.js';
import { userPath } from './files.js';

/** Parameter values from files, by parameter name, in the parameter's shape. */
export type InitValues = ReadonlyMap<string, Float32Array>;

/** A file init that cannot be used: the message names the node, the file and what is wrong. */
export class InitFileError extends Error {
  override name = 'InitFileError';
}

/** Values for every parameter the plan initialises from a file (none: an empty map). */
export async function loadInitFiles(plan: Plan, baseDir: string): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  const files = new Map<string, Promise<ReadFile>>();
  for (const p of plan.params) {
    if (!('fromFile' in p.init)) continue;
    const init = p.init.fromFile;
    const where = `node "${p.owner}": params.init`;
    let read: Promise<ReadFile> | undefined = files.get(init.path);
    if (!read) {
      read = readConfined(baseDir, init.path);
      files.set(init.path, read);
    }
    let file: ReadFile;
    try {
      file = await read;
    } catch (err) {
      // Unreadable, malformed, or outside the folder: each message already names the file.
      throw new InitFileError(`${where}: ${(err as Error).message}`);
    }
    const array = pick(file, init, (what) => new InitFileError(`${where}: ${what}`));
    const named = `${init.path}${init.array !== undefined ? ` (array "${init.array}")` : ''}`;
    if (array.shape.length !== p.shape.length || array.shape.some((d, i) => d !== p.shape[i])) {
      throw new InitFileError(`${where}: ${named} holds shape ${shapeText(array.shape)}, but parameter "${p.name}" has shape ${shapeText(p.shape)}`);
    }
    const bad = firstNonFinite(array.data);
    if (bad) throw new InitFileError(`${where}: ${named} holds ${bad}: initial weights must be finite`);
    out.set(p.name, array.data);
  }
  return out;
}

type ReadFile = { readonly kind: 'npy'; readonly array: DecodedNpy } | { readonly kind: 'npz'; readonly arrays: Map<string, DecodedNpy> };

/**
 * The file at `p` relative to the graph's folder, refused unless it lies inside that folder
 * as written and after following symbolic links, so a graph passed around cannot make the
 * engine read files elsewhere on the machine that opens it.
 */
async function readConfined(baseDir: string, p: string): Promise<ReadFile> {
  const file = userPath(baseDir, p);
  const folder = path.resolve(baseDir);
  const outside = () => new Error(`"${p}" lies outside the graph's folder (${folder}): initial-weight files must be inside the folder of the graph file`);
  if (!isInside(folder, file.abs)) throw outside();
  const realFolder = await realpath(folder).catch(() => folder);
  const realFile = await realpath(file.abs).catch(() => undefined);
  if (realFile !== undefined && !isInside(realFolder, realFile)) throw new Error(`"${p}" leads outside the graph's folder (${folder}) through a symbolic link: initial-weight files must be inside it`);
  const bytes = new Uint8Array(await readUserFile(file, 'an .npy or .npz file'));
  return isZip(bytes) ? { kind: 'npz', arrays: decodeNpz(bytes, file.shown) } : { kind: 'npy', array: decodeNpy(bytes, file.shown) };
}

function pick(file: ReadFile, init: FileInit, fail: (what: string) => InitFileError): DecodedNpy {
  if (file.kind === 'npy') {
    if (init.array !== undefined) throw fail(`${init.path} is an .npy file, which holds one array: leave out "array" (it names an array of an .npz)`);
    return file.array;
  }
  const names = [...file.arrays.keys()];
  const list = names.length === 0 ? 'none' : names.map((n) => `"${n}"`).join(', ');
  if (init.array === undefined) {
    if (names.length === 1) return file.arrays.get(names[0])!;
    throw fail(`${init.path} holds ${names.length} arrays (${list}): say which with "array"`);
  }
  const a = file.arrays.get(init.array);
  if (!a) throw fail(`${init.path} has no array "${init.array}" (it holds ${list})`);
  return a;
}

/** A zip archive (an .npz) starts with a local file header, or, when empty, its end record. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

function isInside(folder: string, p: string): boolean {
  const rel = path.relative(folder, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
