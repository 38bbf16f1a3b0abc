/**
 * `window.api` of the desktop app: the AttractorApi of app/shared/api.ts over
 * Electron IPC, and nothing else. Hand-written and narrow on purpose (VS Code's
 * sandbox preload does the same): the page never sees ipcRenderer, Electron
 * events, or any channel the contract does not declare.
 *
 * - call: refuses unknown channels before anything is sent; main checks the
 *   sender and the payload again (app/main/ipc.ts). Main answers
 *   `{ ok: true, value }` or `{ ok: false, error }`; this resolves with the
 *   value or rejects with an Error carrying the message.
 * - on: only the declared event channels; the listener gets the payload, never
 *   the IpcRendererEvent (which would hand the page `sender`, an ipcRenderer).
 * - pathForFile: the path of a dropped file, through webUtils.
 *
 * Electron is passed in (structural types only), so this is unit tested with
 * a recording fake; index.ts hands it the real ipcRenderer and webUtils.
 */
import {
  CHOSEN_PATH_CHANNEL,
  isEventChannel,
  isRequestChannel,
  type AttractorApi,
  type EventChannel,
  type EventTypes,
  type RequestChannel,
  type RequestPayload,
  type Response,
} from '../shared/api.js';

/** The part of Electron's ipcRenderer used here. */
export interface IpcRendererLike {
  invoke(channel: string, payload: unknown): Promise<unknown>;
  send(channel: string, payload: unknown): void;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/** The part of Electron's webUtils used here. */
export interface WebUtilsLike {
  getPathForFile(file: File): string;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : typeof value;
}

/** Electron prefixes a rejected invoke with "Error invoking remote method 'x': Error: "; the user needs the rest. */
function invokeErrorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^Error invoking remote method '[^']*': (?:Error: )?/, '');
}

/** The main process's `{ ok, value | error }` as a value or a thrown Error. */
function unwrap(channel: string, wire: unknown): unknown {
  if (typeof wire === 'object' && wire !== null && 'ok' in wire) {
    if (wire.ok === true) return 'value' in wire ? wire.value : undefined;
    if (wire.ok === false && 'error' in wire && typeof wire.error === 'string') throw new Error(wire.error);
  }
  throw new Error(`malformed response to "${channel}"`);
}

export function createApi(ipc: IpcRendererLike, webUtils: WebUtilsLike): AttractorApi {
  async function call<C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<Response<C>> {
    // The page is typed, but it is also the untrusted side: check at run time too.
    if (!isRequestChannel(channel)) throw new Error(`unknown channel ${shown(channel)}`);
    let wire: unknown;
    try {
      wire = await ipc.invoke(channel, payload);
    } catch (err) {
      throw new Error(invokeErrorMessage(err));
    }
    // The value's type is the channel's response type: main ran this channel's handler.
    return unwrap(channel, wire) as Response<C>;
  }

  function on<E extends EventChannel>(event: E, listener: (payload: EventTypes[E]) => void): () => void {
    if (!isEventChannel(event)) throw new Error(`unknown event ${shown(event)}`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    // Main sends only this channel's payload type on it (app/main/ipc.ts sendEvent).
    const forward = (_event: unknown, payload: unknown) => listener(payload as EventTypes[E]);
    ipc.on(event, forward);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(event, forward);
    };
  }

  function pathForFile(file: File): string | null {
    try {
      // '' for a File that is not on disk (made in the page, or dragged from a browser).
      const path = webUtils.getPathForFile(file);
      if (path === '') return null;
      // The user chose this file: main lets the engine use it and its folder (sent before any request that names it).
      ipc.send(CHOSEN_PATH_CHANNEL, path);
      return path;
    } catch {
      return null;
    }
  }

  return Object.freeze({ call, on, pathForFile });
}
