/** A real web host on a free port, over a temp workspace and a tiny stand-in for the built renderer. */
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket, type RawData } from 'ws';
import { startHost, type Host } from '../../../app/web/server.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const INDEX_HTML = '<!doctype html><html><head><title>Attractor Studio</title></head><body><div id="root"></div></body></html>\n';
/** The first bytes of every wasm module. */
export const WASM_BYTES = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

export interface TestHost {
  readonly host: Host;
  readonly dir: string;
  readonly workspace: string;
  /** What a page served by this host sends as its Origin. */
  readonly origin: string;
  readonly wsUrl: string;
  cleanup(): Promise<void>;
}

export async function startTestHost(): Promise<TestHost> {
  const dir = await mkdtemp(join(tmpdir(), 'attractor-host-'));
  const renderer = join(dir, 'renderer');
  const workspace = join(dir, 'workspace');
  await mkdir(join(renderer, 'assets'), { recursive: true });
  await mkdir(workspace);
  await writeFile(join(renderer, 'index.html'), INDEX_HTML);
  await writeFile(join(renderer, 'assets', 'app.js'), 'console.log("hi");\n');
  await writeFile(join(renderer, 'assets', 'tfjs-backend-wasm.wasm'), WASM_BYTES);
  await writeFile(join(dir, 'secret.txt'), 'not for the browser\n');
  await symlink(join(dir, 'secret.txt'), join(renderer, 'assets', 'leak.txt'));

  const host = await startHost({
    port: 0,
    workspace,
    dataDir: join(dir, 'data'),
    rendererDir: renderer,
    examplesDir: join(REPO_ROOT, 'examples'),
    version: '1.2.3',
  });
  const origin = `http://127.0.0.1:${host.port}`;
  return {
    host,
    dir,
    workspace,
    origin,
    wsUrl: `ws://127.0.0.1:${host.port}/api`,
    cleanup: async () => {
      await host.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with the path sent exactly as written (fetch and URL would normalize `..` away). */
export function get(port: number, path: string, method = 'GET'): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket; rejects with the HTTP status when the handshake is refused. */
export function connect(url: string, origin: string | undefined, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ...(origin === undefined ? {} : { origin }), headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`refused with HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** The next JSON message on `ws`. */
export function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (data: RawData) => resolve(JSON.parse(String(data)) as Record<string, unknown>)));
}

/** One call over the wire protocol, resolved with the host's result message. */
export function rpc(ws: WebSocket, id: number, channel: string, payload: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: RawData) => {
      const msg = JSON.parse(String(data)) as Record<string, unknown>;
      if (msg.type === 'result' && msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'call', id, channel, payload }));
  });
}
