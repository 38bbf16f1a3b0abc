/**
 * Structural fakes of the parts of Electron that app/main uses.
 *
 * The real Electron cannot run on CI machines (no Electron binary is
 * downloaded there, and there is no display), and importing the `electron`
 * npm package outside the binary tries to download it. So app/main keeps its
 * policy and wiring in modules that take small structural types (security.ts,
 * ipc.ts, menu.ts, ...), `tsc` checks that the real WebContents, Session and
 * ipcMain satisfy them (app/main/index.ts passes the real objects), and these
 * fakes record what the code registered so the tests can fire events at it.
 */
import type { DispatchResult } from '../../../app/services/index.js';
import type { IpcMainLike, InvokeEvent, SenderFrame } from '../../../app/main/ipc.js';
import type { GuardedSession, GuardedWebContents, NavigationEvent, PreventableEvent } from '../../../app/main/security.js';

export class FakeEvent implements NavigationEvent {
  prevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.prevented = true;
  }
}

/** Stands for a WebContents: keeps the listeners and the window-open handler it was given. */
export class FakeWebContents implements GuardedWebContents {
  readonly listeners = new Map<string, ((event: never) => void)[]>();
  openHandler: ((details: { readonly url: string }) => { action: 'deny' }) | undefined;
  devToolsClosed = 0;

  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent) => void): this;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): this;
  on(event: 'devtools-opened', listener: () => void): this;
  on(event: string, listener: (event: never) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  closeDevTools(): void {
    this.devToolsClosed++;
  }

  /** Fires an event the way Electron would; returns the event so the test can see preventDefault. */
  emit(name: string, event: FakeEvent = new FakeEvent()): FakeEvent {
    for (const listener of this.listeners.get(name) ?? []) (listener as (e: FakeEvent) => void)(event);
    return event;
  }
}

type RequestHandler = (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void;
type CheckHandler = (webContents: unknown, permission: string) => boolean;
type HeadersListener = (
  details: { readonly responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
) => void;

/** Stands for a Session: keeps the permission handlers and the webRequest listener. */
export class FakeSession implements GuardedSession {
  requestHandler: RequestHandler | undefined;
  checkHandler: CheckHandler | undefined;
  headersListener: HeadersListener | undefined;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: RequestHandler): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: CheckHandler): void {
    this.checkHandler = handler;
  }
}

type InvokeListener = (event: InvokeEvent, payload: unknown) => Promise<DispatchResult>;

/** Stands for ipcMain: keeps one handler per channel and lets a test invoke it as a renderer would. */
export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, InvokeListener>();
  readonly listeners = new Map<string, ((event: InvokeEvent, payload: unknown) => void)[]>();
  on(channel: string, listener: (event: InvokeEvent, payload: unknown) => void): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }
  removeListener(channel: string, listener: (event: InvokeEvent, payload: unknown) => void): this {
    this.listeners.set(channel, (this.listeners.get(channel) ?? []).filter((l) => l !== listener));
    return this;
  }
  /** What ipcRenderer.send(channel, payload) does on this side. */
  send(channel: string, event: InvokeEvent, payload: unknown): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(event, payload);
  }
  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: InvokeEvent, payload: unknown): Promise<DispatchResult> {
    const listener = this.handlers.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    return listener(event, payload);
  }
}

/** Stands for a WebFrameMain: a main frame has no parent. */
export function frame(url: string, parent: SenderFrame | null = null): SenderFrame {
  return { url, parent };
}
