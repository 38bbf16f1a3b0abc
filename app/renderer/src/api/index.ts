/**
 * The API the UI calls: `window.api` when the Electron preload put it there,
 * otherwise a WebSocket client to the web-mode host that served this page.
 */
import type { AttractorApi } from '../../../shared/api.js';
import { connectWebApi } from './web-client.js';

declare global {
  interface Window {
    api?: AttractorApi;
  }
}

let pending: Promise<AttractorApi> | undefined;

export function getApi(): Promise<AttractorApi> {
  pending ??= window.api ? Promise.resolve(window.api) : connectWebApi(new URL('api', window.location.href));
  return pending as Promise<AttractorApi>;
}
