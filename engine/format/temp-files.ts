/**
 * The temp files of atomic writes (save.ts), and cleaning up after writes that never
 * finished. A write goes to `.NAME.PID-THREAD-RANDOM.tmp` beside NAME and is renamed over it;
 * a process killed in between leaves that file behind. The next write into the folder
 * removes the leftovers whose writer is gone: its process no longer exists, or it is this
 * very thread and the write is not one of its own in flight. A leftover whose writer cannot
 * be told (another thread of this process, a process that reused the number) is removed
 * once it is an hour old; before this naming, temp files carried no writer at all and are
 * leftovers by definition.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';

/** `.name.pid-thread-hex.tmp` (current) or `.name.hex.tmp` (before writers were named). */
const TEMP = /^\.(.+)\.(?:(\d+)-(\d+)-([0-9a-f]{12})|([0-9a-f]{12}))\.tmp$/;
const STALE_AFTER_MS = 60 * 60 * 1000;

const inFlight = new Set<string>();

/** A fresh temp name for a write of `target`, registered as in flight until `done` is called. */
export function tempFileFor(target: string): { path: string; done: () => void } {
  const name = `.${basename(target).slice(0, 160)}.${process.pid}-${threadId}-${randomBytes(6).toString('hex')}.tmp`;
  inFlight.add(name);
  return { path: join(dirname(target), name), done: () => inFlight.delete(name) };
}

/** The file a temp file was writing (its NAME), or undefined when `name` is no temp file of ours. */
export function tempFileTarget(name: string): string | undefined {
  return TEMP.exec(name)?.[1];
}

/** Whether process `pid` exists on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is just not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the temp file `name` in `dir` was left by a write that will never finish. */
async function isLeftover(dir: string, name: string): Promise<boolean> {
  const m = TEMP.exec(name);
  if (!m) return false;
  if (m[5] !== undefined) return true;
  const pid = Number(m[2]);
  const thread = Number(m[3]);
  if (pid === process.pid && thread === threadId) return !inFlight.has(name);
  if (pid !== process.pid && !processAlive(pid)) return true;
  const info = await stat(join(dir, name)).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > STALE_AFTER_MS;
}

/**
 * Removes the leftovers in `dir` of interrupted writes, of every file or only of the files
 * `which` accepts (by NAME). Never throws: a leftover that will not go is clutter, not a
 * failed save. Returns the names removed.
 */
export async function removeLeftoverTemps(dir: string, which: (target: string) => boolean = () => true): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const target = tempFileTarget(name);
    if (target === undefined || !which(target) || !(await isLeftover(dir, name))) continue;
    await rm(join(dir, name), { force: true }).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed;
}
