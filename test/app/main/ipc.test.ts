// The main-process end of the API (app/main/ipc.ts): sender checks, schema
// checks, and a real request reaching the real services.
//
// The real Electron cannot run on CI machines (no Electron binary, no
// display). FakeIpcMain (./fakes.ts) stands for ipcMain: it records the
// handler registered for each channel, and `invoke` calls it with an event
// shaped like Electron's IpcMainInvokeEvent (`sender`, the WebContents; and
// `senderFrame`, the WebFrameMain with its `url` and `parent`), the way a
// renderer's ipcRenderer.invoke arrives. Behind it run the real services
// (createServices) on a temporary data folder and the repository's examples.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, REQUEST_CHANNELS, type ExampleInfo, type RequestChannel } from '../../../app/shared/api.js';
import { requestSchemas } from '../../../app/shared/request-schemas.js';
import { createServices, type Handlers } from '../../../app/services/index.js';
import { registerIpc, sendEvent, type InvokeEvent } from '../../../app/main/ipc.js';
import { APP_ENTRY_URL } from '../../../app/main/app-protocol.js';
import type { AppLocation } from '../../../app/main/security.js';
import { FakeIpcMain, frame } from './fakes.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const examplesDir = join(root, 'examples');
const location: AppLocation = { rendererDir: join(root, 'out', 'renderer') };
const appUrl = APP_ENTRY_URL;
const dataDir = mkdtempSync(join(tmpdir(), 'attractor-ipc-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Our window's WebContents (any object: the check is by identity). */
const ourContents = { id: 1 };
const trusted: InvokeEvent = { sender: ourContents, senderFrame: frame(appUrl) };

let ipc: FakeIpcMain;
let calls: RequestChannel[];
let windowState: [string, boolean][];
let logged: string[];
let after: RequestChannel[];

beforeEach(() => {
  windowState = [];
  const real = createServices({
    mode: 'electron',
    version: '0.0.0-test',
    dataDir,
    examplesDir,
    window: { setState: (title, dirty) => windowState.push([title, dirty]), close: () => undefined },
  });
  // The real services, counting which ones actually ran.
  calls = [];
  const handlers = Object.fromEntries(
    Object.entries(real).map(([channel, handler]) => [
      channel,
      (payload: never) => {
        calls.push(channel as RequestChannel);
        return (handler as (p: never) => Promise<unknown>)(payload);
      },
    ]),
  ) as unknown as Handlers;
  ipc = new FakeIpcMain();
  logged = [];
  after = [];
  registerIpc(ipc, {
    handlers,
    location,
    isOurWebContents: (sender) => sender === ourContents,
    afterRequest: (channel) => after.push(channel),
    log: (message) => logged.push(message),
  });
});

describe('registration', () => {
  it('registers every request channel of app/shared/api.ts, each with a schema, and nothing else', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(Object.keys(requestSchemas).sort());
    expect([...REQUEST_CHANNELS].sort()).toEqual(Object.keys(requestSchemas).sort());
  });
  it('can be removed again', () => {
    const other = new FakeIpcMain();
    const remove = registerIpc(other, { handlers: {} as Handlers, location, isOurWebContents: () => true });
    remove();
    expect(other.handlers.size).toBe(0);
  });
});

describe('untrusted senders are refused before any service runs', () => {
  const untrusted: [string, InvokeEvent][] = [
    ['a page that is not ours', { sender: ourContents, senderFrame: frame('https://evil.example/') }],
    ['another file', { sender: ourContents, senderFrame: frame(pathToFileURL('/tmp/x.html').href) }],
    ['another page of our origin', { sender: ourContents, senderFrame: frame('app://studio/other.html') }],
    ['a subframe of our page', { sender: ourContents, senderFrame: frame(appUrl, frame(appUrl)) }],
    ['a frame that is gone', { sender: ourContents, senderFrame: null }],
    ['a WebContents that is not one of our windows', { sender: { id: 2 }, senderFrame: frame(appUrl) }],
  ];
  for (const [what, event] of untrusted) {
    it(`refuses ${what}`, async () => {
      await expect(ipc.invoke('examples.list', event, {})).rejects.toThrow(/^refused: /);
      await expect(ipc.invoke('window.setState', event, { title: 'x', dirty: true })).rejects.toThrow(/^refused: /);
      expect(calls).toEqual([]);
      expect(windowState).toEqual([]);
      expect(after).toEqual([]);
      expect(logged).toHaveLength(2);
      expect(logged[0]).toContain('refused "examples.list"');
    });
  }
});

describe('payloads are checked against the channel schema', () => {
  const bad: [RequestChannel, unknown][] = [
    ['window.setState', { title: 'x' }],
    ['window.setState', { title: 'x', dirty: 'yes' }],
    ['window.setState', { title: 'x', dirty: true, extra: 1 }],
    ['examples.open', { id: '../../etc/passwd' }],
    ['file.open', { path: '' }],
    ['file.save', { path: '/tmp/x.attractor.json', graph: [] }],
    ['recovery.restore', { sessionId: 'a/b' }],
    ['examples.list', 'not an object'],
  ];
  for (const [channel, payload] of bad) {
    it(`refuses ${channel} with ${JSON.stringify(payload)}`, async () => {
      const result = await ipc.invoke(channel, trusted, payload);
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.error).toMatch(new RegExp(`^bad payload for "${channel.replace('.', '\\.')}"`));
      expect(calls).toEqual([]);
    });
  }
});

describe('a trusted, valid request reaches the services', () => {
  it('examples.list returns the bundled examples', async () => {
    const result = await ipc.invoke('examples.list', trusted, {});
    expect(result.ok).toBe(true);
    const ids = (result.ok ? (result.value as ExampleInfo[]) : []).map((e) => e.id);
    const files = readdirSync(examplesDir)
      .filter((f) => f.endsWith('.attractor.json'))
      .map((f) => f.slice(0, -'.attractor.json'.length))
      .sort();
    expect(files.length).toBeGreaterThan(0);
    expect(ids).toEqual(files);
    expect(calls).toEqual(['examples.list']);
    expect(after).toEqual(['examples.list']);
  });
  it('examples.open opens one, unsaved (no path)', async () => {
    const result = await ipc.invoke('examples.open', trusted, { id: 'hopfield' });
    expect(result).toMatchObject({ ok: true, value: { ok: true, path: null, name: 'hopfield' } });
  });
  it('window.setState reaches the window', async () => {
    expect(await ipc.invoke('window.setState', trusted, { title: 'hopfield', dirty: true })).toEqual({ ok: true, value: undefined });
    expect(windowState).toEqual([['hopfield', true]]);
  });
  it('app.info says it is the desktop app', async () => {
    expect(await ipc.invoke('app.info', trusted, {})).toMatchObject({ ok: true, value: { mode: 'electron', version: '0.0.0-test' } });
  });
});

describe('events to the renderer', () => {
  function sink(destroyed = false) {
    const sent: [string, unknown][] = [];
    return { sent, send: (channel: string, payload: unknown) => sent.push([channel, payload]), isDestroyed: () => destroyed };
  }

  it('sends the declared event channels', () => {
    const target = sink();
    expect(sendEvent(target, 'menu.command', { command: 'save' })).toBe(true);
    expect(sendEvent(target, 'file.openPath', { path: '/tmp/a.attractor.json' })).toBe(true);
    expect(sendEvent(target, 'window.saveAndClose', {})).toBe(true);
    expect(sendEvent(target, 'engine.event', { event: { type: 'engine.info', requestId: null } })).toBe(true);
    expect(target.sent.map(([channel]) => channel)).toEqual([...EVENT_CHANNELS]);
  });
  it('refuses any other channel', () => {
    const target = sink();
    expect(() => sendEvent(target, 'app.quit' as never, {} as never)).toThrow(/unknown event channel/);
    expect(target.sent).toEqual([]);
  });
  it('sends nothing to a window that is gone', () => {
    const target = sink(true);
    expect(sendEvent(target, 'menu.command', { command: 'save' })).toBe(false);
    expect(sendEvent(null, 'menu.command', { command: 'save' })).toBe(false);
    expect(target.sent).toEqual([]);
  });
});
