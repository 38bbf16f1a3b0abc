/**
 * The services behind the API (app/shared/api.ts), written once and hosted twice:
 * by the Electron main process over IPC and by the web-mode Node host over a
 * WebSocket. Nothing here imports Electron: what differs between the hosts
 * (native dialogs, the window) is passed in.
 */
import type { EngineBackend, RequestChannel, Response } from '../shared/api.js';
import type { ValidPayload } from '../shared/request-schemas.js';
import type { RunCommand } from '../../engine/protocol/run.js';
import type { GraphChecker } from './graph-check.js';
import type { CliCommand } from '../../engine/experiments/local-runner.js';

/** One handler per channel; it receives the payload its schema let through (dispatch checks it first). */
export type Handlers = { [C in RequestChannel]: (payload: ValidPayload<C>) => Promise<Response<C>> };

/** Native file dialogs (Electron). Web mode has none: `file.open` without a path and `file.saveAs` without a name are refused there. */
export interface Dialogs {
  /** A path, or null when the user cancelled. */
  openGraph(): Promise<string | null>;
  saveGraph(suggestedName: string): Promise<string | null>;
}

/** The window the UI lives in (Electron). Web mode: the browser tab handles title and closing itself. */
export interface WindowControl {
  setState(title: string, dirty: boolean): void;
  /** Close without asking again (the renderer has saved or the user chose to discard). */
  close(): void;
}

/** Where engine commands go: a worker thread (web host) or a utility process (Electron). Events come back through the host's own event path. */
export interface EngineLink {
  send(command: RunCommand): void;
  /**
   * Use this backend from now on: the engine process (worker thread or utility process)
   * is stopped if it is running and started again with it. Throws, with a message for the
   * user, while a run is in progress. With `check`, starts it now and resolves once it is
   * up, or rejects with the reason it cannot start (the previous backend is kept).
   */
  configure(backend: EngineBackend, options?: { readonly check?: boolean }): void | Promise<void>;
}

export interface ServiceOptions {
  readonly mode: 'electron' | 'web';
  readonly version: string;
  /** Per-user state: recent files (`recent.json`) and autosaves (`recovery/`). */
  readonly dataDir: string;
  /** The bundled example graphs (`examples/`). */
  readonly examplesDir: string;
  /** Web mode: the folder Open and Save As browse on the host. */
  readonly workspace?: string;
  readonly dialogs?: Dialogs;
  readonly window?: WindowControl;
  /** Absent: `engine.send` is refused with a message saying the engine is not running in this host. */
  readonly engine?: EngineLink;
  /** Where `graph.check` runs (graph-check.ts: a worker thread); absent: in the calling thread. */
  readonly checker?: GraphChecker;
  /** How sweeps start the attractor CLI (default: bin/attractor.mjs of this installation, run by this Node). */
  readonly cli?: CliCommand;
}
