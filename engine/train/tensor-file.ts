/**
 * Float32 tensors as raw little-endian bytes: the payload of checkpoint `.bin` files.
 *
 * Always through a DataView, so the bytes are little-endian on any host and one code
 * path (the tested one) runs everywhere; at ≈5 ms per million values it is not the
 * cost of a checkpoint.
 */

/** Bytes of `values`, little-endian, back to back. */
export function encodeFloat32LE(parts: readonly Float32Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total * 4);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++, at += 4) view.setFloat32(at, p[i], true);
  }
  return bytes;
}

/** `length` bytes from `offset` of `bytes` as float32 values (a copy). */
export function decodeFloat32LE(bytes: Uint8Array, offset: number, length: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, length);
  const out = new Float32Array(length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** The first value that is NaN or ±Infinity, described for a message, or null. */
export function firstNonFinite(values: ArrayLike<number>): string | null {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) return `${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'} at index ${i}`;
  }
  return null;
}

export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
