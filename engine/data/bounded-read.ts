/**
 * Reading the user's data files whole, within limits: the file must be a regular file
 * (a device such as /dev/zero never ends), inside the workspace in the web mode
 * (engine/format/confine.ts), and no larger than its limit, checked from its size before a
 * byte is read and again while reading (a file can grow). Reads go in chunks and stop when
 * the run is cancelled. Messages name the file as the user wrote it and never quote it.
 */
import { LIMITS, bytesText } from '../compile/limits.js';
import { openRegularFile } from '../format/confine.js';
import type { UserPath } from './files.js';

export interface ReadOptions {
  /** Default LIMITS.fileBytes. */
  readonly maxBytes?: number;
  /** Aborts the read between chunks (a cancelled run). */
  readonly signal?: AbortSignal;
}

const CHUNK = 16 * 1024 * 1024;

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

function tooLarge(p: UserPath, bytes: number, max: number): Error {
  return new Error(`${p.shown}: is ${bytesText(bytes)}; a data file may be at most ${bytesText(max)}`);
}

/** The whole file, as bytes. `what` says what was expected there ("a CSV file"). */
export async function readUserFile(p: UserPath, what: string, options: ReadOptions = {}): Promise<Buffer> {
  const max = options.maxBytes ?? LIMITS.fileBytes;
  options.signal?.throwIfAborted();
  let opened;
  try {
    opened = await openRegularFile(p.abs, p.shown);
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ENOENT') throw new Error(`${p.shown}: file not found (expected ${what})`);
    if (code === 'EISDIR') throw new Error(`${p.shown}: is a folder, expected ${what}`);
    if (code === 'ENOTREG') throw new Error(`${p.shown}: is not a regular file (a device, a pipe or a socket), expected ${what}`);
    if (code === 'EACCES' || code === 'EPERM') throw new Error(`${p.shown}: cannot read ${what}: permission denied`);
    if (code === 'ELOOP') throw new Error(`${p.shown}: cannot read ${what}: too many symbolic links`);
    if (code !== undefined) throw new Error(`${p.shown}: cannot read ${what} (${code})`);
    throw e;
  }
  const { handle, stats } = opened;
  try {
    if (stats.size > max) throw tooLarge(p, stats.size, max);
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, max + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > max) throw tooLarge(p, total, max);
      parts.push(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead));
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, total);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
