/**
 * The web host's engine: the bundled engine (dist/engine-server.mjs) on a worker thread
 * of the host process, started through engine/server/client.ts. When it starts,
 * restarts and takes another backend is the shared supervisor's
 * (app/services/engine-supervisor.ts); this file is the worker-thread transport and the
 * web mode's own rule: every path a command names lies in the workspace. The backend is
 * the host's, shared by every connected client, and its events go to all of them.
 */
import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isWorkerGone, startEngineWorker, type EngineWorker, type EngineWorkerOptions } from '../../engine/server/client.js';
import type { EngineBackend, EventTypes } from '../shared/api.js';
import { createEngineSupervisor, type EngineSupervisor, type EngineTransport } from '../services/engine-supervisor.js';
import { isInside } from '../services/workspace.js';

/** The path fields of a command: the engine reads graphs and checkpoints there and writes checkpoints. */
const PATH_FIELDS = ['graphPath', 'weights', 'resumeFrom', 'checkpointDir'] as const;

/**
 * Where `path` really is: its own real path when it exists, else its nearest existing
 * folder's (a checkpoint folder is created later, and what does not exist yet is no link).
 */
function realLocation(path: string): string {
  for (let at = path; ; at = dirname(at)) {
    try {
      return realpathSync(at);
    } catch {
      if (dirname(at) === at) return at;
    }
  }
}

/**
 * The web host may listen beyond loopback, and the engine writes checkpoints: every path a
 * command names must lie in the workspace, like the file service's paths, both as written
 * (no `..` or absolute escape) and after following symbolic links (no link inside leading
 * out). Synchronous, so commands reach the engine in the order they were sent. (Dataset
 * files named inside a graph are only read, and are not checked here.)
 */
export function refusePathsOutside(workspace: string, command: object): void {
  const root = resolve(workspace);
  for (const field of PATH_FIELDS) {
    const value = (command as Record<string, unknown>)[field];
    if (typeof value !== 'string') continue;
    const path = resolve(root, value);
    if (!isInside(root, path)) {
      throw new Error(`${field} "${value}" is outside the workspace (${root}); the web mode keeps the engine's files there`);
    }
    if (!isInside(realLocation(root), realLocation(path))) {
      throw new Error(`${field} "${value}" leads outside the workspace (${root}) through a symbolic link; the web mode keeps the engine's files there`);
    }
  }
}

export interface HostEngineOptions {
  /** Relative paths in commands resolve against this (the workspace). */
  readonly baseDir: string;
  /** Where events go: the host's broadcast to every client. */
  readonly broadcast: (event: 'engine.event', payload: EventTypes['engine.event']) => void;
  readonly backend?: EngineBackend;
  /** For tests: how a worker is started (default startEngineWorker). */
  readonly start?: (options: EngineWorkerOptions) => EngineWorker;
}

/** The engine bundle on a worker thread per start. */
export function workerThreadTransport(baseDir: string, startWorker: (options: EngineWorkerOptions) => EngineWorker = startEngineWorker): EngineTransport {
  return (backend, listener) => {
    // The engine confines its own file access to the workspace, at the point of use (engine/format/confine.ts).
    const worker = startWorker({ baseDir, workspace: baseDir, backend });
    worker.on((ev) => {
      if (isWorkerGone(ev)) {
        // After an uncaught error the thread may still be winding down: end it, then report.
        void worker.terminate().catch(() => undefined);
        listener.exit(ev.message);
      } else listener.event(ev);
    });
    return { post: (command) => worker.send(command), stop: () => worker.terminate() };
  };
}

export function createHostEngine(options: HostEngineOptions): EngineSupervisor {
  return createEngineSupervisor({
    transport: workerThreadTransport(options.baseDir, options.start),
    emit: (payload) => options.broadcast('engine.event', payload),
    stoppedMessage: 'the web host is shutting down',
    backend: options.backend,
    admit: (command) => refusePathsOutside(options.baseDir, command),
  });
}
