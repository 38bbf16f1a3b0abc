/**
 * The desktop app's engine: the bundled engine host (dist/engine-server.mjs) in an
 * Electron utility process, so TensorFlow.js (and the CUDA build where it installed,
 * which grabs the GPU and may crash) never runs in the main process. Commands go in by
 * `child.postMessage`, RunEvents come back by structured clone (typed arrays intact) and
 * go to the window as `engine.event` in the codec's JSON-safe form, the one path the
 * renderer has for both hosts.
 *
 * Started with the first `engine.send`. A process that dies unasked is reported to the
 * UI as a run.error (ending the run it was doing) and started again, unless it keeps
 * dying (MAX_RESTARTS within RESTART_WINDOW_MS): then the next command tries again.
 *
 * `configure(backend)` (Settings, `engine.configure`) stops the process and starts it again
 * with ATTRACTOR_BACKEND set to that backend (at once when one was running, else with the
 * next command); it is refused while a run is in progress. Design note: the engine always
 * runs in a Node process (this utility process, or the web host's worker thread), never in
 * a renderer Web Worker on WebGPU/WebGL: datasets, checkpoints and tfjs-node-gpu live on
 * the file-system side.
 *
 * Types only from Electron (like ipc.ts): the tests drive this with a structural fake of
 * utilityProcess, because no Electron binary can run on the test machines.
 */
import { join } from 'node:path';
import { encode, type RunCommand, type RunEvent } from '../../engine/protocol/run.js';
import type { EngineLink } from '../services/index.js';
import type { EngineBackend } from '../shared/api.js';

/** The part of Electron's UtilityProcess used here. */
export interface UtilityProcessLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'spawn', listener: () => void): unknown;
  kill(): boolean;
}

/** utilityProcess.fork's shape. */
export type ForkUtility = (modulePath: string, args: string[], options: { serviceName: string; env: Record<string, string | undefined>; stdio?: 'inherit' | 'pipe' | 'ignore' }) => UtilityProcessLike;

export interface DesktopEngineOptions {
  readonly fork: ForkUtility;
  /** dist/engine-server.mjs: see engineScriptPath. */
  readonly script: string;
  /** ATTRACTOR_BASE_DIR: where relative paths in commands resolve. */
  readonly baseDir: string;
  /** Every RunEvent, encoded for the renderer (sendEvent(win, 'engine.event', { event })). */
  readonly emit: (payload: { event: ReturnType<typeof encode> }) => void;
  readonly backend?: string;
  readonly env?: Record<string, string | undefined>;
  readonly log?: (message: string) => void;
  readonly now?: () => number;
}

export interface DesktopEngine {
  readonly link: EngineLink;
  readonly running: boolean;
  /** The backend the process runs (or will run) with: ATTRACTOR_BACKEND. */
  readonly backend: string;
  /** How many times the process was started. */
  readonly starts: number;
  stop(): void;
}

export const MAX_RESTARTS = 3;
export const RESTART_WINDOW_MS = 60_000;

/** Where the bundle is: resources/ in a packaged app (electron-builder.yml extraResources), the repository's dist/ otherwise. */
export function engineScriptPath(packaged: boolean, resourcesPath: string, appPath: string): string {
  return packaged ? join(resourcesPath, 'engine-server.mjs') : join(appPath, 'dist', 'engine-server.mjs');
}

export function createDesktopEngine(options: DesktopEngineOptions): DesktopEngine {
  const log = options.log ?? ((m: string) => console.warn(`[engine] ${m}`));
  const now = options.now ?? Date.now;
  let child: UtilityProcessLike | null = null;
  let stopping = false;
  let starts = 0;
  let crashes: number[] = [];
  /** The run in progress, so a crash can end it for the UI. */
  let current: string | null = null;
  let backend = options.backend ?? 'auto';
  /** Runs started (sent or reported) and not yet closed: configure is refused while there are any. */
  const runs = new Set<string>();

  const emit = (ev: RunEvent) => {
    try {
      options.emit({ event: encode(ev) });
    } catch (err) {
      log(`an event could not be sent: ${(err as Error).message}`);
    }
  };

  function track(ev: RunEvent): void {
    const closing = ev.type === 'run.done' || ev.type === 'run.cancelled' || (ev.type === 'run.error' && ev.ended);
    if (ev.type === 'run.started') {
      current = ev.runId;
      runs.add(ev.runId);
    } else if (closing && ev.runId !== undefined) {
      runs.delete(ev.runId);
      if (ev.runId === current) current = null;
    }
  }

  function start(): UtilityProcessLike {
    starts++;
    const proc = options.fork(options.script, [], {
      serviceName: 'Attractor engine',
      stdio: 'inherit',
      env: { ...(options.env ?? process.env), ATTRACTOR_BACKEND: backend, ATTRACTOR_BASE_DIR: options.baseDir },
    });
    child = proc;
    proc.on('message', (message) => {
      if (child !== proc) return;
      const ev = message as RunEvent;
      track(ev);
      emit(ev);
    });
    proc.on('exit', (code) => {
      if (child !== proc) return;
      child = null;
      if (stopping) return;
      const run = current;
      current = null;
      runs.clear();
      const t = now();
      crashes = [...crashes.filter((c) => t - c < RESTART_WINDOW_MS), t];
      const again = crashes.length <= MAX_RESTARTS;
      const message = `the engine process exited (code ${code})${again ? '; it has been restarted' : `; it exited ${crashes.length} times within a minute and is not restarted until the next command`}`;
      log(message);
      emit({ type: 'run.error', ...(run ? { runId: run } : {}), ended: true, message });
      if (again) start();
    });
    return proc;
  }

  return {
    link: {
      send(command: RunCommand) {
        if (stopping) throw new Error('the app is quitting');
        const proc = child ?? start();
        if (command.type === 'settle.start' || command.type === 'train.start') runs.add(command.runId);
        proc.postMessage(command);
      },
      configure(next: EngineBackend) {
        if (stopping) throw new Error('the app is quitting');
        if (runs.size > 0) {
          throw new Error(`a run is in progress (${[...runs].join(', ')}): cancel it or wait for it to end before changing the engine backend`);
        }
        const proc = child;
        if (next === backend && proc) return;
        backend = next;
        if (!proc) return;
        // Asked for: its exit is not a crash (the exit listener ignores a process that is no longer `child`).
        child = null;
        current = null;
        proc.kill();
        start();
      },
    },
    get running() {
      return child !== null;
    },
    get backend() {
      return backend;
    },
    get starts() {
      return starts;
    },
    stop() {
      stopping = true;
      const proc = child;
      child = null;
      proc?.kill();
    },
  };
}
