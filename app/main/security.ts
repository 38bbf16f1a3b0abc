/**
 * The security policy of the desktop app, as pure data and functions over small
 * structural types, so that every item can be unit tested without launching
 * Electron (test/app/main/security.test.ts).
 *
 * The threat model is Electron's checklist: the renderer shows graph files that
 * come from anywhere, so treat its content as untrusted. It runs sandboxed with
 * context isolation and no Node; it may only show our own page (no navigation,
 * no new windows, no <webview>), it gets no web permissions, and the CSP keeps
 * it from running code that did not ship with the app. What it can do is call
 * the narrow API of app/preload, and app/main/ipc.ts checks every such call.
 *
 * Nothing here imports Electron values (types only): the `electron` npm
 * package cannot be loaded outside the Electron binary.
 */
import { fileURLToPath } from 'node:url';
import type { WebPreferences } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../shared/csp.js';
import { APP_ENTRY_URL, isAppOrigin } from './app-protocol.js';

// ---- webPreferences ------------------------------------------------------------

/**
 * The webPreferences of every window we create. Most are Electron's defaults
 * already; they are spelled out so that a default changing, or someone copying
 * a template that turns the sandbox off, shows up in review and in the tests.
 * DevTools are off unless asked for (the caller passes `!app.isPackaged`).
 */
export function secureWebPreferences(preloadPath: string, options: { devTools?: boolean } = {}): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    devTools: options.devTools ?? false,
  };
}

// ---- Content-Security-Policy ---------------------------------------------------

/** Response headers with our CSP replacing any the response carried (header names are case-insensitive). */
export function withCspHeader(headers: Record<string, string | string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}

// ---- what counts as our page ---------------------------------------------------

/** Where the renderer is loaded from: app://studio/ serving the built folder, or the electron-vite dev server in development. */
export interface AppLocation {
  /** Absolute path of out/renderer/, the only folder app:// serves (app-protocol.ts). */
  readonly rendererDir: string;
  /** `ELECTRON_RENDERER_URL`, honoured only in unpackaged (development) runs. */
  readonly devServerUrl?: string;
}

/**
 * Where this build's renderer lives: out/renderer/ next to out/main/ (inside
 * app.asar when packaged), or the dev server.
 */
export function appLocation(env: NodeJS.ProcessEnv, packaged: boolean): AppLocation {
  const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url)).replace(/[\\/]$/, '');
  const devServerUrl = env['ELECTRON_RENDERER_URL'];
  return !packaged && devServerUrl ? { rendererDir, devServerUrl } : { rendererDir };
}

/** The URL the window loads. */
export function appEntryUrl(location: AppLocation): string {
  return location.devServerUrl ?? APP_ENTRY_URL;
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True only for our own page: app://studio/ or app://studio/index.html (any query or
 * hash), or, in development, a page of the dev server's origin. `file:` URLs (the
 * renderer is not served from there any more), other origins, `about:`, `data:`,
 * `blob:` and `javascript:` URLs are not ours.
 */
export function isAppUrl(url: string, location: AppLocation): boolean {
  const u = parseUrl(url);
  if (!u) return false;
  if (isAppOrigin(url)) return u.pathname === '/' || u.pathname === '/index.html';
  if (location.devServerUrl) {
    const dev = parseUrl(location.devServerUrl);
    return dev !== null && (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === dev.origin;
  }
  return false;
}

/** Links the user may open in their browser: https only (no http, file, custom schemes or credentials in the URL). */
export function isExternalLink(url: string): boolean {
  const u = parseUrl(url);
  return u !== null && u.protocol === 'https:' && u.username === '' && u.password === '';
}

// ---- the parts of WebContents and Session we use ------------------------------

export interface PreventableEvent {
  preventDefault(): void;
}
export interface NavigationEvent extends PreventableEvent {
  readonly url: string;
}

/** The part of Electron's WebContents that installSecurity touches. */
export interface GuardedWebContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'devtools-opened', listener: () => void): unknown;
  setWindowOpenHandler(handler: (details: { readonly url: string }) => { action: 'deny' }): void;
  closeDevTools(): void;
}

/** The part of Electron's Session that installSecurity touches. */
export interface GuardedSession {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  readonly webRequest: {
    onHeadersReceived(
      listener: (
        details: { readonly responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
      ) => void,
    ): void;
  };
}

export interface SecurityOptions {
  readonly location: AppLocation;
  /** DevTools may open (development only). */
  readonly devTools: boolean;
  /** Opens an https link in the browser (index.ts: `askBeforeOpening`, then `shell.openExternal`); called only with https URLs. */
  readonly openExternal: (url: string) => unknown;
  readonly log?: (message: string) => void;
}

/** The question asked before a link leaves the app: the whole address, its host named apart so a look-alike shows. */
export function externalLinkQuestion(url: string): { type: 'question'; buttons: string[]; defaultId: number; cancelId: number; message: string; detail: string } {
  const host = new URL(url).host;
  return { type: 'question', buttons: ['Open in browser', 'Cancel'], defaultId: 1, cancelId: 1, message: `Open a page of ${host} in your browser?`, detail: url };
}

/**
 * `openExternal` for SecurityOptions that asks first: a link in a graph's text or a
 * message is not the user's choice until they say so. `ask` answers true to open.
 */
export function askBeforeOpening(ask: (url: string) => Promise<boolean>, open: (url: string) => unknown): (url: string) => Promise<void> {
  return async (url) => {
    if (await ask(url)) await open(url);
  };
}

const guardedSessions = new WeakSet<object>();

/**
 * Applies the policy to one WebContents and its session. Called from
 * app.on('web-contents-created') so it covers every WebContents Electron
 * makes, including ones we did not create ourselves.
 */
export function installSecurity(contents: GuardedWebContents, session: GuardedSession, options: SecurityOptions): void {
  const log = options.log ?? ((message: string) => console.warn(`[security] ${message}`));
  const short = (url: string) => JSON.stringify(url.length > 200 ? `${url.slice(0, 200)}…` : url);

  // Our page never navigates: a navigation elsewhere is a link clicked in the
  // wrong place at best, and a way out of our CSP at worst. Reloading our own
  // page (dev HMR, a renderer crash recovery) stays allowed.
  const guardNavigation = (kind: string) => (event: NavigationEvent) => {
    if (isAppUrl(event.url, options.location)) return;
    event.preventDefault();
    log(`refused ${kind} to ${short(event.url)}`);
  };
  contents.on('will-navigate', guardNavigation('navigation'));
  contents.on('will-redirect', guardNavigation('redirect'));

  // No new Electron windows from page content: https links go to the user's
  // browser, everything else is dropped.
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void Promise.resolve(options.openExternal(url)).catch(() => undefined);
    else log(`refused window.open of ${short(url)}`);
    return { action: 'deny' };
  });

  // webviewTag is off already; refusing here also covers a WebContents created with other preferences.
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('refused to attach a <webview>');
  });

  if (!options.devTools) {
    // Belt and braces for packaged builds: webPreferences.devTools is false too.
    contents.on('devtools-opened', () => contents.closeDevTools());
  }

  if (guardedSessions.has(session)) return;
  guardedSessions.add(session);

  // The editor needs no camera, microphone, notifications, geolocation, HID,
  // clipboard-read, ... Deny every request and answer every check "no".
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`denied permission request "${permission}"`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);

  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders) });
  });
}
