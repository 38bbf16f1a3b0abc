/**
 * The editor window: a BrowserWindow with the secure preferences of
 * security.ts, our page loaded into it, and the unsaved-changes prompt of
 * window-state.ts on close.
 */
import { BrowserWindow, dialog } from 'electron';
import { sendEvent } from './ipc.js';
import { appEntryUrl, secureWebPreferences, type AppLocation } from './security.js';
import { APP_NAME, CLOSE_BUTTONS, CloseGuard, windowTitle, type CloseChoice } from './window-state.js';

export interface MainWindowOptions {
  readonly preloadPath: string;
  readonly location: AppLocation;
  readonly devTools: boolean;
  readonly platform: NodeJS.Platform;
  /** The user cancelled closing this window (a quit in progress stops). */
  readonly onCloseCancelled?: () => void;
}

export interface MainWindow {
  readonly window: BrowserWindow;
  setState(title: string, dirty: boolean): void;
  /** Closes without asking (the renderer has saved or the user chose to discard). */
  close(): void;
}

export function createMainWindow(options: MainWindowOptions): MainWindow {
  const window = new BrowserWindow({
    title: APP_NAME,
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    // Shown once the first frame is painted; the colour is what shows before that and while resizing.
    show: false,
    backgroundColor: '#1e1f24',
    webPreferences: secureWebPreferences(options.preloadPath, { devTools: options.devTools }),
  });
  window.once('ready-to-show', () => window.show());

  const guard = new CloseGuard({
    ask: async (message) => {
      const { response } = await dialog.showMessageBox(window, {
        type: 'warning',
        title: APP_NAME,
        message,
        detail: "Your changes will be lost if you don't save them.",
        buttons: CLOSE_BUTTONS.map((b) => b.label),
        defaultId: 0,
        cancelId: CLOSE_BUTTONS.findIndex((b) => b.choice === 'cancel'),
        noLink: true,
      });
      return CLOSE_BUTTONS[response]?.choice ?? ('cancel' satisfies CloseChoice);
    },
    requestSave: () => sendEvent(window.isDestroyed() ? null : window.webContents, 'window.saveAndClose', {}),
    closeWindow: () => {
      if (!window.isDestroyed()) window.close();
    },
    cancelled: options.onCloseCancelled,
  });
  window.on('close', (event) => guard.onClose(event));

  // Our page keeps its own title in sync through window.setState.
  window.on('page-title-updated', (event) => event.preventDefault());

  window.webContents.on('render-process-gone', (_event, details) => {
    console.error(`[window] renderer gone: ${details.reason} (exit code ${details.exitCode})`);
  });

  // app://studio/ (app-protocol.ts), never file://: the GrantFileProtocolExtraPrivileges fuse is off.
  window.loadURL(appEntryUrl(options.location)).catch((err: unknown) => console.error(`[window] cannot load the UI: ${err instanceof Error ? err.message : String(err)}`));

  return {
    window,
    setState(title, dirty) {
      guard.setState(title, dirty);
      if (window.isDestroyed()) return;
      window.setTitle(windowTitle(options.platform, title, dirty));
      if (options.platform === 'darwin') window.setDocumentEdited(dirty);
    },
    close: () => guard.close(),
  };
}
