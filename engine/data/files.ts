/** What the file importers share: resolving paths, naming files in messages, rescaling. */
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LIMITS, bytesText } from '../compile/limits.js';

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

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Gzip is recognised by its magic bytes (1f 8b), whatever the file is called; what it inflates to is held to the file limit. */
export function maybeGunzip(bytes: Buffer, shown: string): Buffer {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: LIMITS.fileBytes });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`${shown}: decompresses to more than ${bytesText(LIMITS.fileBytes)}, the most a data file may hold`);
    }
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
