/**
 * Starting the engine host on a worker thread from Node (the web-mode server, tests, a
 * headless tool): the bundled dist/engine-server.mjs, found like the gradient workers'
 * bundle. Events arrive by structured clone, typed arrays intact; commands go as they are.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../backend/select.js';
import { endWorker } from '../worker-exit.js';
import type { EngineReady, RunCommand, RunEvent } from '../protocol/run.js';

export interface EngineWorkerOptions {
  readonly backend?: BackendName | 'auto';
  /** Relative paths in commands resolve against this (default: this process's cwd). */
  readonly baseDir?: string;
  /** The web mode's workspace: every file the engine touches must resolve inside it. */
  readonly workspace?: string;
  /** The bundled host; default: found next to this bundle or in dist/. */
  readonly script?: string;
}

export interface EngineWorker {
  send(cmd: RunCommand): void;
  /** Adds a listener; returns its removal. */
  on(listener: (ev: RunEvent) => void): () => void;
  /** The backend, once it is up; rejects when the engine could not start. */
  readonly ready: Promise<EngineReady>;
  terminate(): Promise<void>;
}

/** The bundled host: next to a bundle (dist/), or in dist/ when running from source (tests). */
export function engineHostScript(): string | undefined {
  for (const rel of ['./engine-server.mjs', '../../dist/engine-server.mjs']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** What client.ts says when the thread is gone (an uncaught error, or an exit nobody asked for): a run.error of no run and no command. */
export function isWorkerGone(ev: RunEvent): ev is Extract<RunEvent, { type: 'run.error' }> {
  return ev.type === 'run.error' && ev.runId === undefined && ev.command === undefined && /^the engine worker (crashed|exited)/.test(ev.message);
}

/** Posted to the worker thread (not a run-protocol command): exit now, closing the GPU device on the way out. */
export const SHUTDOWN = { shutdown: true } as const;

export function startEngineWorker(options: EngineWorkerOptions = {}): EngineWorker {
  const script = options.script ?? engineHostScript();
  if (!script || !existsSync(script)) {
    throw new Error('the engine worker needs the bundled host (dist/engine-server.mjs): run `node scripts/build-cli.mjs`');
  }
  const workerData = { backend: options.backend ?? 'auto', baseDir: options.baseDir ?? process.cwd(), ...(options.workspace ? { workspace: options.workspace } : {}) };
  const worker = new Worker(script, { workerData });
  const listeners = new Set<(ev: RunEvent) => void>();
  const deliver = (ev: RunEvent) => listeners.forEach((l) => l(ev));
  let terminated = false;
  const ready = new Promise<EngineReady>((resolve, reject) => {
    const onEvent = (ev: RunEvent) => {
      if (ev.type === 'engine.ready') resolve(ev);
      else if (ev.type === 'run.error' && ev.runId === undefined && ev.command === undefined) reject(new Error(ev.message));
      else return;
      listeners.delete(onEvent);
    };
    listeners.add(onEvent);
  });
  // Nobody may be waiting on `ready`; a start failure still reaches the listeners as run.error.
  ready.catch(() => undefined);
  worker.on('message', (ev: RunEvent) => deliver(ev));
  worker.on('error', (err) => deliver({ type: 'run.error', ended: true, message: `the engine worker crashed: ${err.message}` }));
  worker.on('exit', (code) => {
    if (!terminated) deliver({ type: 'run.error', ended: true, message: `the engine worker exited (code ${code})` });
  });
  return {
    send: (cmd) => worker.postMessage(cmd),
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ready,
    async terminate() {
      terminated = true;
      await endWorker(worker, SHUTDOWN);
    },
  };
}
