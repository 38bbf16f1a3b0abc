// The browser's client (app/renderer/src/api/web-client.ts) against the real host.
// Node 20 has no global WebSocket: `ws` stands in, sending the Origin a browser
// would send for a page this host served.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { WebSocket as NodeWebSocket } from 'ws';
import { connectWebApi } from '../../../app/renderer/src/api/web-client.js';
import type { MenuCommand } from '../../../app/shared/api.js';
import { startTestHost, type TestHost } from './helpers.js';

let t: TestHost;
const savedWebSocket = globalThis.WebSocket;

/** A global WebSocket like a browser's on a page with this origin. */
function browserWebSocket(origin: string): void {
  class PageWebSocket extends NodeWebSocket {
    constructor(url: string | URL) {
      super(url, { origin });
    }
  }
  globalThis.WebSocket = PageWebSocket as unknown as typeof WebSocket;
}

beforeAll(async () => (t = await startTestHost()));
afterAll(() => t.cleanup());
afterEach(() => {
  globalThis.WebSocket = savedWebSocket;
});

describe('connectWebApi', () => {
  it('turns the page URL into the socket URL and answers calls', async () => {
    browserWebSocket(t.origin);
    const api = await connectWebApi(new URL('api', t.host.url));
    const info = await api.call('app.info', {});
    expect(info).toMatchObject({ mode: 'web', version: '1.2.3' });
    const [examples, recent] = await Promise.all([api.call('examples.list', {}), api.call('file.recent', {})]);
    expect(examples.length).toBeGreaterThan(0);
    expect(recent).toEqual([]);
    expect(await api.call('file.clearRecent', {})).toBeUndefined();
    expect(api.pathForFile(new Blob([]) as File)).toBeNull();
  });

  it('rejects a failed call with the host message', async () => {
    browserWebSocket(t.origin);
    const api = await connectWebApi(new URL('api', t.host.url));
    await expect(api.call('file.open', {})).rejects.toThrow(/workspace list/);
    // A payload the types forbid still gets the host's schema check.
    await expect(api.call('file.open', { path: 42 } as unknown as { path: string })).rejects.toThrow(/bad payload/);
  });

  it('delivers events to listeners until they unsubscribe', async () => {
    browserWebSocket(t.origin);
    const api = await connectWebApi(new URL('api', t.host.url));
    const seen: MenuCommand[] = [];
    const off = api.on('menu.command', ({ command }) => seen.push(command));
    api.on('menu.command', () => {
      throw new Error('a broken listener');
    });
    t.host.broadcast('menu.command', { command: 'save' });
    await api.call('app.info', {}); // the event was sent first, so it has arrived by now
    off();
    t.host.broadcast('menu.command', { command: 'undo' });
    await api.call('app.info', {});
    expect(seen).toEqual(['save']);
  });

  it('rejects pending and later calls when the host goes away', async () => {
    const own = await startTestHost();
    try {
      browserWebSocket(own.origin);
      const api = await connectWebApi(new URL('api', own.host.url));
      const pending = api.call('examples.list', {});
      await own.host.close();
      await expect(pending).rejects.toThrow('connection to the Attractor Studio host was lost');
      await expect(api.call('app.info', {})).rejects.toThrow('connection to the Attractor Studio host was lost');
    } finally {
      await own.cleanup();
    }
  });

  it('rejects with a clear message when it cannot connect', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
    const { port } = probe.address() as AddressInfo;
    await new Promise((ok) => probe.close(ok));
    browserWebSocket(t.origin);
    await expect(connectWebApi(new URL(`http://127.0.0.1:${port}/api`))).rejects.toThrow(`cannot connect to the Attractor Studio host at ws://127.0.0.1:${port}/api`);
    browserWebSocket('http://evil.example');
    await expect(connectWebApi(new URL('api', t.host.url))).rejects.toThrow(/cannot connect/);
  });
});
