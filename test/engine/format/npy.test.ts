import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, NumpyFormatError } from '../../../engine/format/npy.js';

/** Files NumPy 1.24 wrote (test/fixtures/numpy/make.py). */
const fixture = (name: string) => new Uint8Array(readFileSync(join('test/fixtures/numpy', name)));
const A = [-0.5, -0.25, 0, 0.25, 0.5, 0.75];

function refused(bytes: Uint8Array, pattern: RegExp): void {
  let err: unknown;
  try {
    decodeNpy(bytes, 'w.npy');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(NumpyFormatError);
  expect((err as Error).message).toMatch(/^w\.npy: /);
  expect((err as Error).message).toMatch(pattern);
}

describe('reading what NumPy writes', () => {
  it('float32, C order, format 1.0', () => {
    const a = decodeNpy(fixture('f4-2x3.npy'), 'f4-2x3.npy');
    expect(a.shape).toEqual([2, 3]);
    expect([...a.data]).toEqual(A);
    expect(a.stored).toBe('float32');
  });

  it('float64, rounded to float32', () => {
    const a = decodeNpy(fixture('f8-2x3.npy'), 'f8.npy');
    expect(a.shape).toEqual([2, 3]);
    expect([...a.data]).toEqual(A);
    expect(a.stored).toBe('float64');
  });

  it('formats 2.0 and 3.0', () => {
    for (const f of ['f4-v2.npy', 'f4-v3.npy']) {
      const bytes = fixture(f);
      expect(bytes[6], f).toBe(f === 'f4-v2.npy' ? 2 : 3);
      expect([...decodeNpy(bytes, f).data]).toEqual(A);
    }
  });

  it('a 0-d array, an empty one and three axes', () => {
    expect(decodeNpy(fixture('f4-scalar.npy'), 's').shape).toEqual([]);
    expect([...decodeNpy(fixture('f4-scalar.npy'), 's').data]).toEqual([2.5]);
    const empty = decodeNpy(fixture('f4-empty.npy'), 'e');
    expect(empty.shape).toEqual([0, 4]);
    expect(empty.data.length).toBe(0);
    const cube = decodeNpy(fixture('f4-3d.npy'), 'c');
    expect(cube.shape).toEqual([2, 3, 4]);
    expect(cube.data[1 * 12 + 2 * 4 + 3]).toBe(23);
  });
});

describe('refusing what it cannot read, naming the file', () => {
  it('Fortran order', () => refused(fixture('fortran.npy'), /Fortran \(column-major\) order.*np\.ascontiguousarray/));
  it('big-endian', () => refused(fixture('big-endian.npy'), /big-endian \('>f4'\).*astype\('<f4'\)/));
  it('an integer dtype', () => refused(fixture('int64.npy'), /dtype int64 is not supported \(float32 or float64 only\)/));
  it('a file that is not .npy', () => refused(new TextEncoder().encode('hello, world'), /not a NumPy \.npy file/));
  it('an empty file', () => refused(new Uint8Array(0), /not a NumPy \.npy file/));

  it('truncated anywhere: header length, header, data', () => {
    const whole = fixture('f4-2x3.npy');
    refused(whole.subarray(0, 9), /truncated/);
    refused(whole.subarray(0, 40), /truncated: the header says it is 118 bytes, but only 30 follow/);
    refused(whole.subarray(0, whole.length - 3), /truncated: shape \[2, 3\] of float32 needs 24 bytes of data, but only 21 follow/);
  });

  it('bytes past the data', () => {
    const whole = fixture('f4-2x3.npy');
    const longer = new Uint8Array(whole.length + 4);
    longer.set(whole);
    refused(longer, /4 bytes follow the 24 bytes of data/);
  });

  it('a header that is not the dict numpy writes', () => {
    const bad = (header: string) => {
      const padded = `${header}${' '.repeat(64 - ((10 + header.length + 1) % 64))}\n`;
      const bytes = new Uint8Array(10 + padded.length);
      bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      new DataView(bytes.buffer).setUint16(8, padded.length, true);
      for (let i = 0; i < padded.length; i++) bytes[10 + i] = padded.charCodeAt(i);
      return bytes;
    };
    refused(bad("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3"), /header is not the dict numpy writes/);
    refused(bad("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }"), /structured or unknown dtype/);
    refused(bad("{'descr': '<f4', 'shape': (2,), }"), /'fortran_order' is missing/);
    refused(bad("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }"), /'shape' is missing or not a tuple of sizes/);
    refused(bad("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }"), /too large|truncated/);
    refused(bad("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }"), /truncated/);
  });

  it('a float64 value outside float32', () => {
    const bytes = encodeNpy({ shape: [1], data: new Float32Array(1) });
    // Same header length for '<f8' as '<f4'; then 8 bytes of 1e300.
    const header = new TextDecoder('latin1').decode(bytes.subarray(10, bytes.length - 4)).replace("'<f4'", "'<f8'");
    const out = new Uint8Array(10 + header.length + 8);
    out.set(bytes.subarray(0, 10));
    for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
    new DataView(out.buffer).setFloat64(10 + header.length, 1e300, true);
    refused(out, /value 1e\+300 at index 0 is outside float32's range/);
  });
});

describe('writing', () => {
  it('is byte for byte what np.save writes for float32 in C order', () => {
    for (const f of ['f4-2x3.npy', 'f4-scalar.npy', 'f4-empty.npy', 'f4-3d.npy']) {
      const a = decodeNpy(fixture(f), f);
      expect(encodeNpy(a), f).toEqual(fixture(f));
    }
  });

  it('aligns the data to 64 bytes and reads back what it wrote', () => {
    for (const shape of [[], [1], [7], [3, 5], [2, 3, 4, 5]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i) * 1e3));
      const bytes = encodeNpy({ shape, data });
      expect((bytes.length - n * 4) % 64).toBe(0);
      const back = decodeNpy(bytes, 'x');
      expect(back.shape).toEqual(shape);
      expect(back.data).toEqual(data);
    }
  });

  it('refuses data that does not fill its shape', () => {
    expect(() => encodeNpy({ shape: [2, 2], data: new Float32Array(3) })).toThrow(/shape \[2, 2\] holds 4 values, the data 3/);
  });
});
