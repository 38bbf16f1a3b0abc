/**
 * The API over a WebSocket at `/api`: the web-mode twin of Electron's IPC.
 *
 * Any web page the user visits can open a WebSocket to 127.0.0.1, so the
 * handshake is refused unless its Origin is the page this host served (and,
 * on a loopback address, the Host header is a loopback name too, which stops
 * DNS rebinding: a hostile name pointed at 127.0.0.1 sends its own name).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { EventChannel, EventTypes } from '../shared/api.js';
import { dispatch, type Handlers } from '../services/index.js';

export const API_PATH = '/api';
/** Graph files may be up to 50 MB (engine/format/load.ts); a message carries one plus its envelope. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const LOOPBACK_NAMES = new Set(['localhost', '[::1]']);

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Why this handshake is refused, or undefined to accept it. */
export function refuseOrigin(req: IncomingMessage, boundHost: string, port: number): string | undefined {
  const origin = req.headers.origin?.toLowerCase();
  const hostHeader = req.headers.host?.toLowerCase();
  if (!origin) return 'no Origin header';
  if (!hostHeader) return 'no Host header';
  if (origin !== `http://${hostHeader}`) return `Origin ${origin} is not this host (http://${hostHeader})`;
  let hostname: string;
  let hostPort: string;
  try {
    ({ hostname, port: hostPort } = new URL(origin));
  } catch {
    return `Origin ${origin} is not a URL`;
  }
  if ((hostPort || '80') !== String(port)) return `Origin ${origin} is not on port ${port}`;
  if (isLoopback(boundHost) && !LOOPBACK_NAMES.has(hostname) && !isLoopback(hostname)) {
    return `Origin ${origin} is not a loopback name, but this host listens on ${boundHost} only`;
  }
  return undefined;
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.on('error', () => undefined); // the client may already be gone; nothing to report
  socket.end(
    `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function text(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function send(ws: WebSocket, message: unknown): void {
  // A client that left before its answer was ready needs no answer.
  if (ws.readyState !== WebSocket.OPEN) return;
  let json: string;
  try {
    json = JSON.stringify(message);
  } catch (err) {
    const id = isRecord(message) ? message.id : null;
    json = JSON.stringify({ type: 'result', id, ok: false, error: `the answer could not be encoded: ${(err as Error).message}` });
  }
  ws.send(json);
}

async function onMessage(ws: WebSocket, handlers: Handlers, data: RawData, isBinary: boolean): Promise<void> {
  const fail = (id: unknown, error: string) => send(ws, { type: 'result', id: typeof id === 'number' ? id : null, ok: false, error });
  if (isBinary) return fail(null, 'malformed message: expected JSON text, got a binary frame');
  let msg: unknown;
  try {
    msg = JSON.parse(text(data));
  } catch {
    return fail(null, 'malformed message: not valid JSON');
  }
  if (!isRecord(msg) || msg.type !== 'call' || typeof msg.id !== 'number' || !Number.isFinite(msg.id)) {
    const id = isRecord(msg) ? msg.id : null;
    return fail(id, 'malformed message: expected {"type": "call", "id": <number>, "channel": <string>, "payload": <object>}');
  }
  const result = await dispatch(handlers, msg.channel, msg.payload);
  send(ws, { type: 'result', id: msg.id, ...result });
}

export interface ApiSocket {
  broadcast<E extends EventChannel>(event: E, payload: EventTypes[E]): void;
  /** To one connection only (its engine events: app/web/run-router.ts). */
  sendTo<E extends EventChannel>(client: string, event: E, payload: EventTypes[E]): void;
  /** The connections open now, by id. */
  clients(): string[];
  close(): void;
}

export interface ApiClients {
  /** The handlers one connection is served by (its engine commands carry who sent them). */
  readonly handlersFor: (client: string) => Handlers;
  /** A connection closed. */
  readonly gone?: (client: string) => void;
}

/** Serves the API to WebSocket clients of `server` that pass the origin check, each connection with its own id. */
export function attachApi(server: Server, api: ApiClients, boundHost: string, port: () => number): ApiSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const byId = new Map<string, WebSocket>();
  let count = 0;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== API_PATH) return rejectUpgrade(socket, 404, `no WebSocket endpoint at ${path}`);
    const refused = refuseOrigin(req, boundHost, port());
    if (refused) return rejectUpgrade(socket, 403, `refused: ${refused}`);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const id = `client-${++count}`;
    byId.set(id, ws);
    const handlers = api.handlersFor(id);
    // Errors (an oversized message, a reset) close that one connection; they must not reach the process.
    ws.on('error', () => undefined);
    ws.on('close', () => {
      byId.delete(id);
      api.gone?.(id);
    });
    ws.on('message', (data, isBinary) => {
      onMessage(ws, handlers, data, isBinary).catch((err: unknown) => console.error('web host: a message failed', err));
    });
  });

  return {
    broadcast(event, payload) {
      for (const client of wss.clients) send(client, { type: 'event', event, payload });
    },
    sendTo(client, event, payload) {
      const ws = byId.get(client);
      if (ws) send(ws, { type: 'event', event, payload });
    },
    clients: () => [...byId.keys()],
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
