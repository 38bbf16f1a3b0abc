/**
 * A Shell on a login node over SSH (npm ssh2, loaded only when a sweep uses it): key
 * authentication, commands through a login shell (so `module` and PATH set up in the
 * profile apply), files written and read through the same channel as the commands.
 *
 * Host keys: a fingerprint given in the options must match; without one, the first key
 * seen is trusted and returned, and the caller keeps it for the next connection.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Client } from 'ssh2';
import type { SshOptions } from '../protocol/sweeps.js';
import { quote, type Shell, type ShellResult } from './shell.js';

export class SshError extends Error {
  override name = 'SshError';
}

const CONNECT_TIMEOUT_MS = 20_000;

export interface SshShell extends Shell {
  /** The host key's fingerprint, "SHA256:…". */
  readonly hostKey: string;
}

export async function openSsh(options: SshOptions, expectedHostKey?: string): Promise<SshShell> {
  const where = `${options.user}@${options.host}:${options.port}`;
  let privateKey: Buffer;
  try {
    privateKey = await readFile(options.key);
  } catch (err) {
    throw new SshError(`ssh ${where}: cannot read the key ${options.key}: ${(err as Error).message}`);
  }
  const { Client: SshClient } = await import('ssh2');
  const client: Client = new SshClient();
  const expected = options.hostKey ?? expectedHostKey;
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    client.on('ready', () => resolve());
    client.on('error', (err) => reject(new SshError(`ssh ${where}: ${err.message}${seen && expected && seen !== expected ? ` (host key ${seen}, expected ${expected})` : ''}`)));
    try {
      client.connect({
      host: options.host,
      port: options.port,
      username: options.user,
      privateKey,
      readyTimeout: CONNECT_TIMEOUT_MS,
      hostVerifier: (key: Buffer) => {
        seen = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
        return expected === undefined || seen === expected.replace(/=+$/, '');
      },
      });
    } catch (err) {
      reject(new SshError(`ssh ${where}: ${(err as Error).message} (the key ${options.key})`));
    }
  });

  const execRaw = (command: string, input?: Uint8Array) =>
    new Promise<{ code: number; stdout: Buffer; stderr: string }>((resolve, reject) => {
      client.exec(`bash -lc ${quote(command)}`, (err, stream) => {
        if (err) return reject(new SshError(`ssh ${where}: ${err.message}`));
        const out: Buffer[] = [];
        let stderr = '';
        stream.on('data', (d: Buffer) => out.push(d));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        stream.on('close', (code: number | null) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr }));
        stream.end(input ? Buffer.from(input) : undefined);
      });
    });

  return {
    where,
    hostKey: seen,
    async exec(command, input): Promise<ShellResult> {
      const r = await execRaw(command, input);
      return { ...r, stdout: r.stdout.toString('utf8') };
    },
    execBytes: (command) => execRaw(command),
    async writeFile(path, text) {
      const r = await execRaw(`mkdir -p ${quote(dirname(path))} && cat > ${quote(path)} && chmod 755 ${quote(path)}`, Buffer.from(text));
      if (r.code !== 0) throw new SshError(`ssh ${where}: cannot write ${path}: ${r.stderr.trim()}`);
    },
    async readFile(path) {
      const r = await execRaw(`cat ${quote(path)}`);
      return r.code === 0 ? r.stdout.toString('utf8') : null;
    },
    async close() {
      client.end();
    },
  };
}
