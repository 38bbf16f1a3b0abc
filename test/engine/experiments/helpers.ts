/** The built `attractor` command as a child process, recording runs, in a folder of its own with a copy of a fixture graph. */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const BIN = join(ROOT, 'bin', 'attractor.mjs');

export interface Result {
  code: number | null;
  out: string;
  err: string;
}

/** A fresh folder holding `fixture` (test/fixtures/graphs/NAME) as NAME; returns the graph's path. */
export function graphCopy(fixture = 'bars-completion.attractor.json', prefix = 'attractor-exp-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, fixture);
  copyFileSync(join(ROOT, 'test', 'fixtures', 'graphs', fixture), file);
  return file;
}

export function attractor(args: readonly string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ATTRACTOR_RUNS: 'on', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => done({ code, out, err }));
  });
}

/** Polls `check` until it returns a value (never on a fixed sleep alone); fails after `ms`. */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
