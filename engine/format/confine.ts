/**
 * Where the engine may touch files. In the web mode anyone who reaches the host drives the
 * engine, so every file it reads or writes — graphs, datasets, weights, checkpoints, the
 * folders it lists — must lie inside the workspace after symbolic links are followed. The
 * run-protocol server sets the workspace once (`confineTo`) before it takes commands. The
 * desktop app's engine is confined per run instead (`confineRunTo`): to the folders of the
 * files the user chose, which its main process sends with each run (the page cannot widen
 * them). The CLI is not confined: the user typed the paths.
 *
 * The check happens where a file is used, not when a command arrives: a path that was
 * inside when a command was admitted can be a link to /etc by the time a dataset is read.
 * A read checks the descriptor it opened (on Linux, /proc/self/fd names what was actually
 * opened), so a link swapped in between the check and the open cannot lead out either.
 */
import { constants, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

interface Folder {
  readonly spelled: string;
  readonly real: string;
}

let root: Folder | undefined;
/** The desktop run's granted folders, while it runs (never with a workspace). */
let granted: readonly Folder[] | undefined;

/** From now on, every file this process's engine touches must resolve inside `workspace`. */
export async function confineTo(workspace: string): Promise<void> {
  const spelled = resolve(workspace);
  root = { spelled, real: await realpath(spelled) };
}

/** The workspace files are confined to, or undefined when they are not (CLI, desktop app). */
export function confinement(): string | undefined {
  return root?.spelled;
}

/** The desktop run's granted folders while it runs, else undefined. */
export function grantedFolders(): readonly string[] | undefined {
  return granted?.map((f) => f.spelled);
}

/**
 * The run about to start may touch files only inside `folders` (after links), until
 * `endRunConfinement`. Ignored where a workspace confines the process: that is never widened.
 */
export async function confineRunTo(folders: readonly string[]): Promise<void> {
  if (root) return;
  granted = await Promise.all(folders.map(async (f) => ({ spelled: resolve(f), real: await realLocation(resolve(f)) })));
}

export function endRunConfinement(): void {
  granted = undefined;
}

/** For tests: back to no confinement. */
export function unconfine(): void {
  root = undefined;
  granted = undefined;
}

/** A path the engine may not touch; the message names it as the user wrote it and never says what is there. */
export class OutsideWorkspaceError extends Error {
  override name = 'OutsideWorkspaceError';
}

export function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function outside(shown: string, how: 'is' | 'leads'): OutsideWorkspaceError {
  const via = how === 'leads' ? ' through a symbolic link' : '';
  if (!root) {
    return new OutsideWorkspaceError(
      `${shown} ${how === 'is' ? 'is' : 'leads'} outside the folders of the files you opened or saved${via}; the desktop app's engine reads and writes files only there (open or save a graph in that folder first)`,
    );
  }
  return new OutsideWorkspaceError(`${shown} ${how === 'is' ? 'is' : 'leads'} outside the workspace (${root.spelled})${via}; in the web mode the engine reads and writes files only there`);
}

/** The folders files must lie in now: the workspace, a desktop run's grant, or none (unconfined). */
function confinedTo(): readonly Folder[] | undefined {
  return root ? [root] : granted;
}

/** Where `abs` really is: its own real path, else that of its nearest existing folder (what does not exist yet is no link). */
export async function realLocation(abs: string): Promise<string> {
  for (let at = abs; ; at = dirname(at)) {
    try {
      const real = await realpath(at);
      return at === abs ? real : resolve(real, relative(at, abs));
    } catch {
      if (dirname(at) === at) return abs;
    }
  }
}

/**
 * Refuses `abs` (an absolute path) unless it lies in the workspace, as written and after
 * following links; `shown` names it in the message. A no-op without confinement.
 */
export async function ensureInside(abs: string, shown: string): Promise<void> {
  const folders = confinedTo();
  if (!folders) return;
  if (!folders.some((f) => isInside(f.spelled, abs) || isInside(f.real, abs))) throw outside(shown, 'is');
  const real = await realLocation(abs);
  if (!folders.some((f) => isInside(f.real, real))) throw outside(shown, 'leads');
}

/** The real path of an open descriptor, where the platform can say (Linux); else undefined. */
async function descriptorPath(handle: FileHandle): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  return realpath(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
}

/** What openRegularFile found instead of a regular file: `code` EISDIR (a folder) or ENOTREG (a device, a pipe, a socket). */
export class NotAFileError extends Error {
  override name = 'NotAFileError';
  constructor(
    readonly code: 'EISDIR' | 'ENOTREG',
    shown: string,
  ) {
    super(code === 'EISDIR' ? `${shown} is a folder` : `${shown} is not a regular file (a device, a pipe or a socket)`);
  }
}

/**
 * Opens `abs` for reading, confined, without blocking on FIFOs (O_NONBLOCK) and only when
 * it is a regular file: a device (/dev/zero, /dev/urandom) or a pipe would never end or
 * never start. Returns the handle and its stats; the caller closes it. Throws
 * OutsideWorkspaceError, NotAFileError, or the open's own error (ENOENT, EACCES …).
 */
export async function openRegularFile(abs: string, shown: string): Promise<{ handle: FileHandle; stats: Stats }> {
  await ensureInside(abs, shown);
  const handle = await open(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const folders = confinedTo();
    if (folders) {
      const real = await descriptorPath(handle);
      if (real !== undefined && !folders.some((f) => isInside(f.real, real))) throw outside(shown, 'leads');
    }
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new NotAFileError('EISDIR', shown);
    if (!stats.isFile()) throw new NotAFileError('ENOTREG', shown);
    return { handle, stats };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}
