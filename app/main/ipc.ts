/**
 * The main-process end of the API: one `ipcMain.handle` per request channel of
 * app/shared/api.ts, and the only way events reach a renderer.
 *
 * Every request is checked before a service runs (VS Code's
 * electron-main/ipcMain.ts does the same): who sent it (a main frame of one of
 * our windows, showing our own page, see `senderProblem`) and what it carries
 * (the channel's schema, inside `dispatch`), and in the desktop app the files it
 * names (`pathProblem`). A renderer that navigated
 * somewhere else, or an iframe, cannot reach a service even if it could reach
 * ipcRenderer.
 *
 * Wire shape: a request resolves with `{ ok: true, value }` or
 * `{ ok: false, error }` (the services' DispatchResult, with a message meant for
 * the user); app/preload turns that into a resolved value or a thrown Error. A
 * refused sender gets a rejected invoke instead: that is an attack or a bug,
 * not a user error, and it is logged here.
 *
 * Types only from Electron (see security.ts): the tests drive this with fakes.
 */
import { CHOSEN_PATH_CHANNEL, isEventChannel, REQUEST_CHANNELS, type EventChannel, type EventTypes, type RequestChannel } from '../shared/api.js';
import { dispatch, type DispatchResult, type Handlers } from '../services/index.js';
import { isAppUrl, type AppLocation } from './security.js';

/** The part of Electron's WebFrameMain the sender check reads. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/** The part of Electron's IpcMainInvokeEvent the sender check reads. */
export interface InvokeEvent {
  readonly sender: unknown;
  readonly senderFrame: SenderFrame | null;
}

/** The part of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, payload: unknown) => Promise<DispatchResult>): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: InvokeEvent, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: InvokeEvent, payload: unknown) => void): unknown;
}

/** The part of Electron's WebContents that events are sent through. */
export interface EventSink {
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
}

export interface IpcOptions {
  readonly handlers: Handlers;
  readonly location: AppLocation;
  /** True when `sender` is the WebContents of one of our windows. */
  readonly isOurWebContents: (sender: unknown) => boolean;
  /**
   * Null when the paths a request carries may be used, else the message for the user
   * (desktop: path-grants.ts, only files the user chose and the folders beside them).
   */
  readonly pathProblem?: (channel: RequestChannel, payload: unknown) => Promise<string | null>;
  /** A trusted sender's preload reports a file the user dropped or picked (CHOSEN_PATH_CHANNEL). */
  readonly onChosenPath?: (path: string) => void;
  /** After each request from a trusted sender (the menu refreshes Open Recent after opens and saves). */
  readonly afterRequest?: (channel: RequestChannel, result: DispatchResult) => void;
  readonly log?: (message: string) => void;
}

/** Why a sender may not call us, or null when it may. */
export function senderProblem(event: InvokeEvent, options: Pick<IpcOptions, 'location' | 'isOurWebContents'>): string | null {
  const frame = event.senderFrame;
  // Null when the frame navigated away or was destroyed while the message was in flight.
  if (!frame) return 'the sending frame is gone';
  if (frame.parent !== null) return 'sent from a subframe';
  if (!options.isOurWebContents(event.sender)) return 'sent from a window that is not ours';
  if (!isAppUrl(frame.url, options.location)) return `sent from a page that is not ours (${JSON.stringify(frame.url.slice(0, 200))})`;
  return null;
}

/** Registers every request channel; returns a function that removes them again. */
export function registerIpc(ipcMain: IpcMainLike, options: IpcOptions): () => void {
  const log = options.log ?? ((message: string) => console.warn(`[ipc] ${message}`));
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, async (event, payload) => {
      const problem = senderProblem(event, options);
      if (problem) {
        log(`refused "${channel}": ${problem}`);
        throw new Error(`refused: ${problem}`);
      }
      const refused = options.pathProblem ? await options.pathProblem(channel, payload) : null;
      if (refused) log(`refused "${channel}": ${refused}`);
      const result: DispatchResult = refused ? { ok: false, error: refused } : await dispatch(options.handlers, channel, payload);
      try {
        options.afterRequest?.(channel, result);
      } catch (err) {
        log(`after "${channel}": ${err instanceof Error ? err.message : String(err)}`);
      }
      return result;
    });
  }
  const chosen = (event: InvokeEvent, path: unknown) => {
    const problem = senderProblem(event, options);
    if (problem) log(`refused "${CHOSEN_PATH_CHANNEL}": ${problem}`);
    else if (typeof path === 'string' && path !== '' && path.length <= 4096) options.onChosenPath?.(path);
  };
  ipcMain.on(CHOSEN_PATH_CHANNEL, chosen);
  return () => {
    for (const channel of REQUEST_CHANNELS) ipcMain.removeHandler(channel);
    ipcMain.removeListener(CHOSEN_PATH_CHANNEL, chosen);
  };
}

/**
 * Pushes an event to a renderer. Only the declared event channels go out: the
 * preload subscribes to nothing else, and the check keeps a typo (or a cast)
 * from opening a channel the contract does not know. False when not sent.
 */
export function sendEvent<E extends EventChannel>(target: EventSink | null | undefined, event: E, payload: EventTypes[E]): boolean {
  if (!isEventChannel(event)) throw new Error(`unknown event channel ${JSON.stringify(event)}`);
  if (!target || target.isDestroyed()) return false;
  target.send(event, payload);
  return true;
}
