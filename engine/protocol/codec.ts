/**
 * Protocol messages through transports that carry only JSON (a WebSocket, a forked
 * child's IPC channel): `encode` turns a message into a JSON-safe tree and `decode` turns
 * it back, exactly — typed arrays as little-endian base64 (bit for bit, NaN payloads
 * included), and the numbers JSON cannot hold (NaN, ±Infinity, −0) as tagged values.
 *
 * Tags are objects with a "$" key: {"$": "f32", "b": base64}, {"$": "num", "v": "NaN"}.
 * A message's own object that happens to have a "$" key is wrapped as
 * {"$": "esc", "o": {...}}, so no user data (a graph document) is ever read as a tag.
 *
 * `transferables` lists the buffers a postMessage may transfer instead of copying.
 * Plain data, no Node built-ins: the renderer imports this.
 */

export type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

type TypedArray = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
type TypedCtor = { new (buffer: ArrayBuffer): TypedArray; readonly BYTES_PER_ELEMENT: number };

const TYPED: Record<string, TypedCtor> = {
  f32: Float32Array,
  f64: Float64Array,
  i8: Int8Array,
  i16: Int16Array,
  i32: Int32Array,
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
};

function tagOf(v: ArrayBufferView): string | undefined {
  for (const [tag, ctor] of Object.entries(TYPED)) if (v.constructor === ctor) return tag;
  return undefined;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encode(value: unknown): Encoded {
  return enc(value, '');
}

export function decode<T = unknown>(value: unknown): T {
  return dec(value, '') as T;
}

export function encodeText(value: unknown): string {
  return JSON.stringify(encode(value));
}

export function decodeText<T = unknown>(text: string): T {
  return decode<T>(JSON.parse(text));
}

/** The distinct buffers of the message's typed arrays that a view covers whole (transferring a shared one would detach others' data). */
export function transferables(value: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const walk = (v: unknown): void => {
    if (ArrayBuffer.isView(v)) {
      const b = v.buffer;
      if (b instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === b.byteLength) out.add(b);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return [...out];
}

function enc(v: unknown, at: string): Encoded {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (Number.isFinite(v) && !Object.is(v, -0)) return v;
    return { $: 'num', v: Object.is(v, -0) ? '-0' : String(v) };
  }
  if (v === undefined) return { $: 'undef' };
  if (ArrayBuffer.isView(v)) {
    const tag = tagOf(v);
    if (!tag) throw new TypeError(`encode: ${at || 'the message'} is a ${v.constructor.name}, which the protocol does not carry`);
    return { $: tag, b: toBase64(littleEndianBytes(v as TypedArray)) };
  }
  if (Array.isArray(v)) return v.map((x, i) => enc(x, `${at}[${i}]`));
  if (typeof v === 'object' && isPlain(v)) {
    const out: { [key: string]: Encoded } = {};
    for (const [k, x] of Object.entries(v)) {
      if (x !== undefined) out[k] = enc(x, at ? `${at}.${k}` : k);
    }
    return '$' in v ? { $: 'esc', o: out } : out;
  }
  throw new TypeError(`encode: ${at || 'the message'} is ${typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : `a ${typeof v}`}, which the protocol does not carry`);
}

function dec(v: unknown, at: string): unknown {
  if (Array.isArray(v)) return v.map((x, i) => dec(x, `${at}[${i}]`));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (!('$' in o)) return entries(o, at);
  const tag = o.$;
  if (tag === 'esc') {
    if (o.o === null || typeof o.o !== 'object' || Array.isArray(o.o)) throw new TypeError(`decode: ${at || 'the message'}: an escaped object without its "o"`);
    return entries(o.o as Record<string, unknown>, at);
  }
  if (tag === 'num') {
    const n = { NaN, Infinity, '-Infinity': -Infinity, '-0': -0 }[String(o.v)];
    if (n === undefined) throw new TypeError(`decode: ${at || 'the message'}: unknown number tag ${JSON.stringify(o.v)}`);
    return n;
  }
  if (tag === 'undef') return undefined;
  const ctor = typeof tag === 'string' ? TYPED[tag] : undefined;
  if (ctor && typeof o.b === 'string') return fromLittleEndian(fromBase64(o.b), ctor, at);
  throw new TypeError(`decode: ${at || 'the message'}: unknown tag ${JSON.stringify(tag)}`);
}

function entries(o: Record<string, unknown>, at: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = dec(x, at ? `${at}.${k}` : k);
  return out;
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

// ---- bytes --------------------------------------------------------------------------

function littleEndianBytes(v: TypedArray): Uint8Array {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (LITTLE_ENDIAN || v.BYTES_PER_ELEMENT === 1) return bytes;
  const out = new Uint8Array(bytes.length);
  const n = v.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += n) for (let k = 0; k < n; k++) out[i + k] = bytes[i + n - 1 - k];
  return out;
}

function fromLittleEndian(bytes: Uint8Array, ctor: TypedCtor, at: string): TypedArray {
  const n = ctor.BYTES_PER_ELEMENT;
  if (bytes.length % n !== 0) throw new TypeError(`decode: ${at || 'the message'}: ${bytes.length} bytes is not a whole number of ${n}-byte values`);
  const copy = new Uint8Array(bytes.length);
  if (LITTLE_ENDIAN || n === 1) copy.set(bytes);
  else for (let i = 0; i < bytes.length; i += n) for (let k = 0; k < n; k++) copy[i + k] = bytes[i + n - 1 - k];
  return new ctor(copy.buffer);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 with padding; no btoa (it takes strings) and no Buffer (the renderer has none). */
export function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 3 * 4096;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const end = Math.min(bytes.length, start + CHUNK);
    let s = '';
    for (let i = start; i < end; i += 3) {
      const a = bytes[i];
      const b = i + 1 < end ? bytes[i + 1] : 0;
      const c = i + 2 < end ? bytes[i + 2] : 0;
      s += ALPHABET[a >> 2] + ALPHABET[((a & 3) << 4) | (b >> 4)];
      s += i + 1 < end ? ALPHABET[((b & 15) << 2) | (c >> 6)] : '=';
      s += i + 2 < end ? ALPHABET[c & 63] : '=';
    }
    parts.push(s);
  }
  return parts.join('');
}

export function fromBase64(s: string): Uint8Array {
  if (s.length % 4 !== 0) throw new TypeError(`decode: base64 of length ${s.length} is not a multiple of 4`);
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  const digit = (i: number): number => {
    const ch = s.charCodeAt(i);
    if (ch === 61 && i >= s.length - pad) return 0; // '=' padding, only at the very end
    const v = ch < 128 ? LOOKUP[ch] : -1;
    if (v < 0) throw new TypeError(`decode: invalid base64 character at position ${i}`);
    return v;
  };
  for (let i = 0; i < s.length; i += 4) {
    const n = (digit(i) << 18) | (digit(i + 1) << 12) | (digit(i + 2) << 6) | digit(i + 3);
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
