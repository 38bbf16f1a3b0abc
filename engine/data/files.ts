/** What the file importers share: resolving paths, naming files in messages, rescaling. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** A path the user wrote (relative to `baseDir`, usually the graph file's folder) and where it leads. */
export interface UserPath {
  abs: string;
  /** How messages name it: as written relative to baseDir when it lies inside, else absolute. */
  shown: string;
}

export function userPath(baseDir: string, p: string): UserPath {
  const abs = path.resolve(baseDir, p);
  return { abs, shown: shownPath(baseDir, abs) };
}

export function shownPath(baseDir: string, abs: string): string {
  const rel = path.relative(path.resolve(baseDir), abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function readUserFile(p: UserPath, what: string): Promise<Buffer> {
  try {
    return await readFile(p.abs);
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ENOENT') throw new Error(`${p.shown}: file not found (expected ${what}; looked at ${p.abs})`);
    if (code === 'EISDIR') throw new Error(`${p.shown}: is a folder, expected ${what}`);
    throw new Error(`${p.shown}: cannot read ${what}: ${reason(e)}`);
  }
}

/** Gzip is recognised by its magic bytes (1f 8b), whatever the file is called. */
export function maybeGunzip(bytes: Buffer, shown: string): Buffer {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new Error(`${shown}: looks gzipped but does not decompress: ${reason(e)}`);
  }
}

/**
 * Leaves values already in [0, 1] alone; otherwise maps the data set's own
 * range onto it, v ↦ (v − min)/(max − min), one min and max over all values
 * (not per column), so relative sizes between units survive. A constant data
 * set outside [0, 1] becomes all zeros. Returns what was done, for the log.
 */
export function rescaleToUnit(values: Float32Array): { min: number; max: number; rescaled: boolean } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (values.length === 0 || (min >= 0 && max <= 1)) return { min, max, rescaled: false };
  const span = max - min;
  for (let i = 0; i < values.length; i++) values[i] = span > 0 ? (values[i] - min) / span : 0;
  return { min, max, rescaled: true };
}

/** Sort order for file and folder names: numeric runs compare as numbers (2.png before 10.png), the same on every machine. */
export const compareNames = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' }).compare;

/**
 * Class labels from names: all non-negative integers → the numbers themselves
 * (classes = largest + 1); otherwise the sorted distinct names numbered 0, 1, ….
 */
export function labelsFromNames(names: string[]): { labels: Int32Array; classes: number; classNames?: string[] } {
  if (names.length > 0 && names.every((n) => /^\d+$/.test(n) && Number(n) <= 2 ** 31 - 1)) {
    const labels = Int32Array.from(names, Number);
    return { labels, classes: labels.reduce((m, v) => Math.max(m, v), 0) + 1 };
  }
  const classNames = [...new Set(names)].sort(compareNames);
  const index = new Map(classNames.map((n, i) => [n, i]));
  return { labels: Int32Array.from(names, (n) => index.get(n) ?? 0), classes: classNames.length, classNames };
}
