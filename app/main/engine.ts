/**
 * The desktop app's engine: the bundled engine host (dist/engine-host.mjs) in an
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
 * Types only from Electron (like ipc.ts): the tests drive this with a structural fake of
 * utilityProcess, because no Electron binary can run on the test machines.
 */
import { join } from 'node:path';
import { encode, type RunCommand, type RunEvent } from '../../engine/protocol/run.js';
import type { EngineLink } from '../services/index.js';

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
  /** dist/engine-host.mjs: see engineScriptPath. */
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
  /** How many times the process was started. */
  readonly starts: number;
  stop(): void;
}

export const MAX_RESTARTS = 3;
export const RESTART_WINDOW_MS = 60_000;

/** Where the bundle is: resources/ in a packaged app (electron-builder.yml extraResources), the repository's dist/ otherwise. */
export function engineScriptPath(packaged: boolean, resourcesPath: string, appPath: string): string {
  return packaged ? join(resourcesPath, 'engine-host.mjs') : join(appPath, 'dist', 'engine-host.mjs');
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

  const emit = (ev: RunEvent) => {
    try {
      options.emit({ event: encode(ev) });
    } catch (err) {
      log(`an event could not be sent: ${(err as Error).message}`);
    }
  };

  function track(ev: RunEvent): void {
    if (ev.type === 'run.started') current = ev.runId;
    else if ((ev.type === 'run.done' || ev.type === 'run.cancelled' || (ev.type === 'run.error' && ev.ended)) && ev.runId === current) current = null;
  }

  function start(): UtilityProcessLike {
    starts++;
    const proc = options.fork(options.script, [], {
      serviceName: 'Attractor engine',
      stdio: 'inherit',
      env: { ...(options.env ?? process.env), ATTRACTOR_BACKEND: options.backend ?? 'auto', ATTRACTOR_BASE_DIR: options.baseDir },
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
        (child ?? start()).postMessage(command);
      },
    },
    get running() {
      return child !== null;
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
