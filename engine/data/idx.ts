/**
 * IDX files, MNIST's own format (yann.lecun.com/exdb/mnist): two zero bytes, a
 * type byte, a byte with the number of dimensions, one big-endian u32 per
 * dimension, then the values big-endian. Images are 0x00000803 (u8,
 * count×rows×cols), labels 0x00000801 (u8, count). Gzipped files (.gz) are read
 * as well.
 */
import { LIMITS } from '../compile/limits.js';
import { readUserFile, type ReadOptions } from './bounded-read.js';
import type { Dataset } from './dataset.js';
import { maybeGunzip, rescaleToUnit, userPath } from './files.js';

const TYPES = {
  0x08: { name: 'u8', bytes: 1 },
  0x09: { name: 'i8', bytes: 1 },
  0x0b: { name: 'i16', bytes: 2 },
  0x0c: { name: 'i32', bytes: 4 },
  0x0d: { name: 'f32', bytes: 4 },
  0x0e: { name: 'f64', bytes: 8 },
} as const;

export type IdxType = (typeof TYPES)[keyof typeof TYPES]['name'];

export interface IdxArray {
  type: IdxType;
  dims: number[];
  /** The values as stored: raw bytes for u8, converted to float32 for every other type. */
  values: Uint8Array | Float32Array;
}

/** Decodes (and gunzips) one IDX file; `shown` names it in errors. */
export function parseIdx(input: Buffer, shown: string): IdxArray {
  const bytes = maybeGunzip(input, shown);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${shown}: not an IDX file (expected the magic number 0x0000TTDD, e.g. 0x00000803 for u8 images)`);
  }
  const type = TYPES[bytes[2] as keyof typeof TYPES];
  if (!type) {
    throw new Error(
      `${shown}: unknown IDX value type 0x${bytes[2].toString(16).padStart(2, '0')} ` +
        '(expected 08 u8, 09 i8, 0B i16, 0C i32, 0D f32 or 0E f64)',
    );
  }
  const ndim = bytes[3];
  const header = 4 + 4 * ndim;
  if (ndim === 0 || bytes.length < header) throw new Error(`${shown}: IDX header promises ${ndim} dimensions but the file ends first`);
  const dims = Array.from({ length: ndim }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const n = dims.reduce((a, b) => a * b, 1);
  if (n > LIMITS.datasetValues) {
    throw new Error(`${shown}: the IDX header promises ${dims.join('×')} = ${n.toLocaleString('en-US')} values; a dataset holds at most ${LIMITS.datasetValues.toLocaleString('en-US')}`);
  }
  const expected = header + n * type.bytes;
  if (bytes.length !== expected) {
    throw new Error(
      `${shown}: IDX ${type.name} array of ${dims.join('×')} needs ${expected} bytes, the file has ${bytes.length}`,
    );
  }
  if (type.name === 'u8') return { type: type.name, dims, values: new Uint8Array(bytes.subarray(header, expected)) };
  const values = new Float32Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset + header, n * type.bytes);
  const read: (i: number) => number = {
    i8: (i: number) => view.getInt8(i),
    i16: (i: number) => view.getInt16(2 * i),
    i32: (i: number) => view.getInt32(4 * i),
    f32: (i: number) => view.getFloat32(4 * i),
    f64: (i: number) => view.getFloat64(8 * i),
  }[type.name];
  for (let i = 0; i < n; i++) values[i] = read(i);
  return { type: type.name, dims, values };
}

/**
 * An IDX image file (count×rows×cols, or count×n for plain vectors) and an
 * optional label file (count integers ≥ 0), paths relative to `baseDir`. u8
 * pixels become byte/255; other types are taken as they are when all values lie
 * in [0, 1], else rescaled by the data set's own min/max (see rescaleToUnit).
 */
export async function importIdx(images: string, labels: string | undefined, baseDir: string, read: ReadOptions = {}): Promise<Dataset> {
  const imagePath = userPath(baseDir, images);
  const img = parseIdx(await readUserFile(imagePath, 'an IDX image file', read), imagePath.shown);
  if (img.dims.length !== 2 && img.dims.length !== 3) {
    throw new Error(
      `${imagePath.shown}: expected IDX images of 3 dimensions (count×rows×cols) or 2 (count×values), found ${img.dims.join('×')}`,
    );
  }
  const [count, height, width] = img.dims.length === 3 ? img.dims : [img.dims[0], 1, img.dims[1]];
  let values: Float32Array;
  if (img.values instanceof Uint8Array) {
    values = new Float32Array(img.values.length);
    for (let i = 0; i < values.length; i++) values[i] = img.values[i] / 255;
  } else {
    values = img.values;
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${imagePath.shown}: value ${values[bad]} at example ${Math.floor(bad / (height * width))} is not finite`);
    rescaleToUnit(values);
  }
  const name = imagePath.shown.split('/').pop() ?? imagePath.shown;
  const out: Dataset = { name, count, channels: 1, height, width, images: values };
  if (labels !== undefined) {
    const labelPath = userPath(baseDir, labels);
    const lab = parseIdx(await readUserFile(labelPath, 'an IDX label file', read), labelPath.shown);
    if (lab.dims.length !== 1) {
      throw new Error(`${labelPath.shown}: expected IDX labels of 1 dimension (count), found ${lab.dims.join('×')}`);
    }
    if (lab.dims[0] !== count) {
      throw new Error(`${labelPath.shown}: has ${lab.dims[0]} labels but ${imagePath.shown} has ${count} images`);
    }
    const ints = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const v = lab.values[i];
      if (!Number.isInteger(v) || v < 0) throw new Error(`${labelPath.shown}: label ${i} is ${v}, expected an integer ≥ 0`);
      ints[i] = v;
    }
    out.labels = ints;
    out.classes = ints.reduce((m, v) => Math.max(m, v), -1) + 1;
  }
  return out;
}
