/**
 * The web host's engine: one engine worker thread per host process (the bundled
 * dist/engine-host.mjs), started lazily by the first `engine.send`, so a host that only
 * edits graphs never loads TensorFlow.js. Every RunEvent it says goes to every
 * connected client as `engine.event` in the codec's JSON-safe form.
 *
 * A worker that dies (an uncaught error, out of memory) is reported as a run.error by
 * the client wrapper; the next command starts a fresh one.
 */
import { startEngineWorker, type EngineWorker, type EngineWorkerOptions } from '../../engine/host/client.js';
import { encode, type RunEvent } from '../../engine/protocol/run.js';
import type { EventTypes } from '../shared/api.js';
import type { EngineLink } from '../services/index.js';

export interface HostEngineOptions {
  /** Relative paths in commands resolve against this (the workspace). */
  readonly baseDir: string;
  /** Where events go: the host's broadcast to every client. */
  readonly broadcast: (event: 'engine.event', payload: EventTypes['engine.event']) => void;
  readonly backend?: EngineWorkerOptions['backend'];
  /** For tests: how a worker is started (default startEngineWorker). */
  readonly start?: (options: EngineWorkerOptions) => EngineWorker;
}

export interface HostEngine {
  readonly link: EngineLink;
  /** True once a worker is running. */
  readonly started: boolean;
  close(): Promise<void>;
}

export function createHostEngine(options: HostEngineOptions): HostEngine {
  const start = options.start ?? startEngineWorker;
  let worker: EngineWorker | null = null;
  let off: (() => void) | null = null;
  let closed = false;

  const forward = (ev: RunEvent) => {
    let event;
    try {
      event = encode(ev);
    } catch (err) {
      event = encode({ type: 'run.error', ended: false, message: `an engine event could not be sent: ${(err as Error).message}` } satisfies RunEvent);
    }
    options.broadcast('engine.event', { event });
    // The worker is gone (crashed or exited on its own): the next command starts another.
    if (ev.type === 'run.error' && ev.runId === undefined && ev.command === undefined && /engine worker (crashed|exited)/.test(ev.message)) drop();
  };

  function drop(): void {
    off?.();
    off = null;
    const w = worker;
    worker = null;
    void w?.terminate().catch(() => undefined);
  }

  function ensure(): EngineWorker {
    if (closed) throw new Error('the web host is shutting down');
    if (worker) return worker;
    const w = start({ baseDir: options.baseDir, backend: options.backend ?? 'auto' });
    worker = w;
    off = w.on(forward);
    return w;
  }

  return {
    link: {
      send(command) {
        ensure().send(command);
      },
    },
    get started() {
      return worker !== null;
    },
    async close() {
      closed = true;
      off?.();
      off = null;
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}
