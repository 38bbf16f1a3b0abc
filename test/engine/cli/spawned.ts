/** The real `attractor` command as a child process, for tests that send it signals. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Spawned {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves once stdout so far passes `ready` (never on timing). */
  readonly outputShows: (ready: (stdout: string) => boolean) => Promise<void>;
  readonly exit: Promise<number | null>;
}

export function spawnCli(...argv: string[]): Spawned {
  const child = spawn(process.execPath, ['bin/attractor.mjs', ...argv]);
  let out = '';
  let err = '';
  const waiting: { ready: (s: string) => boolean; resolve: () => void }[] = [];
  child.stderr.on('data', (d) => (err += d));
  child.stdout.on('data', (d) => {
    out += d;
    for (const w of [...waiting]) {
      if (!w.ready(out)) continue;
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    outputShows: (ready) => (ready(out) ? Promise.resolve() : new Promise((resolve) => waiting.push({ ready, resolve }))),
    exit,
  };
}
