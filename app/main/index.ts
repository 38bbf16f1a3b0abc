/**
 * Electron main process: app lifecycle. One editor window per app (a second
 * launch hands its file to the first), the services of app/services behind
 * validated IPC, the native menu, and the security policy on every
 * WebContents.
 *
 * The modules it wires are Electron-free where they can be (security, ipc,
 * menu, dialogs, window-state, args) and tested in test/app/main; this file
 * and window.ts are the only ones that need the Electron binary.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, shell, utilityProcess } from 'electron';
import type { EventChannel, EventTypes, RecentFile, RequestChannel } from '../shared/api.js';
import { createGraphChecker, createServices, type Handlers, type WindowControl } from '../services/index.js';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, appProtocolHandler } from './app-protocol.js';
import { graphPathFromArgv } from './args.js';
import { createDialogs } from './dialogs.js';
import type { EngineSupervisor } from '../services/engine-supervisor.js';
import { createDesktopEngine, engineScriptPath } from './engine.js';
import { registerIpc, sendEvent } from './ipc.js';
import { grantingEngineLink, PathGrants, requestPathProblem } from './path-grants.js';
import { menuTemplate, type NativeEdit } from './menu.js';
import { appLocation, askBeforeOpening, externalLinkQuestion, installSecurity } from './security.js';
import { cliScriptPath, desktopCli } from './sweep-tasks.js';
import { createMainWindow, type MainWindow } from './window.js';
import { APP_NAME } from './window-state.js';

// Every renderer sandboxed, whatever its webPreferences say (must run before 'ready').
app.enableSandbox();
// The renderer's origin, app://studio/ (must be registered before 'ready'; handled in whenReady below).
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

const packaged = app.isPackaged;
const dev = !packaged;
const location = appLocation(process.env, packaged);
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
// Packaged: electron-builder's extraResources put examples/ in resources/. Unpackaged: the repository's.
const examplesDir = packaged ? join(process.resourcesPath, 'examples') : join(app.getAppPath(), 'examples');
// `electron .` puts the app path after the executable; a packaged app's arguments start right after it.
const argvSkip = process.defaultApp ? 2 : 1;

// The same data folder name whatever package.json says; development keeps its own so it does not mix
// its recent files and autosaves with an installed app's. Set before anything reads it (the instance lock does).
app.setName(APP_NAME);
app.setPath('userData', join(app.getPath('appData'), packaged ? APP_NAME : `${APP_NAME} (dev)`));

const initialPath = graphPathFromArgv(process.argv, process.cwd(), argvSkip);

if (!app.requestSingleInstanceLock({ path: initialPath })) {
  // Another instance runs: it got our file through 'second-instance' and will focus itself.
  app.quit();
} else {
  start();
}

function start(): void {
  let main: MainWindow | null = null;
  // Events wait until the renderer has started talking to us, i.e. has subscribed (see flush).
  let rendererReady = false;
  let pending: (() => void)[] = [];
  let quitting = false;
  const ourContents = new Set<unknown>();
  // The files the user chose, and their folders: the only ones requests may name (path-grants.ts).
  const grants = new PathGrants();
  let recentsRead: Promise<void> = Promise.resolve();

  function deliver<E extends EventChannel>(event: E, payload: EventTypes[E]): void {
    const send = () => sendEvent(main?.window.webContents, event, payload);
    if (main && rendererReady) send();
    else {
      pending.push(send);
      if (!main && app.isReady()) openWindow();
    }
  }

  function flush(): void {
    if (rendererReady || !main) return;
    rendererReady = true;
    const queued = pending;
    pending = [];
    for (const send of queued) send();
  }

  function openPath(path: string): void {
    grants.grantFile(path);
    deliver('file.openPath', { path });
    focus();
  }

  function focus(): void {
    const w = main?.window;
    if (!w || w.isDestroyed()) return;
    if (w.isMinimized()) w.restore();
    w.show();
    w.focus();
  }

  // macOS: Finder, the Dock and `open x.attractor.json`; may arrive before 'ready'.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openPath(path);
  });
  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    const forwarded = forwardedPath(additionalData) ?? graphPathFromArgv(argv, workingDirectory, argvSkip);
    if (forwarded) openPath(forwarded);
    else if (main) focus();
    else if (app.isReady()) openWindow();
  });
  if (initialPath) grants.grantFile(initialPath);
  if (initialPath) pending.push(() => sendEvent(main?.window.webContents, 'file.openPath', { path: initialPath }));

  // Applied to every WebContents Electron creates, not only to ours.
  app.on('web-contents-created', (_event, contents) => {
    installSecurity(contents, contents.session, {
      location,
      devTools: dev,
      openExternal: askBeforeOpening(
        (url) => {
          const win = BrowserWindow.fromWebContents(contents);
          const question = externalLinkQuestion(url);
          return (win ? dialog.showMessageBox(win, question) : dialog.showMessageBox(question)).then((r) => r.response === 0);
        },
        (url) => shell.openExternal(url),
      ),
    });
  });

  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('window-all-closed', () => {
    // macOS apps stay in the Dock without windows; File > New or a click on the Dock icon opens one.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!main && app.isReady()) openWindow();
  });

  const windowControl: WindowControl = {
    setState: (title, dirty) => main?.setState(title, dirty),
    close: () => main?.close(),
  };

  let handlers: Handlers | undefined;
  let engine: EngineSupervisor | undefined;
  app.on('will-quit', () => void engine?.stop());

  function openWindow(): void {
    const created = createMainWindow({
      preloadPath,
      location,
      devTools: dev,
      platform: process.platform,
      onCloseCancelled: () => {
        quitting = false;
      },
    });
    main = created;
    rendererReady = false;
    const contents = created.window.webContents;
    ourContents.add(contents);
    // In case the renderer never calls us (a broken build), queued files still arrive once the page has loaded.
    contents.once('did-finish-load', () => setTimeout(() => main === created && flush(), 3000));
    created.window.on('closed', () => {
      ourContents.delete(contents);
      if (main === created) {
        main = null;
        rendererReady = false;
      }
      // A quit waited for this window's "Save changes?" (macOS keeps the app alive otherwise).
      if (quitting) app.quit();
    });
  }

  const recentChanging = new Set<RequestChannel>(['file.open', 'file.save', 'file.saveAs', 'file.clearRecent', 'recovery.restore']);

  // The menu is built from the last known recent list at once (no default Electron menu flashes up), and
  // rebuilt when the list has been read or has changed.
  let recent: RecentFile[] = [];

  function setMenu(): void {
    const nativeEdit = (op: NativeEdit) => {
      const contents = main?.window.webContents;
      if (contents && !contents.isDestroyed()) contents[op]();
    };
    const template = menuTemplate(process.platform, recent, deliver, {
      appName: APP_NAME,
      dev,
      nativeEdit,
      closeWindow: () => BrowserWindow.getFocusedWindow()?.close(),
      clearRecent: () => {
        void handlers?.['file.clearRecent']({}).finally(() => void refreshMenu());
      },
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  async function refreshMenu(): Promise<void> {
    try {
      recent = handlers ? await handlers['file.recent']({}) : [];
      // The recent list is the user's choice too, across restarts.
      grants.grantAll(recent.map((r) => r.path));
    } catch (err) {
      console.warn(`[menu] recent files unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
    setMenu();
  }

  void app.whenReady().then(() => {
    app.setAboutPanelOptions({ applicationName: APP_NAME, applicationVersion: app.getVersion() });
    protocol.handle(APP_SCHEME, appProtocolHandler(location.rendererDir, (message) => console.warn(`[app://] ${message}`)));

    // The engine in a utility process, started by the first engine.send; its events go to the window.
    engine = createDesktopEngine({
      fork: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
      script: engineScriptPath(packaged, process.resourcesPath, app.getAppPath()),
      baseDir: documentsDir(),
      emit: (payload) => void sendEvent(main?.window.webContents, 'engine.event', payload),
    });

    handlers = createServices({
      mode: 'electron',
      // Checking a large graph would freeze the window on this thread (electron.vite.config.ts builds the worker).
      checker: createGraphChecker(fileURLToPath(new URL('./check-worker.js', import.meta.url))),
      version: app.getVersion(),
      dataDir: app.getPath('userData'),
      examplesDir,
      dialogs: createDialogs({
        showOpenDialog: (options) => (main ? dialog.showOpenDialog(main.window, options) : dialog.showOpenDialog(options)),
        showSaveDialog: (options) => (main ? dialog.showSaveDialog(main.window, options) : dialog.showSaveDialog(options)),
        defaultDir: documentsDir(),
        chosen: (path) => grants.grantFile(path),
      }),
      window: windowControl,
      // Each run carries the folders granted now: the engine touches files only there.
      engine: grantingEngineLink(engine.link, grants),
      // Sweeps run the bundled CLI in utility processes: the binary cannot run as Node.
      cli: desktopCli((modulePath, args, options) => utilityProcess.fork(modulePath, args, options), cliScriptPath(packaged, process.resourcesPath, app.getAppPath())),
    });

    registerIpc(ipcMain, {
      handlers,
      location,
      isOurWebContents: (sender) => ourContents.has(sender),
      pathProblem: async (channel, payload) => {
        await recentsRead;
        return requestPathProblem(grants, channel, payload, documentsDir());
      },
      onChosenPath: (path) => grants.grantFile(path),
      afterRequest: (channel, result) => {
        // A graph opened or restored (its path already passed the check, or came from a dialog or the recovery store).
        if (result.ok && recentChanging.has(channel)) {
          const path = (result.value as { path?: unknown } | null)?.path;
          if (typeof path === 'string') grants.grantFile(path);
        }
        if (!rendererReady) setImmediate(flush);
        if (result.ok && recentChanging.has(channel)) void refreshMenu();
      },
    });

    setMenu();
    recentsRead = refreshMenu();
    openWindow();
  });
}

/** Where the first Open/Save dialog starts: Documents, or home where the platform has no such folder. */
function documentsDir(): string {
  try {
    return app.getPath('documents');
  } catch {
    return app.getPath('home');
  }
}

/** The file a second instance found on its command line (sent through requestSingleInstanceLock). */
function forwardedPath(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || !('path' in data)) return null;
  const { path } = data as { path: unknown };
  return typeof path === 'string' && path !== '' ? path : null;
}
