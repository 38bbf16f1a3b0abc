// The preload (app/preload): what the page gets as `window.api`.
//
// The real Electron cannot run on CI machines (no Electron binary, no
// display), so there is no page and no contextBridge here. The `electron`
// module is replaced by recording stand-ins: `contextBridge.exposeInMainWorld`
// records what the preload exposes, and a fake ipcRenderer records what would
// be sent to the main process and lets the tests push events the way
// `webContents.send` would. The last test bundles the preload the way a
// sandboxed preload must be (one file, requiring nothing but 'electron').
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CHOSEN_PATH_CHANNEL, EVENT_CHANNELS, REQUEST_CHANNELS, type AttractorApi } from '../../../app/shared/api.js';
import { createApi, type IpcRendererLike } from '../../../app/preload/api.js';

type RolldownOutput = Rolldown.RolldownOutput;
const root = fileURLToPath(new URL('../../../', import.meta.url));

type Listener = (event: unknown, payload: unknown) => void;

/** Stands for ipcRenderer: records invokes and subscriptions; `reply` decides what main answers. */
class FakeIpcRenderer implements IpcRendererLike {
  readonly invoked: [string, unknown][] = [];
  readonly sent: [string, unknown][] = [];
  readonly listeners = new Map<string, Listener[]>();
  reply: (channel: string, payload: unknown) => Promise<unknown> = async () => ({ ok: true, value: 'done' });

  invoke(channel: string, payload: unknown): Promise<unknown> {
    this.invoked.push([channel, payload]);
    return this.reply(channel, payload);
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  on(channel: string, listener: Listener): this {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }
  removeListener(channel: string, listener: Listener): this {
    this.listeners.set(channel, (this.listeners.get(channel) ?? []).filter((l) => l !== listener));
    return this;
  }
  /** What webContents.send(channel, payload) does on this side. */
  emit(channel: string, payload: unknown): void {
    const event = { sender: this, ports: [] };
    for (const listener of this.listeners.get(channel) ?? []) listener(event, payload);
  }
}

const electron = vi.hoisted(() => ({
  exposed: [] as [string, unknown][],
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.push([key, api]) },
  ipcRenderer: { invoke: async () => ({ ok: true }), send: () => undefined, on: () => undefined, removeListener: () => undefined },
  webUtils: { getPathForFile: () => '' },
}));

let ipc: FakeIpcRenderer;
let paths: Map<object, string>;
let api: AttractorApi;

beforeEach(() => {
  ipc = new FakeIpcRenderer();
  paths = new Map();
  api = createApi(ipc, {
    getPathForFile: (file) => {
      const path = paths.get(file);
      if (path === undefined) throw new Error('not a File');
      return path;
    },
  });
});

describe('what the preload exposes', () => {
  it('puts exactly one object in the page: window.api with call, on and pathForFile', async () => {
    await import('../../../app/preload/index.js');
    expect(electron.exposed.map(([key]) => key)).toEqual(['api']);
    const exposed = electron.exposed[0]![1] as Record<string, unknown>;
    expect(Object.keys(exposed).sort()).toEqual(['call', 'on', 'pathForFile']);
    for (const key of Object.keys(exposed)) expect(typeof exposed[key], key).toBe('function');
    expect(Object.isFrozen(exposed)).toBe(true);
  });
});

describe('call', () => {
  it('sends a declared channel and resolves with the value main returned', async () => {
    ipc.reply = async () => ({ ok: true, value: [{ id: 'hopfield' }] });
    await expect(api.call('examples.list', {})).resolves.toEqual([{ id: 'hopfield' }]);
    expect(ipc.invoked).toEqual([['examples.list', {}]]);
  });
  it('rejects with the message main returned', async () => {
    ipc.reply = async () => ({ ok: false, error: 'bad payload for "file.open" at path: expected a string' });
    await expect(api.call('file.open', { path: '' })).rejects.toThrow('bad payload for "file.open" at path: expected a string');
  });
  it('rejects a refused sender without Electron\'s "Error invoking remote method" prefix', async () => {
    ipc.reply = async () => {
      throw new Error("Error invoking remote method 'app.info': Error: refused: sent from a subframe");
    };
    await expect(api.call('app.info', {})).rejects.toThrow(/^refused: sent from a subframe$/);
  });
  it('rejects a malformed answer', async () => {
    ipc.reply = async () => 'surprise';
    await expect(api.call('app.info', {})).rejects.toThrow('malformed response to "app.info"');
  });
  it('refuses unknown channels before sending anything', async () => {
    const loose = api as unknown as { call(channel: unknown, payload: unknown): Promise<unknown> };
    for (const channel of ['fs.readFile', 'constructor', '__proto__', 'toString', '', 42, null]) {
      await expect(loose.call(channel, {}), String(channel)).rejects.toThrow(/^unknown channel/);
    }
    expect(ipc.invoked).toEqual([]);
  });
  it('knows every request channel of the contract', async () => {
    for (const channel of REQUEST_CHANNELS) {
      await (api as unknown as { call(c: string, p: unknown): Promise<unknown> }).call(channel, {});
    }
    expect(ipc.invoked.map(([c]) => c)).toEqual([...REQUEST_CHANNELS]);
  });
});

describe('on', () => {
  it('passes the payload of a declared event, never the IpcRendererEvent', () => {
    const got: unknown[][] = [];
    api.on('menu.command', (...args: unknown[]) => got.push(args));
    ipc.emit('menu.command', { command: 'save' });
    expect(got).toEqual([[{ command: 'save' }]]);
  });
  it('subscribes to every declared event channel', () => {
    for (const event of EVENT_CHANNELS) api.on(event, () => undefined);
    expect([...ipc.listeners.keys()]).toEqual([...EVENT_CHANNELS]);
  });
  it('unsubscribes (once) with the function it returned', () => {
    const got: unknown[] = [];
    const off = api.on('file.openPath', (p) => got.push(p));
    off();
    off();
    ipc.emit('file.openPath', { path: '/a.attractor.json' });
    expect(got).toEqual([]);
    expect(ipc.listeners.get('file.openPath')).toEqual([]);
  });
  it('refuses events outside EVENT_CHANNELS without subscribing', () => {
    const loose = api as unknown as { on(event: unknown, listener: unknown): unknown };
    for (const event of ['examples.list', 'ELECTRON_BROWSER_REQUIRE', 'window.close', '', undefined]) {
      expect(() => loose.on(event, () => undefined), String(event)).toThrow(/^unknown event/);
    }
    expect(() => loose.on('menu.command', 'not a function')).toThrow(TypeError);
    expect(ipc.listeners.size).toBe(0);
  });
});

describe('pathForFile', () => {
  it('is the path of a file from disk, and null otherwise', () => {
    const onDisk = { name: 'a.attractor.json' } as unknown as File;
    const inMemory = { name: 'b.attractor.json' } as unknown as File;
    paths.set(onDisk, '/home/u/a.attractor.json');
    paths.set(inMemory, '');
    expect(api.pathForFile(onDisk)).toBe('/home/u/a.attractor.json');
    expect(api.pathForFile(inMemory)).toBeNull();
    expect(api.pathForFile({} as File)).toBeNull();
  });
  it('tells main that the user chose the file, and only for files on disk', () => {
    const onDisk = { name: 'a.attractor.json' } as unknown as File;
    paths.set(onDisk, '/home/u/a.attractor.json');
    api.pathForFile(onDisk);
    api.pathForFile({ name: 'b' } as unknown as File);
    expect(ipc.sent).toEqual([[CHOSEN_PATH_CHANNEL, '/home/u/a.attractor.json']]);
  });
});

describe('the preload bundle', () => {
  it('is one small self-contained file that requires nothing but electron (a sandboxed preload can load nothing else) and carries no schemas', async () => {
    // As electron.vite.config.ts builds it: everything bundled (externalizeDeps: false), CommonJS, electron left out.
    const built = await build({
      configFile: false,
      logLevel: 'silent',
      root,
      build: {
        write: false,
        ssr: true,
        minify: false,
        lib: { entry: join(root, 'app/preload/index.ts'), formats: ['cjs'], fileName: 'index' },
        rollupOptions: { external: ['electron'] },
      },
      ssr: { noExternal: true },
    });
    const chunks = (Array.isArray(built) ? built[0]! : (built as RolldownOutput)).output.filter((o) => o.type === 'chunk');
    expect(chunks.map((c) => c.fileName)).toEqual(['index.cjs']);
    const code = chunks[0]!.code;
    const required = [...code.matchAll(/require\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/\bimport\s*\(/);
    // Channel names and the bridge only (≈4 kB): the payload schemas stay in main (app/shared/request-schemas.ts).
    // Importing them here once made this bundle 192 kB of Zod and engine command schemas.
    expect(code).not.toMatch(/safeParse|ZodType|\$ZodObject|runCommandSchema/);
    expect(code.length).toBeLessThan(16_000);
  });
});
