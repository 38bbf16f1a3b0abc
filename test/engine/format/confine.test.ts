/**
 * The web mode's rule for the engine's own file access (engine/format/confine.ts) and the
 * bounded reads of data files (engine/data/bounded-read.ts), on real files, links and
 * devices: a path outside the workspace, or leading out of it through a link, is refused by
 * name without a byte of it in the message; a device is refused before it is read.
 */
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { confineTo, ensureInside, OutsideWorkspaceError, unconfine } from '../../../engine/format/confine.js';
import { readUserFile } from '../../../engine/data/bounded-read.js';
import { importCsv } from '../../../engine/data/csv.js';
import { userPath } from '../../../engine/data/files.js';

const SECRET = 'SECRET-TOKEN-4711';
let dir: string;
let ws: string;
let outside: string;

beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'attractor-confine-')));
  ws = join(dir, 'ws');
  outside = join(dir, 'elsewhere');
  await mkdir(join(ws, 'data'), { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, 'secret.csv'), `label,x\n1,${SECRET}\n`);
  await writeFile(join(ws, 'data', 'ok.csv'), 'label,x\n1,0.5\n0,0.25\n');
  await symlink(join(outside, 'secret.csv'), join(ws, 'data', 'link.csv'));
  await symlink(outside, join(ws, 'out'));
  await symlink(ws, join(dir, 'ws-link'));
});
afterAll(async () => {
  unconfine();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => unconfine());

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e as Error,
  );

describe('in the web mode (confined to the workspace)', () => {
  it('refuses a dataset outside the workspace by name, never echoing its lines', async () => {
    await confineTo(ws);
    const err = await refusal(importCsv('/etc/passwd', {}, ws));
    expect(err.message).toBe(`/etc/passwd is outside the workspace (${ws}); in the web mode the engine reads and writes files only there`);
    const secret = await refusal(importCsv(join(outside, 'secret.csv'), { labelColumn: 'label' }, ws));
    expect(secret).toBeInstanceOf(OutsideWorkspaceError);
    expect(secret.message).not.toContain(SECRET);
  });

  it('refuses a link inside the workspace that leads out of it, for reading and for a folder still to be written', async () => {
    await confineTo(ws);
    const err = await refusal(importCsv('data/link.csv', { labelColumn: 'label' }, ws));
    expect(err.message).toBe(`data/link.csv leads outside the workspace (${ws}) through a symbolic link; in the web mode the engine reads and writes files only there`);
    expect(err.message).not.toContain(SECRET);
    // A checkpoint folder that does not exist yet, below a linked folder: the link decides.
    await expect(ensureInside(join(ws, 'out', 'ckpt', 'new'), 'out/ckpt/new')).rejects.toThrow(/^out\/ckpt\/new leads outside the workspace .* through a symbolic link/);
  });

  it('lets files inside through, also when the workspace itself is reached through a link', async () => {
    await confineTo(join(dir, 'ws-link'));
    const d = await importCsv('data/ok.csv', { labelColumn: 'label' }, join(dir, 'ws-link'));
    expect(Array.from(d.labels ?? [])).toEqual([1, 0]);
    await expect(ensureInside(join(ws, 'data', 'new-folder', 'x'), 'x')).resolves.toBeUndefined();
  });
});

describe('data files, confined or not', () => {
  it('refuses a device such as /dev/zero before reading a byte (it would never end)', async () => {
    const zero = await refusal(readUserFile(userPath(ws, '/dev/zero'), 'a CSV file'));
    expect(zero.message).toBe('/dev/zero: is not a regular file (a device, a pipe or a socket), expected a CSV file');
    await expect(importCsv('/dev/urandom', {}, ws)).rejects.toThrow(/^\/dev\/urandom: is not a regular file/);
    await expect(importCsv('data', {}, ws)).rejects.toThrow(/^data: is a folder, expected a CSV file$/);
  });

  it('refuses a file over its limit from its size, before reading it', async () => {
    const err = await refusal(readUserFile(userPath(ws, 'data/ok.csv'), 'a CSV file', { maxBytes: 8 }));
    expect(err.message).toMatch(/^data\/ok\.csv: is \d+ bytes; a data file may be at most 8 bytes$/);
  });

  it('stops reading when the run is cancelled', async () => {
    const cancelled = new AbortController();
    cancelled.abort();
    const err = await refusal(readUserFile(userPath(ws, 'data/ok.csv'), 'a CSV file', { signal: cancelled.signal }));
    expect(err.name).toBe('AbortError');
  });
});
