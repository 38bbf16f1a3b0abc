/**
 * The engine's lifecycle, written once for both hosts: the engine bundle
 * (dist/engine-server.mjs) runs in a process of its own — an Electron utility process
 * for the desktop app (app/main/engine.ts), a worker thread for the web host
 * (app/web/engine.ts) — and this module decides when it runs. How it is started and
 * talked to is the transport, passed in, so nothing here imports Electron.
 *
 * - Lazy: the first command starts it, so a session that only edits graphs never
 *   loads TensorFlow.js.
 * - Every RunEvent goes to the UI as `engine.event` in the codec's JSON-safe form,
 *   the one path the renderer has for both hosts.
 * - A process that ends unasked (a crash, out of memory, a CUDA library that aborts)
 *   ends the runs it had with a run.error and is started again, unless it keeps
 *   failing (more than MAX_RESTARTS times within RESTART_WINDOW_MS): then the next
 *   command tries again.
 * - `configure(backend)` restarts a running process with the new backend (at once, so
 *   its engine.ready reports it), or remembers it for the first start; it is refused
 *   while a run is in progress, which would be lost. `configure(backend, { check: true })`
 *   (Settings) also starts it and waits: a backend that cannot start (not installed, no
 *   adapter) is refused with the engine's reason and the previous one is kept.
 * - A cancel is answered within a second. The engine answers it between iterations and
 *   batches; before a run has started (opening the graph, reading its data) or while a
 *   settle iteration is stuck, a cancel the engine has not answered within
 *   CANCEL_ANSWER_MS ends the process (a settle has nothing to lose) and the run is
 *   reported cancelled; the next command starts a fresh one. A training run that has
 *   started is left to finish its batch and write its checkpoint.
 *
 * Design note: the engine always runs in a Node process, never in a renderer Web
 * Worker on WebGPU/WebGL: datasets, checkpoints and tfjs-node-gpu live on the
 * file-system side.
 */
import { encode, isRunStart, RUN_KIND_OF, type Encoded, type RunCommand, type RunEvent, type RunKind, type RunStart } from '../../engine/protocol/run.js';
import type { EngineBackend, EventTypes } from '../shared/api.js';
import { errorMessage } from './results.js';
import type { EngineLink } from './types.js';

/** What a transport tells the supervisor about the process it started. */
export interface EngineProcessListener {
  /** A RunEvent the engine said (structured clone: typed arrays intact). */
  event(ev: RunEvent): void;
  /** The process ended without being asked to; `reason` says so in words ("the engine process exited (code 134)"). */
  exit(reason: string): void;
}

/** One running engine process, as the supervisor drives it. */
export interface EngineProcess {
  post(command: RunCommand): void;
  /** Ends it on request: the transport reports no exit for this. */
  stop(): Promise<void>;
}

/** Starts the engine bundle with `backend` (a utility process, a worker thread). */
export type EngineTransport = (backend: EngineBackend, listener: EngineProcessListener) => EngineProcess;

export interface EngineSupervisorOptions {
  readonly transport: EngineTransport;
  /** Every RunEvent, encoded for the renderer: the host's `engine.event`. */
  readonly emit: (payload: EventTypes['engine.event']) => void;
  /** Why commands are refused after stop(), in the host's words ("the app is quitting"). */
  readonly stoppedMessage: string;
  /** The backend of the first start (default auto). */
  readonly backend?: EngineBackend;
  /** Throws to refuse a command before it reaches (or starts) the engine: the web host confines paths to its workspace. */
  readonly admit?: (command: RunCommand) => void;
  readonly log?: (message: string) => void;
  readonly now?: () => number;
  /** Runs `f` after `ms` (tests drive time); returns its cancellation. */
  readonly after?: (ms: number, f: () => void) => () => void;
}

export interface EngineSupervisor {
  readonly link: EngineLink;
  /** True while a process runs. */
  readonly running: boolean;
  /** The backend the running process has, or the next one will have. */
  readonly backend: EngineBackend;
  /** Ends the process for good (the app quits, the host shuts down); commands are refused afterwards. */
  stop(): Promise<void>;
}

export const MAX_RESTARTS = 3;
/** How long a checked configure waits for the new backend to say it is up (Dawn looks for an adapter first). */
export const CHECK_TIMEOUT_MS = 120_000;
export const RESTART_WINDOW_MS = 60_000;
/** How long the engine has to answer a cancel before the supervisor ends it (see the header). */
export const CANCEL_ANSWER_MS = 1000;

/** What the supervisor knows of a run it passed on: its kind, whether it has started, and a pending cancel's watchdog. */
interface TrackedRun {
  readonly kind: RunKind;
  started: boolean;
  watchdog?: () => void;
}

const realTimer = (ms: number, f: () => void): (() => void) => {
  const t = setTimeout(f, ms);
  t.unref?.();
  return () => clearTimeout(t);
};


function isStart(command: RunCommand): command is RunStart {
  return isRunStart(command.type);
}

function closesRun(ev: RunEvent): boolean {
  return ev.type === 'run.done' || ev.type === 'run.cancelled' || (ev.type === 'run.error' && ev.ended);
}

export function createEngineSupervisor(options: EngineSupervisorOptions): EngineSupervisor {
  const log = options.log ?? ((message: string) => console.warn(`[engine] ${message}`));
  const now = options.now ?? Date.now;
  let backend: EngineBackend = options.backend ?? 'auto';
  let child: EngineProcess | null = null;
  /** Which start the running process came from: a replaced or stopped process's events and exit are ignored. */
  let generation = 0;
  let stopped = false;
  let failures: number[] = [];
  const after = options.after ?? realTimer;
  /** Runs asked for or reported started and not yet closed: configure waits for none, a crash ends them all. */
  const runs = new Map<string, TrackedRun>();
  /** A checked configure waiting for the process of this generation to start (or not). */
  let probe: { generation: number; settle(failure: string | null): void } | null = null;

  function emit(ev: RunEvent): void {
    let event: Encoded;
    try {
      event = encode(ev);
    } catch (err) {
      event = encode({ type: 'run.error', ended: false, message: `an engine event could not be sent: ${errorMessage(err)}` } satisfies RunEvent);
    }
    try {
      options.emit({ event });
    } catch (err) {
      log(`an event could not be sent: ${errorMessage(err)}`);
    }
  }

  function track(ev: RunEvent): void {
    if (ev.type === 'run.started') {
      const run = runs.get(ev.runId);
      if (run) run.started = true;
      else runs.set(ev.runId, { kind: ev.kind, started: true });
    } else if (closesRun(ev) && 'runId' in ev && ev.runId !== undefined) {
      runs.get(ev.runId)?.watchdog?.();
      runs.delete(ev.runId);
    }
  }

  /** A cancel sent for `runId`: unless the engine answers it in time, the process goes and the run is reported cancelled. */
  function watch(runId: string): void {
    const run = runs.get(runId);
    if (!run || run.watchdog || (run.kind === 'train' && run.started)) return;
    const mine = generation;
    run.watchdog = after(CANCEL_ANSWER_MS, () => {
      run.watchdog = undefined;
      if (mine !== generation || !runs.has(runId)) return;
      log(`the engine did not answer a cancel of run "${runId}" within ${CANCEL_ANSWER_MS} ms (${run.started ? 'stuck in an iteration' : 'still opening the run'}): it is restarted`);
      const proc = detach();
      const ended = [...runs.keys()];
      for (const r of runs.values()) r.watchdog?.();
      runs.clear();
      void proc?.stop().catch((err: unknown) => log(`the engine process did not stop cleanly: ${errorMessage(err)}`));
      for (const id of ended) {
        emit(id === runId ? { type: 'run.cancelled', runId: id, at: 0 } : { type: 'run.error', runId: id, ended: true, message: `the engine was restarted to cancel run "${runId}"` });
      }
    });
  }

  function start(): EngineProcess {
    const mine = ++generation;
    const proc = options.transport(backend, {
      event(ev) {
        if (mine !== generation) return;
        if (probe?.generation === mine) {
          // The first word of a checked start decides it; a failure to start is the check's answer, not the UI's error.
          if (ev.type === 'engine.ready') probe.settle(null);
          else if (ev.type === 'run.error' && ev.runId === undefined) return probe.settle(ev.message);
        }
        track(ev);
        emit(ev);
      },
      exit(reason) {
        if (probe?.generation === mine) probe.settle(reason);
        else if (mine === generation) failed(reason);
      },
    });
    child = proc;
    return proc;
  }

  /** Stops listening to the running process (its exit is no crash) and hands it back to be stopped. */
  function detach(): EngineProcess | null {
    const proc = child;
    child = null;
    generation++;
    return proc;
  }

  function failed(reason: string): void {
    child = null;
    generation++;
    const ended = [...runs.keys()];
    for (const r of runs.values()) r.watchdog?.();
    runs.clear();
    const t = now();
    failures = [...failures.filter((f) => t - f < RESTART_WINDOW_MS), t];
    const again = failures.length <= MAX_RESTARTS;
    const message = `${reason}${again ? '; it has been restarted' : `; it failed ${failures.length} times within a minute and is not restarted until the next command`}`;
    log(message);
    // The UI waits for a closing event of each run it started: without one it would show it running forever.
    if (ended.length === 0) emit({ type: 'run.error', ended: true, message });
    for (const runId of ended) emit({ type: 'run.error', runId, ended: true, message });
    if (!again) return;
    try {
      start();
    } catch (err) {
      log(`the engine could not be restarted: ${errorMessage(err)}`);
    }
  }

  /** Use `next` from now on: a running process is replaced at once, else the next start uses it. */
  function switchTo(next: EngineBackend): void {
    if (next === backend) return;
    backend = next;
    const old = detach();
    if (!old) return;
    void old.stop().catch((err: unknown) => log(`the engine process did not stop cleanly: ${errorMessage(err)}`));
    start();
  }

  /** Starts `next` and waits for its word: up, or refused with the reason while the previous backend stays. */
  async function check(next: EngineBackend): Promise<void> {
    const before = backend;
    const wasRunning = child !== null;
    if (next !== backend || !wasRunning) {
      backend = next;
      void detach()?.stop().catch((err: unknown) => log(`the engine process did not stop cleanly: ${errorMessage(err)}`));
      start();
    }
    const mine = generation;
    const failure = await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(`the engine did not start within ${CHECK_TIMEOUT_MS / 1000} s`), CHECK_TIMEOUT_MS);
      probe = {
        generation: mine,
        settle(result) {
          clearTimeout(timer);
          resolve(result);
        },
      };
      // Already up (the same backend, running): nothing to wait for.
      if (next === before && wasRunning) probe.settle(null);
    });
    if (probe?.generation === mine) probe = null;
    if (failure === null) return;
    // Back to what worked, started again only if it was running.
    backend = before;
    void detach()?.stop().catch(() => undefined);
    if (wasRunning) start();
    throw new Error(`${next} cannot be used here: ${failure.replace(/^the engine could not start: /, '')}`);
  }

  function refuseWhenStopped(): void {
    if (stopped) throw new Error(options.stoppedMessage);
  }

  return {
    link: {
      send(command) {
        options.admit?.(command);
        refuseWhenStopped();
        const proc = child ?? start();
        if (isStart(command)) runs.set(command.runId, { kind: RUN_KIND_OF[command.type], started: false });
        proc.post(command);
        if (command.type === 'run.cancel') watch(command.runId);
      },
      configure(next, options) {
        refuseWhenStopped();
        if (runs.size > 0) {
          throw new Error(`a run is in progress (${[...runs.keys()].join(', ')}): cancel it or wait for it to end before changing the engine backend`);
        }
        if (!options?.check) return switchTo(next);
        return check(next);
      },
    },
    get running() {
      return child !== null;
    },
    get backend() {
      return backend;
    },
    async stop() {
      stopped = true;
      for (const r of runs.values()) r.watchdog?.();
      await detach()?.stop();
    },
  };
}
