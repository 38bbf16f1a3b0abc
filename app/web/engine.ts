/**
 * The web host's engine: one engine worker thread per host process (the bundled
 * dist/engine-server.mjs), started lazily by the first `engine.send`, so a host that only
 * edits graphs never loads TensorFlow.js. Every RunEvent it says goes to every
 * connected client as `engine.event` in the codec's JSON-safe form.
 *
 * A worker that dies (an uncaught error, out of memory) is reported as a run.error by
 * the client wrapper; the next command starts a fresh one.
 *
 * `configure(backend)` (Settings, `engine.configure`) terminates the worker and starts the
 * next one with that backend, at once when one was running (so its engine.ready reports
 * the new backend), else with the next command; it is refused while a run is in progress.
 * The backend is the host's, shared by every connected client.
 *
 * Design note: the engine always runs in a Node process (this worker thread, or the desktop
 * app's utility process), never in a renderer Web Worker on WebGPU/WebGL: datasets,
 * checkpoints and tfjs-node-gpu live on the file-system side.
 */
import { resolve } from 'node:path';
import { startEngineWorker, type EngineWorker, type EngineWorkerOptions } from '../../engine/server/client.js';
import { encode, type RunEvent } from '../../engine/protocol/run.js';
import type { EngineBackend, EventTypes } from '../shared/api.js';
import type { EngineLink } from '../services/index.js';
import { isInside } from '../services/workspace.js';

/** The path fields of a command: the engine reads graphs and checkpoints there and writes checkpoints. */
const PATH_FIELDS = ['graphPath', 'weights', 'resumeFrom', 'checkpointDir'] as const;

/**
 * The web host may listen beyond loopback, and the engine writes checkpoints: every path a
 * command names must lie in the workspace, like the file service's paths. (Dataset files
 * named inside a graph are only read, and are not checked here.)
 */
export function refusePathsOutside(workspace: string, command: object): void {
  const root = resolve(workspace);
  for (const field of PATH_FIELDS) {
    const value = (command as Record<string, unknown>)[field];
    if (typeof value !== 'string') continue;
    if (!isInside(root, resolve(root, value))) {
      throw new Error(`${field} "${value}" is outside the workspace (${root}); the web mode keeps the engine's files there`);
    }
  }
}

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
  /** The backend the next (or current) worker is started with. */
  readonly backend: EngineBackend;
  close(): Promise<void>;
}

export function createHostEngine(options: HostEngineOptions): HostEngine {
  const start = options.start ?? startEngineWorker;
  let worker: EngineWorker | null = null;
  let off: (() => void) | null = null;
  let closed = false;
  let backend: EngineBackend = options.backend ?? 'auto';
  /** Runs started (sent or reported) and not yet closed: configure is refused while there are any. */
  const runs = new Set<string>();

  const forward = (ev: RunEvent) => {
    let event;
    try {
      event = encode(ev);
    } catch (err) {
      event = encode({ type: 'run.error', ended: false, message: `an engine event could not be sent: ${(err as Error).message}` } satisfies RunEvent);
    }
    options.broadcast('engine.event', { event });
    if (ev.type === 'run.started') runs.add(ev.runId);
    else if ((ev.type === 'run.done' || ev.type === 'run.cancelled' || (ev.type === 'run.error' && ev.ended)) && ev.runId !== undefined) runs.delete(ev.runId);
    // The worker is gone (crashed or exited on its own): the next command starts another.
    if (ev.type === 'run.error' && ev.runId === undefined && ev.command === undefined && /engine worker (crashed|exited)/.test(ev.message)) drop();
  };

  function drop(): void {
    runs.clear();
    off?.();
    off = null;
    const w = worker;
    worker = null;
    void w?.terminate().catch(() => undefined);
  }

  function ensure(): EngineWorker {
    if (closed) throw new Error('the web host is shutting down');
    if (worker) return worker;
    const w = start({ baseDir: options.baseDir, backend });
    worker = w;
    off = w.on(forward);
    return w;
  }

  return {
    link: {
      send(command) {
        refusePathsOutside(options.baseDir, command);
        const w = ensure();
        if (command.type === 'settle.start' || command.type === 'train.start') runs.add(command.runId);
        w.send(command);
      },
      configure(next) {
        if (closed) throw new Error('the web host is shutting down');
        if (runs.size > 0) {
          throw new Error(`a run is in progress (${[...runs].join(', ')}): cancel it or wait for it to end before changing the engine backend`);
        }
        const running = worker !== null;
        if (next === backend && running) return;
        backend = next;
        if (running) {
          drop();
          ensure();
        }
      },
    },
    get started() {
      return worker !== null;
    },
    get backend() {
      return backend;
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
