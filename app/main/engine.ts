/**
 * The desktop app's engine: the bundled engine (dist/engine-server.mjs) in an Electron
 * utility process, so TensorFlow.js (and the CUDA build where it installed, which grabs
 * the GPU and may crash) never runs in the main process. Commands go in by
 * `child.postMessage`, RunEvents come back by structured clone (typed arrays intact).
 * When it starts, restarts and takes another backend is the shared supervisor's
 * (app/services/engine-supervisor.ts); this file is the utility-process transport: the
 * backend and the base folder for relative paths travel as ATTRACTOR_BACKEND and
 * ATTRACTOR_BASE_DIR in its environment.
 *
 * Types only from Electron (like ipc.ts): the tests drive this with a structural fake of
 * utilityProcess, because no Electron binary can run on the test machines.
 */
import { join } from 'node:path';
import type { RunEvent } from '../../engine/protocol/run.js';
import { createEngineSupervisor, type EngineSupervisor, type EngineSupervisorOptions, type EngineTransport } from '../services/engine-supervisor.js';

/** The part of Electron's UtilityProcess used here. */
export interface UtilityProcessLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

/** utilityProcess.fork's shape. */
export type ForkUtility = (modulePath: string, args: string[], options: { serviceName: string; env: Record<string, string | undefined>; stdio?: 'inherit' | 'pipe' | 'ignore' }) => UtilityProcessLike;

export interface DesktopEngineOptions extends Pick<EngineSupervisorOptions, 'emit' | 'log' | 'now'> {
  readonly fork: ForkUtility;
  /** dist/engine-server.mjs: see engineScriptPath. */
  readonly script: string;
  /** ATTRACTOR_BASE_DIR: where relative paths in commands resolve. */
  readonly baseDir: string;
}

/** Where the bundle is: resources/ in a packaged app (electron-builder.yml extraResources), the repository's dist/ otherwise. */
export function engineScriptPath(packaged: boolean, resourcesPath: string, appPath: string): string {
  return packaged ? join(resourcesPath, 'engine-server.mjs') : join(appPath, 'dist', 'engine-server.mjs');
}

/** The engine bundle in a utility process per start. */
export function utilityProcessTransport(fork: ForkUtility, script: string, baseDir: string): EngineTransport {
  return (backend, listener) => {
    const proc = fork(script, [], {
      serviceName: 'Attractor engine',
      stdio: 'inherit',
      env: { ...process.env, ATTRACTOR_BACKEND: backend, ATTRACTOR_BASE_DIR: baseDir },
    });
    let asked = false;
    // The utility process posts only RunEvents (engine/server/worker-main.ts).
    proc.on('message', (message) => listener.event(message as RunEvent));
    proc.on('exit', (code) => {
      if (!asked) listener.exit(`the engine process exited (code ${code})`);
    });
    return {
      post: (command) => proc.postMessage(command),
      async stop() {
        asked = true;
        proc.kill();
      },
    };
  };
}

export function createDesktopEngine(options: DesktopEngineOptions): EngineSupervisor {
  return createEngineSupervisor({
    transport: utilityProcessTransport(options.fork, options.script, options.baseDir),
    emit: options.emit,
    stoppedMessage: 'the app is quitting',
    log: options.log,
    now: options.now,
  });
}
