/**
 * The native application menu, built by a pure function of the platform and
 * the recent-files list so that accelerators and commands are unit tested
 * (test/app/main/menu.test.ts) without Electron.
 *
 * Platform conventions: macOS gets the app menu (About, Services, Hide, Quit)
 * and a Window menu, and ⌘ shortcuts; Windows and Linux get Ctrl shortcuts and
 * Quit/Exit at the end of File. Redo is ⇧⌘Z on macOS, Ctrl+Y on Windows and
 * Ctrl+Shift+Z on Linux, each with the other Ctrl form as a hidden alias.
 *
 * Graph commands reach the renderer as 'menu.command' events. Edit commands
 * that also exist for text (undo, redo, cut, copy, paste, delete, select all)
 * first run Chromium's own editing command in the page, so a focused text
 * field in the inspector behaves as everywhere else, and then send the
 * command: the renderer ignores it while a text field has focus and applies
 * it to the graph otherwise. (In web mode the same renderer handles the keys
 * itself.) Delete's key is displayed, not registered, so Delete/Backspace
 * keep working in text fields. Close Window closes the native window, which
 * asks about unsaved changes (window.ts), rather than asking the renderer.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { EventChannel, EventTypes, MenuCommand, RecentFile } from '../shared/api.js';

export type Send = <E extends EventChannel>(event: E, payload: EventTypes[E]) => void;

/** Chromium's own editing commands (webContents.undo(), .cut(), ...). */
export type NativeEdit = 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'delete' | 'selectAll';

export interface MenuExtras {
  readonly appName?: string;
  /** Development build: Reload and DevTools items. */
  readonly dev?: boolean;
  /** Runs a native editing command in the focused page. */
  readonly nativeEdit?: (op: NativeEdit) => void;
  /** Closes the focused window (through its unsaved-changes prompt). */
  readonly closeWindow?: () => void;
  readonly clearRecent?: () => void;
}

/** How many recent files the submenu shows. */
export const RECENT_IN_MENU = 10;

export function menuTemplate(
  platform: NodeJS.Platform,
  recent: readonly RecentFile[],
  send: Send,
  extras: MenuExtras = {},
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const mod = mac ? 'Cmd' : 'Ctrl';
  const appName = extras.appName ?? 'Attractor Studio';

  const command = (label: string, cmd: MenuCommand, accelerator?: string, more: MenuItemConstructorOptions = {}): MenuItemConstructorOptions => ({
    label,
    id: cmd,
    ...(accelerator ? { accelerator } : {}),
    click: () => send('menu.command', { command: cmd }),
    ...more,
  });
  const edit = (label: string, cmd: MenuCommand & NativeEdit, accelerator?: string, more: MenuItemConstructorOptions = {}): MenuItemConstructorOptions => ({
    ...command(label, cmd, accelerator, more),
    click: () => {
      extras.nativeEdit?.(cmd);
      send('menu.command', { command: cmd });
    },
  });

  const shown = recent.slice(0, RECENT_IN_MENU);
  const openRecent: MenuItemConstructorOptions = {
    label: 'Open Recent',
    id: 'openRecent',
    submenu: [
      ...(shown.length === 0 ? [{ label: 'No Recent Files', enabled: false }] : []),
      ...shown.map(
        (file): MenuItemConstructorOptions => ({
          // The full path: two graphs of the same name in different folders stay apart.
          label: file.exists ? file.path : `${file.path} (missing)`,
          enabled: file.exists,
          click: () => send('file.openPath', { path: file.path }),
        }),
      ),
      { type: 'separator' },
      { label: 'Clear Recently Opened', id: 'clearRecent', enabled: shown.length > 0, click: () => extras.clearRecent?.() },
    ],
  };

  const fileMenu: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      command('New', 'new', `${mod}+N`),
      command(mac ? 'Open…' : 'Open...', 'open', `${mod}+O`),
      openRecent,
      command(mac ? 'Examples…' : 'Examples...', 'examples'),
      { type: 'separator' },
      command('Save', 'save', `${mod}+S`),
      command(mac ? 'Save As…' : 'Save As...', 'saveAs', `${mod}+Shift+S`),
      // macOS keeps Settings in the app menu.
      ...(mac ? [] : [{ type: 'separator' } as const, command('Settings...', 'settings', `${mod}+,`)]),
      { type: 'separator' },
      { label: 'Close Window', id: 'closeWindow', accelerator: `${mod}+W`, click: () => extras.closeWindow?.() },
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit', label: platform === 'win32' ? 'Exit' : 'Quit' } as const]),
    ],
  };

  const redoAccelerators = mac ? ['Cmd+Shift+Z'] : platform === 'win32' ? ['Ctrl+Y', 'Ctrl+Shift+Z'] : ['Ctrl+Shift+Z', 'Ctrl+Y'];
  const editMenu: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      edit('Undo', 'undo', `${mod}+Z`),
      edit('Redo', 'redo', redoAccelerators[0]),
      // The other platform habit, working but not shown.
      ...redoAccelerators.slice(1).map((accelerator) => edit('Redo', 'redo', accelerator, { id: 'redoAlias', visible: false })),
      { type: 'separator' },
      edit('Cut', 'cut', `${mod}+X`),
      edit('Copy', 'copy', `${mod}+C`),
      edit('Paste', 'paste', `${mod}+V`),
      command('Duplicate', 'duplicate', `${mod}+D`),
      // registerAccelerator exists on Windows/Linux only; macOS shows no key for it.
      edit('Delete', 'delete', mac ? undefined : 'Delete', mac ? {} : { registerAccelerator: false }),
      { type: 'separator' },
      edit('Select All', 'selectAll', `${mod}+A`),
    ],
  };

  const viewMenu: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      command('Zoom to Fit', 'zoomToFit', `${mod}+1`),
      command('Auto-arrange', 'arrange', `${mod}+Shift+A`),
      command('Add Comment', 'comment', `${mod}+Alt+M`),
      command('Shapes on Wires (Show/Hide)', 'wireShapes'),
      { type: 'separator' },
      // The whole UI's zoom (readability), not the canvas's.
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(extras.dev
        ? [{ type: 'separator' } as const, { role: 'forceReload' } as const, { role: 'toggleDevTools' } as const]
        : []),
    ],
  };

  const helpMenu: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      command(mac ? 'Example Graphs…' : 'Example Graphs...', 'examples', undefined, { id: 'helpExamples' }),
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'about', label: `About ${appName}` } as const]),
    ],
  };

  if (!mac) return [fileMenu, editMenu, viewMenu, helpMenu];

  const appMenu: MenuItemConstructorOptions = {
    label: appName,
    submenu: [
      { role: 'about', label: `About ${appName}` },
      { type: 'separator' },
      command('Settings…', 'settings', 'Cmd+,'),
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide', label: `Hide ${appName}` },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit', label: `Quit ${appName}` },
    ],
  };
  return [appMenu, fileMenu, editMenu, viewMenu, { role: 'windowMenu' }, helpMenu];
}
