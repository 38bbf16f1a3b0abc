import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { NumpyFormatError } from '../../../engine/format/npy.js';
import { decodeNpz, encodeNpz } from '../../../engine/format/npz.js';

/** Archives NumPy 1.24 wrote (test/fixtures/numpy/make.py). */
const fixture = (name: string) => new Uint8Array(readFileSync(join('test/fixtures/numpy', name)));
const A = [-0.5, -0.25, 0, 0.25, 0.5, 0.75];

function refused(bytes: Uint8Array, pattern: RegExp): void {
  let err: unknown;
  try {
    decodeNpz(bytes, 'w.npz');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(NumpyFormatError);
  expect((err as Error).message).toMatch(/^w\.npz: /);
  expect((err as Error).message).toMatch(pattern);
}

describe('reading what np.savez and np.savez_compressed write', () => {
  for (const f of ['two.npz', 'two-compressed.npz']) {
    it(f, () => {
      const arrays = decodeNpz(fixture(f), f);
      expect([...arrays.keys()]).toEqual(['W', 'b']);
      expect(arrays.get('W')!.shape).toEqual([2, 3]);
      expect([...arrays.get('W')!.data]).toEqual(A);
      expect([...arrays.get('b')!.data]).toEqual([1, -1]);
    });
  }

  it('names the member when one is not an array', () => {
    refused(fixture('not-only-arrays.npz'), /member "notes\.txt" is not an \.npy array/);
  });
});

describe('writing', () => {
  it('reads back what it wrote, names and order kept (stored members)', () => {
    const W = { shape: [2, 3], data: Float32Array.from(A) };
    const b = { shape: [2], data: Float32Array.of(1, -1) };
    const bytes = encodeNpz([
      ['W', W],
      ['stage2/conv', b],
      ['poids-é', b],
    ]);
    const back = decodeNpz(bytes, 'out.npz');
    expect([...back.keys()]).toEqual(['W', 'stage2/conv', 'poids-é']);
    expect(back.get('W')!.data).toEqual(W.data);
    expect(back.get('stage2/conv')!.shape).toEqual([2]);
  });

  it('gives the same bytes for the same arrays (no timestamps)', () => {
    const W = { shape: [1], data: Float32Array.of(3) };
    expect(encodeNpz([['W', W]])).toEqual(encodeNpz([['W', W]]));
  });

  it('refuses two arrays of one name', () => {
    const W = { shape: [1], data: Float32Array.of(3) };
    expect(() => encodeNpz([['W', W], ['W', W]])).toThrow(/two arrays are called "W"/);
  });
});

describe('refusing damaged or foreign archives, naming the file', () => {
  const good = () => fixture('two.npz');

  it('not a zip at all, or empty', () => {
    refused(new TextEncoder().encode('x'.repeat(100)), /not a zip archive/);
    refused(new Uint8Array(0), /the file is empty/);
  });

  it('truncated: the directory at the end cut off', () => {
    const bytes = good();
    refused(bytes.subarray(0, bytes.length - 30), /truncated/);
  });

  it('a member whose bytes were changed fails its CRC', () => {
    const bytes = good().slice();
    // The last byte of W's data (the first member: its data ends before the second local header).
    const second = findAll(bytes, [0x50, 0x4b, 0x03, 0x04])[1];
    bytes[second - 1] ^= 0xff;
    refused(bytes, /member "W\.npy" fails its CRC-32 check/);
  });

  it('a deflated member that does not inflate', () => {
    const bytes = fixture('two-compressed.npz').slice();
    const dataAt = 30 + new DataView(bytes.buffer).getUint16(26, true) + new DataView(bytes.buffer).getUint16(28, true);
    bytes.fill(0xff, dataAt, dataAt + 8);
    refused(bytes, /member "W\.npy" (does not inflate|fails its CRC-32 check|holds)/);
  });

  it('an encrypted member, an unknown compression method', () => {
    const encrypted = good().slice();
    const central = findAll(encrypted, [0x50, 0x4b, 0x01, 0x02])[0];
    encrypted[central + 8] |= 1;
    refused(encrypted, /member "W\.npy" is encrypted/);
    const bzip = good().slice();
    new DataView(bzip.buffer).setUint16(central + 10, 12, true);
    refused(bzip, /compressed with method 12, which is not supported/);
  });

  it('a member holding a malformed .npy names the member', () => {
    const junk = new TextEncoder().encode('not numpy at all');
    const bytes = zipOf('W.npy', junk, true);
    refused(bytes, /^w\.npz: W\.npy: not a NumPy \.npy file/);
  });

  it('a deflated member that claims fewer bytes than it inflates to', () => {
    const content = new Uint8Array(1 << 20);
    const bytes = zipOf('W.npy', content, true, 100);
    refused(bytes, /member "W\.npy" (does not inflate|holds)/);
  });
});

function findAll(bytes: Uint8Array, sig: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + sig.length <= bytes.length; i++) if (sig.every((b, k) => bytes[i + k] === b)) out.push(i);
  return out;
}

/** A one-member zip written by hand: deflated, with the size it claims for the content. */
function zipOf(name: string, content: Uint8Array, deflate: boolean, claimed = content.length): Uint8Array {
  const packed = deflate ? new Uint8Array(deflateRawSync(content)) : content;
  const n = new TextEncoder().encode(name);
  const local = new Uint8Array(30 + n.length);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(8, deflate ? 8 : 0, true);
  lv.setUint32(14, crc32(content) >>> 0, true);
  lv.setUint32(18, packed.length, true);
  lv.setUint32(22, claimed, true);
  lv.setUint16(26, n.length, true);
  local.set(n, 30);
  const central = new Uint8Array(46 + n.length);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(10, deflate ? 8 : 0, true);
  cv.setUint32(16, crc32(content) >>> 0, true);
  cv.setUint32(20, packed.length, true);
  cv.setUint32(24, claimed, true);
  cv.setUint16(28, n.length, true);
  central.set(n, 46);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, 1, true);
  ev.setUint16(10, 1, true);
  ev.setUint32(12, central.length, true);
  ev.setUint32(16, local.length + packed.length, true);
  const out = new Uint8Array(local.length + packed.length + central.length + end.length);
  out.set(local, 0);
  out.set(packed, local.length);
  out.set(central, local.length + packed.length);
  out.set(end, local.length + packed.length + central.length);
  return out;
}
