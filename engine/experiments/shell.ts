/**
 * Where Slurm commands run: this machine (the app or CLI on a login node), or a login node
 * over SSH (./ssh-shell.ts). The Slurm runner speaks only this interface.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface ShellResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Shell {
  /** "this machine", or "user@host:port". */
  readonly where: string;
  /** Runs `command` with bash, `input` on its stdin; never rejects for a non-zero exit (see `code`). */
  exec(command: string, input?: Uint8Array): Promise<ShellResult>;
  /** Like exec, with stdout as bytes (an archive). */
  execBytes(command: string): Promise<{ code: number; stdout: Buffer; stderr: string }>;
  writeFile(path: string, text: string): Promise<void>;
  /** Null when the file does not exist. */
  readFile(path: string): Promise<string | null>;
  close(): Promise<void>;
}

/** Single quotes for bash: safe for any text. */
export function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Output kept from one command: Slurm's listings are small, a runaway one is cut. */
const MAX_OUTPUT = 4 * 1024 * 1024;

/** Runs a program, `input` on its stdin; stdout as bytes. */
export function run(command: string, args: readonly string[], input?: Uint8Array): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-MAX_OUTPUT)));
    child.on('error', (err) => resolve({ code: 127, stdout: Buffer.concat(out), stderr: `${stderr}${err.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? null);
  });
}

export const localShell: Shell = {
  where: 'this machine',
  async exec(command, input) {
    const r = await run('bash', ['-c', command], input);
    return { ...r, stdout: r.stdout.toString('utf8').slice(-MAX_OUTPUT) };
  },
  execBytes: (command) => run('bash', ['-c', command]),
  async writeFile(path, text) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, { mode: 0o755 });
  },
  async readFile(path) {
    return readFile(path, 'utf8').catch(() => null);
  },
  async close() {},
};
