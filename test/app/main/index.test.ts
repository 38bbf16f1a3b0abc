// The app's lifecycle and wiring (app/main/index.ts, window.ts), end to end
// inside the main process.
//
// The real Electron cannot run on CI machines (no Electron binary, no
// display), so `electron` is replaced by ./fake-electron.ts: a recording
// stand-in for app, BrowserWindow, WebContents, ipcMain, Menu, dialog and
// shell. The test loads the real index.ts against it, plays the OS (the app
// becomes ready, a second instance starts) and the renderer (IPC requests from
// the window's main frame showing our page), and checks what the main process
// did. The services behind the IPC are the real ones, on a temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHOSEN_PATH_CHANNEL, REQUEST_CHANNELS } from '../../../app/shared/api.js';
import type { InvokeEvent } from '../../../app/main/ipc.js';
import * as fake from './fake-electron.js';
import { FakeEvent, frame } from './fakes.js';

vi.mock('electron', async () => await import('./fake-electron.js'));

const root = fileURLToPath(new URL('../../../', import.meta.url));
const appUrl = 'app://studio/index.html';
const temp = mkdtempSync(join(tmpdir(), 'attractor-main-'));
const argvFile = 'from-argv.attractor.json';
const tick = () => new Promise((r) => setTimeout(r, 0));

let win: fake.FakeBrowserWindow;
const fromWindow = (): InvokeEvent => ({ sender: win.webContents, senderFrame: frame(appUrl) });
const commands = () => win.webContents.sent.filter(([c]) => c === 'menu.command').map(([, p]) => p);

type Item = { label?: string; role?: string; click?: () => void; submenu?: Item[] };
function menuItem(label: string): Item {
  const all = (items: Item[]): Item[] => items.flatMap((i) => [i, ...all(i.submenu ?? [])]);
  const found = all(fake.menus.at(-1)!.template as Item[]).find((i) => i.label === label);
  if (!found) throw new Error(`no menu item ${label}`);
  return found;
}

beforeAll(async () => {
  for (const name of ['appData', 'documents', 'home']) fake.app.setPath(name, temp);
  fake.app.setPath('app', root);
  const argv = process.argv;
  process.argv = [...argv, argvFile];
  try {
    await import('../../../app/main/index.js');
  } finally {
    process.argv = argv;
  }
  fake.app.becomeReady();
  await tick();
  win = fake.FakeBrowserWindow.instances[0]!;
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('startup', () => {
  it('sandboxes every renderer and takes the single-instance lock with the file from the command line', () => {
    expect(fake.app.sandboxed).toBe(true);
    expect(fake.app.lockData).toEqual({ path: resolve(process.cwd(), argvFile) });
  });
  it('keeps its data in its own folder under appData (development: a separate one)', () => {
    expect(fake.app.getPath('userData')).toBe(join(temp, 'Attractor Studio (dev)'));
  });
  it('opens one window with the secure preferences, hidden until ready, loading our page', () => {
    expect(fake.FakeBrowserWindow.instances).toHaveLength(1);
    const prefs = win.options.webPreferences!;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, devTools: true });
    expect(String(prefs['preload'])).toMatch(/preload[\\/]index\.cjs$/);
    expect(win.options.show).toBe(false);
    expect(win.loaded).toEqual({ url: appUrl });
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });
  it('serves the renderer folder on app://studio/, registered as privileged before ready', async () => {
    expect(fake.protocol.registeredBeforeReady).toBe(true);
    expect(fake.protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    const handler = fake.protocol.handlers.get('app')!;
    const page = await handler({ url: appUrl, method: 'GET' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect((await handler({ url: 'app://studio/..%2f..%2fpackage.json', method: 'GET' })).status).toBe(404);
  });
  it('applies the security policy to WebContents as Electron creates them', () => {
    expect(win.webContents.count('will-navigate')).toBe(1);
    expect(win.webContents.count('will-attach-webview')).toBe(1);
    expect(win.webContents.windowOpenHandler).toBeTypeOf('function');
    const navigation = new FakeEvent('https://evil.example/');
    win.webContents.emit('will-navigate', navigation);
    expect(navigation.prevented).toBe(true);
    expect(fake.fakeSession.checkHandler!(null, 'media')).toBe(false);
  });
  it('sets the application menu', () => {
    expect(fake.menus.length).toBeGreaterThan(0);
    expect(fake.menus.at(-1)!.template.map((m) => m.label ?? (m as Item).role)).toContain('File');
  });
});

describe('IPC', () => {
  it('serves every request channel', () => {
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
  });
  it('refuses a WebContents that is not our window', async () => {
    const other = new fake.FakeWebContents();
    await expect(fake.ipcMain.invoke('app.info', { sender: other, senderFrame: frame(appUrl) }, {})).rejects.toThrow(/^refused/);
  });
  it('answers our window, then delivers the file from the command line', async () => {
    expect(win.webContents.sent).toEqual([]);
    expect(await fake.ipcMain.invoke('app.info', fromWindow(), {})).toMatchObject({ ok: true, value: { mode: 'electron', version: '0.1.0-test' } });
    await tick();
    expect(win.webContents.sent).toEqual([['file.openPath', { path: resolve(process.cwd(), argvFile) }]]);
  });
  it('lists the repository examples in development', async () => {
    const result = await fake.ipcMain.invoke('examples.list', fromWindow(), {});
    expect(result.ok && (result.value as unknown[]).length).toBeGreaterThan(0);
  });
});

describe('menu', () => {
  it('sends commands to the window', () => {
    win.webContents.sent.length = 0;
    menuItem('Save').click!();
    menuItem('Zoom to Fit').click!();
    expect(commands()).toEqual([{ command: 'save' }, { command: 'zoomToFit' }]);
  });
  it('runs native editing in the page before sending an edit command', () => {
    menuItem('Copy').click!();
    expect(win.webContents.edits).toEqual(['copy']);
    expect(commands().at(-1)).toEqual({ command: 'copy' });
  });
});

describe('Open Recent', () => {
  it('is rebuilt after a save', async () => {
    const example = await fake.ipcMain.invoke('examples.open', fromWindow(), { id: 'hopfield' });
    const graph = example.ok ? (example.value as { graph: unknown }).graph : undefined;
    const path = join(temp, 'saved.attractor.json');
    // The renderer cannot name a file the user never chose (path-grants.ts)...
    const refused = await fake.ipcMain.invoke('file.save', fromWindow(), { path, graph });
    expect(refused).toEqual({ ok: false, error: expect.stringContaining(`the graph file ${path} is not a file you opened or saved`) });
    // ...the Save dialog is the user choosing it; later saves to it, and to its folder, pass.
    fake.dialogAnswers.savePath = path;
    expect(await fake.ipcMain.invoke('file.saveAs', fromWindow(), { graph, suggestedName: 'saved' })).toMatchObject({ ok: true, value: { ok: true, path } });
    fake.dialogAnswers.savePath = '';
    expect(await fake.ipcMain.invoke('file.save', fromWindow(), { path, graph })).toMatchObject({ ok: true, value: { ok: true, path } });
    await vi.waitFor(() => menuItem(path));
    win.webContents.sent.length = 0;
    menuItem(path).click!();
    expect(win.webContents.sent).toEqual([['file.openPath', { path }]]);
  });
});

describe('files the user dropped on the window', () => {
  it('may be used once the preload reports them, and only from our page', async () => {
    // Not under `temp`: the graph saved above granted that whole folder.
    const elsewhere = mkdtempSync(join(tmpdir(), 'attractor-dropped-'));
    const dropped = join(elsewhere, 'net.attractor.json');
    const list = () => fake.ipcMain.invoke('runs.list', fromWindow(), { graphPath: dropped });
    expect(await list()).toMatchObject({ ok: false });
    fake.ipcMain.send(CHOSEN_PATH_CHANNEL, { sender: win.webContents, senderFrame: frame('https://evil.example/') }, dropped);
    expect(await list()).toMatchObject({ ok: false });
    fake.ipcMain.send(CHOSEN_PATH_CHANNEL, fromWindow(), dropped);
    expect(await list()).toMatchObject({ ok: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });
});

describe('a file opened from the OS (macOS open-file)', () => {
  it('is handed to the window', () => {
    win.webContents.sent.length = 0;
    const event = new fake.ElectronEvent();
    fake.app.emit('open-file', event, '/data/d.attractor.json');
    expect(event.defaultPrevented).toBe(true);
    expect(win.webContents.sent).toEqual([['file.openPath', { path: '/data/d.attractor.json' }]]);
  });
});

describe('a second instance', () => {
  it('hands its file to this one, which focuses its window', () => {
    win.webContents.sent.length = 0;
    const focused = win.focused;
    fake.app.emit('second-instance', {}, ['/opt/attractor-studio'], '/w', { path: '/data/b.attractor.json' });
    expect(win.webContents.sent).toEqual([['file.openPath', { path: '/data/b.attractor.json' }]]);
    expect(win.focused).toBe(focused + 1);
  });
  it('falls back to its command line', () => {
    win.webContents.sent.length = 0;
    fake.app.emit('second-instance', {}, ['/opt/attractor-studio', 'c.attractor.json'], '/w', null);
    expect(win.webContents.sent).toEqual([['file.openPath', { path: resolve('/w', 'c.attractor.json') }]]);
  });
});

describe('title and unsaved changes', () => {
  it('window.setState sets the title with the unsaved marker', async () => {
    await fake.ipcMain.invoke('window.setState', fromWindow(), { title: 'hopfield', dirty: true });
    expect(win.title).toBe(process.platform === 'darwin' ? 'hopfield — Edited' : '• hopfield');
  });
  it('Cancel keeps a window with unsaved changes open', async () => {
    fake.dialogAnswers.messageBox = 2;
    win.close();
    await tick();
    expect(win.destroyed).toBe(false);
    expect(fake.dialogAnswers.shown.at(-1)).toMatchObject({ message: 'Save changes to hopfield?', buttons: ['Save', "Don't Save", 'Cancel'] });
  });
  it('Save asks the renderer to save; its window.close then closes without asking again', async () => {
    fake.dialogAnswers.messageBox = 0;
    win.webContents.sent.length = 0;
    const asked = fake.dialogAnswers.shown.length;
    win.close();
    await tick();
    expect(win.destroyed).toBe(false);
    expect(win.webContents.sent).toEqual([['window.saveAndClose', {}]]);
    await fake.ipcMain.invoke('window.close', fromWindow(), {});
    expect(win.destroyed).toBe(true);
    expect(fake.dialogAnswers.shown.length).toBe(asked + 1);
  });
  it('quits when the last window closes, except on macOS', () => {
    const quits = fake.app.quits;
    fake.app.emit('window-all-closed');
    expect(fake.app.quits).toBe(process.platform === 'darwin' ? quits : quits + 1);
  });
});
