/**
 * NumPy's `.npz`: a zip archive of `.npy` files, one per array, named `<array>.npy`
 * (what np.savez and np.savez_compressed write, and np.load reads).
 *
 * Read: members stored or deflated (node:zlib inflates), sizes from the central directory
 * (ZIP64 extra fields included, which np.savez writes), every member's CRC-32 checked.
 * Written: members stored (no compression), so a reader can map an array straight from the
 * file; names in UTF-8; a fixed timestamp, so the same arrays give the same bytes.
 * Encrypted, split and ZIP64-sized (over 4 GiB) archives are refused by name.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { decodeNpy, encodeNpy, NumpyFormatError, type DecodedNpy, type NdArray } from './npy.js';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA = 0x0001;
const STORED = 0;
const DEFLATED = 8;
const MAX32 = 0xffffffff;
/** 1980-01-01 00:00:00 in MS-DOS date and time, the earliest a zip can say. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
/** General-purpose flag bit 11: the name is UTF-8. */
const UTF8_NAME = 0x0800;

/** The member name np.savez gives an array, and back. */
export const memberName = (array: string) => `${array}.npy`;

/** An archive's arrays by name (the member name without `.npy`), in the archive's order. */
export function decodeNpz(bytes: Uint8Array, shown: string): Map<string, DecodedNpy> {
  const fail = (what: string) => new NumpyFormatError(`${shown}: ${what}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { entries, directoryAt } = endRecord(bytes, view, fail);
  const out = new Map<string, DecodedNpy>();
  let at = directoryAt;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL) throw fail(`the zip directory is damaged at entry ${n + 1} of ${entries}`);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    let packed = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localAt = view.getUint32(at + 42, true);
    if (at + 46 + nameLength + extraLength > bytes.length) throw fail(`the zip directory is truncated at entry ${n + 1}`);
    const name = new TextDecoder(flags & UTF8_NAME ? 'utf-8' : 'latin1').decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // ZIP64: a 32-bit field of all ones means "see the extra field", where the real values follow in this order.
    const wide = zip64Values(view, at + 46 + nameLength, extraLength);
    if (size === MAX32) size = wide.next(fail, name);
    if (packed === MAX32) packed = wide.next(fail, name);
    if (localAt === MAX32) localAt = wide.next(fail, name);
    at += 46 + nameLength + extraLength + commentLength;

    if (name.endsWith('/')) continue; // a folder entry holds no array
    const member = `member "${name}"`;
    if (flags & 1) throw fail(`${member} is encrypted, which is not supported`);
    if (!name.endsWith('.npy')) throw fail(`${member} is not an .npy array (an .npz holds only <name>.npy members)`);
    const array = name.slice(0, -'.npy'.length);
    if (out.has(array)) throw fail(`two members hold an array called "${array}"`);
    if (localAt + 30 > bytes.length || view.getUint32(localAt, true) !== LOCAL) throw fail(`${member}: its data is missing (the file is truncated or not a zip numpy wrote)`);
    const dataAt = localAt + 30 + view.getUint16(localAt + 26, true) + view.getUint16(localAt + 28, true);
    if (dataAt + packed > bytes.length) throw fail(`${member} is truncated: ${packed} bytes expected, ${Math.max(0, bytes.length - dataAt)} present`);
    const raw = bytes.subarray(dataAt, dataAt + packed);
    let content: Uint8Array;
    if (method === STORED) content = raw;
    else if (method === DEFLATED) content = inflate(raw, size, () => fail(`${member} does not inflate: the archive is damaged`));
    else throw fail(`${member} is compressed with method ${method}, which is not supported (stored and deflate are)`);
    if (content.length !== size) throw fail(`${member} holds ${content.length} bytes, the zip directory says ${size}: the archive is damaged`);
    if (crc32(content) >>> 0 !== crc) throw fail(`${member} fails its CRC-32 check: the archive is damaged`);
    out.set(array, decodeNpy(content, `${shown}: ${name}`));
  }
  return out;
}

/** An `.npz` of `arrays` (stored members named `<name>.npy`), in the order given. */
export function encodeNpz(arrays: Iterable<readonly [string, NdArray]>): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const [array, value] of arrays) {
    if (array === '' || seen.has(array)) throw new Error(array === '' ? 'an array needs a name' : `two arrays are called "${array}"`);
    seen.add(array);
    const name = new TextEncoder().encode(memberName(array));
    const data = encodeNpy(value);
    const flags = /^[\x20-\x7e]*$/.test(array) ? 0 : UTF8_NAME;
    const crc = crc32(data) >>> 0;
    if (data.length >= MAX32 || offset >= MAX32) throw new Error(`array "${array}" would take the archive past 4 GiB, which needs ZIP64: write fewer or smaller arrays`);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL, true);
    lv.setUint16(4, 20, true); // version needed: 2.0
    lv.setUint16(6, flags, true);
    lv.setUint16(8, STORED, true);
    lv.setUint16(10, DOS_TIME, true);
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);

    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, CENTRAL, true);
    cv.setUint16(4, 20, true); // made by: 2.0, MS-DOS attributes
    cv.setUint16(6, 20, true);
    cv.setUint16(8, flags, true);
    cv.setUint16(10, STORED, true);
    cv.setUint16(12, DOS_TIME, true);
    cv.setUint16(14, DOS_DATE, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);

    locals.push(local, data);
    centrals.push(central);
    offset += local.length + data.length;
  }
  if (seen.size > 0xffff) throw new Error(`${seen.size} arrays need ZIP64: write at most 65535`);
  const directorySize = centrals.reduce((n, c) => n + c.length, 0);
  if (offset + directorySize >= MAX32) throw new Error('the archive would pass 4 GiB, which needs ZIP64: write fewer or smaller arrays');
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, END, true);
  ev.setUint16(8, seen.size, true);
  ev.setUint16(10, seen.size, true);
  ev.setUint32(12, directorySize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + directorySize + end.length);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The end-of-central-directory record (and its ZIP64 twin when the counts overflow): how many entries, and where they start. */
function endRecord(bytes: Uint8Array, view: DataView, fail: (what: string) => NumpyFormatError): { entries: number; directoryAt: number } {
  if (bytes.length < 22) throw fail(bytes.length === 0 ? 'the file is empty' : 'not a zip archive (too short): an .npz is a zip of .npy files');
  // The record is the last thing in the file but for a comment of at most 65535 bytes.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === END) {
      end = at;
      break;
    }
  }
  if (end < 0) {
    const local = view.getUint32(0, true) === LOCAL;
    throw fail(local ? 'the zip archive is truncated (its directory at the end is missing)' : 'not a zip archive: an .npz is a zip of .npy files');
  }
  const disk = view.getUint16(end + 4, true);
  const directoryDisk = view.getUint16(end + 6, true);
  let entries = view.getUint16(end + 10, true);
  let directoryAt = view.getUint32(end + 16, true);
  if (entries === 0xffff || directoryAt === MAX32) {
    const locator = end - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) throw fail('the zip directory is damaged (a ZIP64 record is missing)');
    const record = Number(view.getBigUint64(locator + 8, true));
    if (record + 56 > bytes.length || view.getUint32(record, true) !== ZIP64_END) throw fail('the zip directory is damaged (its ZIP64 record is not where it says)');
    entries = Number(view.getBigUint64(record + 32, true));
    directoryAt = Number(view.getBigUint64(record + 48, true));
  }
  if (disk !== 0 || directoryDisk !== 0) throw fail('split (multi-part) zip archives are not supported');
  if (directoryAt > bytes.length) throw fail('the zip archive is truncated (its directory points past the end of the file)');
  return { entries, directoryAt };
}

/** The 64-bit values of an entry's ZIP64 extra field, taken in order as its 32-bit fields overflow. */
function zip64Values(view: DataView, extraAt: number, extraLength: number): { next(fail: (what: string) => NumpyFormatError, name: string): number } {
  let at = -1;
  let left = 0;
  for (let p = extraAt; p + 4 <= extraAt + extraLength; ) {
    const id = view.getUint16(p, true);
    const length = view.getUint16(p + 2, true);
    if (id === ZIP64_EXTRA) {
      at = p + 4;
      left = length;
      break;
    }
    p += 4 + length;
  }
  return {
    next(fail, name) {
      if (at < 0 || left < 8) throw fail(`member "${name}": a size is marked ZIP64 but the ZIP64 field is missing`);
      const v = Number(view.getBigUint64(at, true));
      at += 8;
      left -= 8;
      return v;
    },
  };
}

/** Inflates at most `size` bytes: a member that claims little and inflates to much is damaged, not a reason to run out of memory. */
function inflate(raw: Uint8Array, size: number, damaged: () => NumpyFormatError): Uint8Array {
  try {
    return inflateRawSync(raw, { maxOutputLength: Math.max(1, size) });
  } catch {
    throw damaged();
  }
}
