/**
 * NumPy's `.npy` format (numpy.lib.format), so weights and states move to and from NumPy
 * and PyTorch without a converter.
 *
 *   "\x93NUMPY" major minor  header-length (uint16 LE in 1.0; uint32 LE in 2.0 and 3.0)
 *   header: a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
 *           padded with spaces and ending in "\n", so the data starts 64-byte aligned
 *   data:   the values, C order
 *
 * Read: little-endian float32 and float64 (float64 is rounded to float32, the engine's
 * dtype), C order, versions 1.0, 2.0 and 3.0. Written: float32, version 1.0 (2.0 when the
 * header does not fit 1.0's 64 KiB). Everything else is refused with what to do about it;
 * every message starts with the name the caller gave the file.
 */

export const NPY_MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59); // \x93NUMPY

/** An n-dimensional float32 array, C order (the last axis varies fastest). */
export interface NdArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** What a decoded file held, besides its values: the dtype it was stored in. */
export interface DecodedNpy extends NdArray {
  readonly stored: 'float32' | 'float64';
}

/** A file that is not an array this codec reads; the message names the file and says what is wrong. */
export class NumpyFormatError extends Error {
  override name = 'NumpyFormatError';
}

const READABLE: Readonly<Record<string, { stored: DecodedNpy['stored']; bytes: number }>> = {
  '<f4': { stored: 'float32', bytes: 4 },
  '<f8': { stored: 'float64', bytes: 8 },
};

/** The number of values an array of `shape` holds. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Decodes the `.npy` bytes of the file called `shown` in messages. */
export function decodeNpy(bytes: Uint8Array, shown: string): DecodedNpy {
  const fail = (what: string) => new NumpyFormatError(`${shown}: ${what}`);
  if (bytes.length < NPY_MAGIC.length || NPY_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw fail('not a NumPy .npy file (it does not start with "\\x93NUMPY")');
  }
  if (bytes.length < 10) throw fail(`truncated: ${bytes.length} bytes, too short for an .npy header`);
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3) throw fail(`.npy format version ${major}.${minor} is not supported (1.0, 2.0 and 3.0 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw fail(`truncated: ${bytes.length} bytes, too short for an .npy header`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes;
  if (bytes.length < start + headerLength) throw fail(`truncated: the header says it is ${headerLength} bytes, but only ${bytes.length - start} follow`);
  // Versions 1 and 2 write the header in latin-1, version 3 in UTF-8; the fields we read are ASCII either way.
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLength));
  const { descr, fortran, shape } = parseHeader(header, fail);

  const dtype = READABLE[descr];
  if (!dtype) throw fail(unsupportedDtype(descr));
  if (fortran && shape.filter((d) => d > 1).length > 1) {
    throw fail('the array is stored in Fortran (column-major) order, which is not supported: save np.ascontiguousarray(a) instead');
  }
  const count = sizeOf(shape);
  if (!Number.isSafeInteger(count * dtype.bytes)) throw fail(`shape ${shapeText(shape)} is too large to be an array in memory`);
  const dataStart = start + headerLength;
  const need = count * dtype.bytes;
  const have = bytes.length - dataStart;
  if (have < need) throw fail(`truncated: shape ${shapeText(shape)} of ${dtype.stored} needs ${need} bytes of data, but only ${have} follow the header`);
  if (have > need) throw fail(`${have - need} bytes follow the ${need} bytes of data that shape ${shapeText(shape)} of ${dtype.stored} holds: not a file numpy wrote`);

  const data = new Float32Array(count);
  if (dtype.stored === 'float32') {
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + 4 * i, true);
  } else {
    for (let i = 0; i < count; i++) {
      const v = view.getFloat64(dataStart + 8 * i, true);
      data[i] = v;
      if (Number.isFinite(v) && !Number.isFinite(data[i])) throw fail(`value ${v} at index ${i} is outside float32's range (±3.4e38)`);
    }
  }
  return { shape, data, stored: dtype.stored };
}

/** The `.npy` bytes of a float32 array (version 1.0, or 2.0 for a header over 64 KiB). */
export function encodeNpy(array: NdArray): Uint8Array {
  const { shape, data } = array;
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new Error(`shape ${shapeText(shape)} is not a list of sizes`);
  if (sizeOf(shape) !== data.length) throw new Error(`shape ${shapeText(shape)} holds ${sizeOf(shape)} values, the data ${data.length}`);
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${tuple}, }`;
  const major = 10 + dict.length + 1 <= 0xffff ? 1 : 2;
  const prefix = major === 1 ? 10 : 12;
  // Spaces up to the next multiple of 64, then the newline numpy ends every header with.
  const padded = `${dict}${' '.repeat((64 - ((prefix + dict.length + 1) % 64)) % 64)}\n`;
  const out = new Uint8Array(prefix + padded.length + data.length * 4);
  const view = new DataView(out.buffer);
  out.set(NPY_MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  if (major === 1) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) out[prefix + i] = padded.charCodeAt(i);
  const at = prefix + padded.length;
  for (let i = 0; i < data.length; i++) view.setFloat32(at + 4 * i, data[i], true);
  return out;
}

function unsupportedDtype(descr: string): string {
  if (/^>[fiuc]\d+$/.test(descr)) return `the array is big-endian ('${descr}'), which is not supported: save a.astype('<${descr.slice(1)}') instead`;
  const known: Record<string, string> = { f2: 'float16', i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64', u1: 'uint8', u2: 'uint16', u4: 'uint32', u8: 'uint64', b1: 'bool', c8: 'complex64', c16: 'complex128' };
  const name = known[descr.replace(/^[<>|=]/, '')];
  return `dtype ${name ?? `'${descr}'`} is not supported (float32 or float64 only): save a.astype(np.float32) instead`;
}

// ---- the header: a Python dict literal ---------------------------------

type PyValue = string | number | boolean | null | PyValue[] | { readonly [key: string]: PyValue };

function parseHeader(text: string, fail: (what: string) => NumpyFormatError): { descr: string; fortran: boolean; shape: number[] } {
  let dict: PyValue;
  try {
    dict = new PyLiteral(text).whole();
  } catch (err) {
    throw fail(`the header is not the dict numpy writes (${(err as Error).message})`);
  }
  if (dict === null || typeof dict !== 'object' || Array.isArray(dict)) throw fail('the header is not a dict');
  const { descr, fortran_order: fortran, shape } = dict;
  if (typeof descr !== 'string') {
    throw fail(`dtype ${JSON.stringify(descr)} is a structured or unknown dtype, which is not supported (float32 or float64 only)`);
  }
  if (typeof fortran !== 'boolean') throw fail("the header's 'fortran_order' is missing or not True/False");
  if (!Array.isArray(shape) || !shape.every((d): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw fail("the header's 'shape' is missing or not a tuple of sizes");
  }
  return { descr, fortran, shape };
}

/** Just enough of Python's literal syntax for numpy's headers: dicts, tuples, lists, strings, integers, True, False, None. */
class PyLiteral {
  private at = 0;
  constructor(private readonly text: string) {}

  whole(): PyValue {
    const v = this.value();
    this.space();
    if (this.at !== this.text.length) throw new Error(`unexpected "${this.text.slice(this.at, this.at + 10)}" after the dict`);
    return v;
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  private value(): PyValue {
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.dict();
    if (c === '(' || c === '[') return this.sequence(c === '(' ? ')' : ']');
    if (c === "'" || c === '"') return this.string();
    const word = /^(?:True|False|None|-?\d+)/.exec(this.text.slice(this.at));
    if (!word) throw new Error(c === undefined ? 'it ends early' : `unexpected "${c}" at ${this.at}`);
    this.at += word[0].length;
    return word[0] === 'True' ? true : word[0] === 'False' ? false : word[0] === 'None' ? null : Number(word[0]);
  }

  private string(): string {
    const quote = this.text[this.at++];
    const end = this.text.indexOf(quote, this.at);
    if (end < 0) throw new Error('a string is not closed');
    const s = this.text.slice(this.at, end);
    this.at = end + 1;
    return s;
  }

  private sequence(close: string): PyValue[] {
    this.at++;
    const items: PyValue[] = [];
    for (;;) {
      this.space();
      if (this.text[this.at] === close) {
        this.at++;
        return items;
      }
      items.push(this.value());
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== close) throw new Error(`expected "," or "${close}" at ${this.at}`);
    }
  }

  private dict(): { [key: string]: PyValue } {
    this.at++;
    const out: { [key: string]: PyValue } = {};
    for (;;) {
      this.space();
      if (this.text[this.at] === '}') {
        this.at++;
        return out;
      }
      const key = this.value();
      if (typeof key !== 'string') throw new Error('a key is not a string');
      this.space();
      if (this.text[this.at++] !== ':') throw new Error(`expected ":" after '${key}'`);
      out[key] = this.value();
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== '}') throw new Error(`expected "," or "}" at ${this.at}`);
    }
  }
}
