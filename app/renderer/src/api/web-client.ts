/**
 * The API over a WebSocket, for the web mode: the page was served by the
 * Attractor Studio host (app/web/), which answers the same channels as the
 * Electron main process. Browser code only.
 *
 * Wire format (JSON text frames):
 *   → { type: 'call', id, channel, payload }
 *   ← { type: 'result', id, ok: true, value } | { type: 'result', id, ok: false, error }
 *   ← { type: 'event', event, payload }
 */
import type { AttractorApi, EventChannel, EventTypes, RequestChannel, RequestPayload, Response } from '../../../shared/api.js';

const LOST = 'connection to the Attractor Studio host was lost';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type Listener = (payload: unknown) => void;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `http://host/api` → `ws://host/api` (and https → wss), so the page's own address gives the socket's. */
function socketUrl(url: URL): URL {
  const out = new URL(url.href);
  if (out.protocol === 'http:') out.protocol = 'ws:';
  else if (out.protocol === 'https:') out.protocol = 'wss:';
  return out;
}

/** Resolves once the socket is open; rejects with a message the UI can show when the host cannot be reached. */
export function connectWebApi(url: URL): Promise<AttractorApi> {
  const target = socketUrl(url);
  return new Promise<AttractorApi>((resolveApi, rejectApi) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(target);
    } catch (err) {
      rejectApi(new Error(`cannot connect to the Attractor Studio host at ${target.href}: ${(err as Error).message}`));
      return;
    }

    const pending = new Map<number, Pending>();
    const listeners = new Map<string, Set<Listener>>();
    let nextId = 1;
    let open = false;
    let closed = false;

    const api: AttractorApi = {
      call<C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<Response<C>> {
        if (closed) return Promise.reject(new Error(LOST));
        const id = nextId++;
        return new Promise<Response<C>>((resolve, reject) => {
          let text: string;
          try {
            text = JSON.stringify({ type: 'call', id, channel, payload });
          } catch (err) {
            reject(new Error(`cannot send "${channel}": ${(err as Error).message}`));
            return;
          }
          pending.set(id, { resolve: (value) => resolve(value as Response<C>), reject });
          socket.send(text);
        });
      },
      on<E extends EventChannel>(event: E, listener: (payload: EventTypes[E]) => void): () => void {
        const set = listeners.get(event) ?? new Set<Listener>();
        listeners.set(event, set);
        const wrapped: Listener = (payload) => listener(payload as EventTypes[E]);
        set.add(wrapped);
        return () => {
          set.delete(wrapped);
        };
      },
      // A browser never reveals where a dropped file lives on disk; the UI reads its text instead (file.openText).
      pathForFile: () => null,
    };

    socket.addEventListener('open', () => {
      open = true;
      resolveApi(api);
    });

    socket.addEventListener('message', (ev: MessageEvent) => {
      let msg: unknown;
      try {
        msg = JSON.parse(typeof ev.data === 'string' ? ev.data : '');
      } catch {
        console.warn('Attractor Studio host sent a message that is not JSON; ignored');
        return;
      }
      if (!isRecord(msg)) return;
      if (msg.type === 'result' && typeof msg.id === 'number') {
        const call = pending.get(msg.id);
        if (!call) return;
        pending.delete(msg.id);
        if (msg.ok === true) call.resolve(msg.value);
        else call.reject(new Error(typeof msg.error === 'string' ? msg.error : 'the host reported an error without a message'));
      } else if (msg.type === 'result') {
        // A reply to a message the host could not even read: no call to settle, but worth a trace.
        console.warn(`Attractor Studio host: ${String(msg.error)}`);
      } else if (msg.type === 'event' && typeof msg.event === 'string') {
        for (const listener of [...(listeners.get(msg.event) ?? [])]) {
          // One failing listener must not keep the event from the others.
          try {
            listener(msg.payload);
          } catch (err) {
            console.error(`a listener for "${msg.event}" failed`, err);
          }
        }
      }
    });

    // 'error' carries no reason in browsers and is always followed by 'close', so all the handling is there;
    // listening anyway keeps WebSocket implementations built on event emitters (Node's `ws`) from throwing.
    socket.addEventListener('error', () => undefined);
    socket.addEventListener('close', () => {
      closed = true;
      if (!open) {
        rejectApi(new Error(`cannot connect to the Attractor Studio host at ${target.href}: is it still running?`));
        return;
      }
      const failed = [...pending.values()];
      pending.clear();
      for (const call of failed) call.reject(new Error(LOST));
    });
  });
}
