/**
 * A stand-in for the `electron` module, for the tests that load app/main's
 * Electron-facing modules (window.ts, index.ts) through vi.mock('electron').
 *
 * The real Electron cannot run on CI machines: no Electron binary is
 * downloaded there and there is no display, and the `electron` npm package
 * tries to download the binary when it is loaded. This fake has just the
 * surface app/main uses; it records what the code did (windows created with
 * which webPreferences, what was loaded, titles, events sent, menus set,
 * dialogs shown) and lets a test play the user and the OS (close a window,
 * answer a message box, start a second instance). Like Electron, creating a
 * BrowserWindow emits app 'web-contents-created' for its WebContents.
 */
import { FakeIpcMain, FakeSession } from './fakes.js';

type Listener = (...args: never[]) => unknown;

export class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    const wrapped = ((...args: never[]) => {
      this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== wrapped));
      return listener(...args);
    }) as Listener;
    return this.on(event, wrapped);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) (listener as (...a: unknown[]) => unknown)(...args);
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

export class ElectronEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

const session = new FakeSession();

export class FakeWebContents extends Emitter {
  readonly session = session;
  readonly sent: [string, unknown][] = [];
  readonly edits: string[] = [];
  windowOpenHandler: unknown;
  destroyed = false;
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: unknown): void {
    this.windowOpenHandler = handler;
  }
  closeDevTools(): void {}
  undo(): void {
    this.edits.push('undo');
  }
  redo(): void {
    this.edits.push('redo');
  }
  cut(): void {
    this.edits.push('cut');
  }
  copy(): void {
    this.edits.push('copy');
  }
  paste(): void {
    this.edits.push('paste');
  }
  delete(): void {
    this.edits.push('delete');
  }
  selectAll(): void {
    this.edits.push('selectAll');
  }
}

export class FakeBrowserWindow extends Emitter {
  static readonly instances: FakeBrowserWindow[] = [];
  static getFocusedWindow(): FakeBrowserWindow | null {
    return FakeBrowserWindow.instances.filter((w) => !w.destroyed).at(-1) ?? null;
  }

  readonly webContents = new FakeWebContents();
  title = '';
  documentEdited: boolean[] = [];
  shown = false;
  focused = 0;
  destroyed = false;
  loaded: { file?: string; url?: string } = {};

  constructor(readonly options: { title?: string; show?: boolean; webPreferences?: Record<string, unknown> }) {
    super();
    this.title = options.title ?? '';
    FakeBrowserWindow.instances.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  show(): void {
    this.shown = true;
  }
  focus(): void {
    this.focused++;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  setDocumentEdited(edited: boolean): void {
    this.documentEdited.push(edited);
  }
  loadFile(file: string): Promise<void> {
    this.loaded = { file };
    return Promise.resolve();
  }
  loadURL(url: string): Promise<void> {
    this.loaded = { url };
    return Promise.resolve();
  }
  /** As Electron: 'close' (cancellable), then 'closed' and the window is gone. */
  close(): void {
    const event = new ElectronEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

class FakeApp extends Emitter {
  isPackaged = false;
  sandboxed = false;
  readonly paths = new Map<string, string>();
  lockData: unknown;
  lockGranted = true;
  quits = 0;
  name = '';
  private ready = false;
  private resolveReady: () => void = () => undefined;
  private readonly readyPromise = new Promise<void>((resolve) => (this.resolveReady = resolve));

  enableSandbox(): void {
    this.sandboxed = true;
  }
  setName(name: string): void {
    this.name = name;
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }
  getPath(name: string): string {
    const path = this.paths.get(name);
    if (!path) throw new Error(`no path "${name}" in the fake`);
    return path;
  }
  getAppPath(): string {
    return this.paths.get('app') ?? '';
  }
  getVersion(): string {
    return '0.1.0-test';
  }
  requestSingleInstanceLock(data?: unknown): boolean {
    this.lockData = data;
    return this.lockGranted;
  }
  quit(): void {
    this.quits++;
  }
  isReady(): boolean {
    return this.ready;
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  /** The OS has started the app. */
  becomeReady(): void {
    this.ready = true;
    this.resolveReady();
  }
  setAboutPanelOptions(): void {}
}

export const app = new FakeApp();

export const ipcMain = new FakeIpcMain();

export const dialogAnswers = { messageBox: 2, shown: [] as { message: string; buttons: string[] }[], savePath: '' };
export const dialog = {
  showMessageBox: async (_window: unknown, options: { message: string; buttons: string[] }) => {
    dialogAnswers.shown.push(options);
    return { response: dialogAnswers.messageBox, checkboxChecked: false };
  },
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showSaveDialog: async () => ({ canceled: dialogAnswers.savePath === '', filePath: dialogAnswers.savePath }),
};

export interface FakeMenu {
  readonly template: { label?: string; submenu?: unknown }[];
}
export const menus: FakeMenu[] = [];
export const Menu = {
  buildFromTemplate: (template: FakeMenu['template']): FakeMenu => ({ template }),
  setApplicationMenu: (menu: FakeMenu) => void menus.push(menu),
};

export const opened: string[] = [];
export const shell = { openExternal: async (url: string) => void opened.push(url) };

export const BrowserWindow = FakeBrowserWindow;
export const fakeSession = session;

/** Records what app/main registers: privileged schemes (Electron allows that only before 'ready') and handlers. */
export const protocol = {
  privileged: [] as { scheme: string; privileges?: Record<string, boolean> }[],
  registeredBeforeReady: false,
  handlers: new Map<string, (request: { url: string; method: string }) => Promise<Response>>(),
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges?: Record<string, boolean> }[]): void {
    this.registeredBeforeReady = !app.isReady();
    this.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: { url: string; method: string }) => Promise<Response>): void {
    if (!app.isReady()) throw new Error('protocol.handle before ready');
    this.handlers.set(scheme, handler);
  },
};
