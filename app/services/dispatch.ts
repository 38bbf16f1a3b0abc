/**
 * The one entry both hosts call for a request from the UI (Electron main over
 * IPC, the web host over its WebSocket): the payload is checked against the
 * channel's schema before any service sees it, and whatever goes wrong comes
 * back as a message, never as an exception (or a stack trace) crossing the API.
 */
import { parseRequest } from '../shared/request-schemas.js';
import type { Handlers } from './types.js';
import { errorMessage } from './results.js';

export type DispatchResult = { ok: true; value: unknown } | { ok: false; error: string };

export async function dispatch(handlers: Handlers, channel: unknown, payload: unknown): Promise<DispatchResult> {
  const parsed = parseRequest(channel, payload);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  // parseRequest checked the payload against this very channel's schema, which is the handler's parameter type.
  const handler = handlers[parsed.channel] as (payload: unknown) => Promise<unknown>;
  try {
    return { ok: true, value: await handler(parsed.payload) };
  } catch (err) {
    const message = errorMessage(err).trim();
    return { ok: false, error: message === '' ? `"${parsed.channel}" failed` : message };
  }
}
