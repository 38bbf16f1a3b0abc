/**
 * The web-mode host: the built renderer over http and the services over a
 * WebSocket at /api, so the whole UI runs in an ordinary browser (headless
 * end-to-end tests, GPU boxes without a display).
 */
import { existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import type { EngineBackend, EventChannel, EventTypes } from '../shared/api.js';
import { createGraphChecker, createServices, type Handlers } from '../services/index.js';
import { RunRouter } from './run-router.js';
import { createHostEngine } from './engine.js';
import { attachApi, type ApiSocket } from './socket.js';
import { sendText, serveStatic } from './static.js';

export interface HostOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** The folder the browser may open graphs from and save graphs to. */
  readonly workspace: string;
  /** Recent files and autosaves. */
  readonly dataDir: string;
  /** The built renderer (`npx electron-vite build` writes it). */
  readonly rendererDir?: string;
  readonly examplesDir: string;
  /** Shown by app.info. */
  readonly version?: string;
  /** The engine worker's backend (default auto). */
  readonly engine?: EngineBackend;
}

export interface Host {
  /** Where a browser opens the UI, e.g. `http://127.0.0.1:5173/`. */
  readonly url: string;
  readonly port: number;
  broadcast<E extends EventChannel>(event: E, payload: EventTypes[E]): void;
  close(): Promise<void>;
}

/** The bundled graph check worker: next to this bundle (dist/), or in dist/ when running from source (tests). */
function checkWorkerScript(): string | undefined {
  for (const rel of ['./check-worker.mjs', '../../dist/check-worker.mjs']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return undefined;
}

async function folder(path: string, what: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`${what} ${path} is not a folder`);
  return realpath(path);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((ok, fail) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      fail(err);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      ok(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** How to reach a bound address from this machine's browser. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startHost(options: HostOptions): Promise<Host> {
  const host = options.host ?? '127.0.0.1';
  const rendererDir = await folder(resolve(options.rendererDir ?? 'out/renderer'), 'the built UI folder');
  const workspace = resolve(options.workspace);
  await folder(workspace, 'the workspace'); // kept as spelled: paths shown to the user start with it
  // The engine worker starts with the first engine.send; each event goes to the client whose run or request it answers.
  const wired: { api?: ApiSocket } = {};
  const engine = createHostEngine({ baseDir: workspace, backend: options.engine, broadcast: (_event, payload) => router.route(payload.event) });
  const router = new RunRouter({
    send: (command) => engine.link.send(command),
    deliver: (client, event) => wired.api?.sendTo(client, 'engine.event', { event }),
    clients: () => wired.api?.clients() ?? [],
  });
  const checker = createGraphChecker(checkWorkerScript());
  const handlers = createServices({
    mode: 'web',
    checker,
    version: options.version ?? 'dev',
    dataDir: resolve(options.dataDir),
    examplesDir: resolve(options.examplesDir),
    workspace,
    engine: engine.link,
  });
  /** The services, with engine commands routed as the sending client's (run-router.ts). */
  const handlersFor = (client: string): Handlers => ({
    ...handlers,
    'engine.send': async ({ command }) => router.send(client, command),
    'engine.configure': async (request) => {
      try {
        await handlers['engine.configure'](request);
      } catch (err) {
        throw new Error(router.scrub(client, (err as Error).message));
      }
    },
  });

  const server = createServer((req, res) => {
    serveStatic(rendererDir, req, res).catch((err: unknown) => {
      console.error('web host: a request failed', err);
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  });
  let port = options.port;
  const socket = attachApi(server, { handlersFor, gone: (client) => router.clientGone(client) }, host, () => port);
  wired.api = socket;
  try {
    port = await listen(server, options.port, host);
  } catch (err) {
    socket.close();
    await engine.stop();
    throw err;
  }

  return {
    url: `http://${urlHost(host)}:${port}/`,
    port,
    broadcast: (event, payload) => socket.broadcast(event, payload),
    close: () =>
      Promise.all([
        new Promise<void>((ok) => {
          socket.close();
          server.close(() => ok());
          server.closeAllConnections();
        }),
        engine.stop().catch((err: unknown) => console.error('web host: stopping the engine failed', err)),
        checker.close(),
      ]).then(() => undefined),
  };
}
