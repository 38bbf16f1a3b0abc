// The security policy of the desktop app (app/main/security.ts), item by item.
//
// The real Electron cannot run on CI machines (no Electron binary, no
// display), so these tests exercise the pure policy and drive installSecurity
// through fakes (./fakes.ts) that stand for a WebContents and its Session:
// they record the listeners and handlers the policy installed, and the tests
// fire navigation, window.open, webview and permission events at them the way
// Electron would. `tsc` checks that the real WebContents/Session fit the same
// structural types (app/main/index.ts passes them in).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMENT_PLUGIN_STYLE_HASH, CONTENT_SECURITY_POLICY, EMPTY_STYLE_HASH, META_CONTENT_SECURITY_POLICY } from '../../../app/shared/csp.js';
import {
  appEntryUrl,
  appLocation,
  askBeforeOpening,
  externalLinkQuestion,
  installSecurity,
  isAppUrl,
  isExternalLink,
  secureWebPreferences,
  withCspHeader,
  type AppLocation,
} from '../../../app/main/security.js';
import { APP_ENTRY_URL } from '../../../app/main/app-protocol.js';
import { FakeEvent, FakeSession, FakeWebContents } from './fakes.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const location: AppLocation = { rendererDir: join(root, 'out', 'renderer') };
const appUrl = APP_ENTRY_URL;

function setup(options: { devTools?: boolean; location?: AppLocation } = {}) {
  const contents = new FakeWebContents();
  const session = new FakeSession();
  const opened: string[] = [];
  const logged: string[] = [];
  installSecurity(contents, session, {
    location: options.location ?? location,
    devTools: options.devTools ?? false,
    openExternal: (url) => opened.push(url),
    log: (message) => logged.push(message),
  });
  return { contents, session, opened, logged };
}

/** The directives of a CSP string, name → sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0] !== '')
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('webPreferences', () => {
  const prefs = secureWebPreferences('/app/out/preload/index.cjs');

  it('isolates the preload from the page (contextIsolation on)', () => {
    expect(prefs.contextIsolation).toBe(true);
  });
  it('sandboxes the renderer', () => {
    expect(prefs.sandbox).toBe(true);
  });
  it('gives the page and its workers no Node', () => {
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });
  it('keeps web security and refuses insecure content', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
  });
  it('has no <webview>, spellcheck or experimental features', () => {
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.spellcheck).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
  });
  it('turns on no Blink or Chromium feature by name', () => {
    expect(Object.keys(prefs)).not.toContain('enableBlinkFeatures');
    expect(Object.keys(prefs)).not.toContain('enableWebSQL');
    expect(prefs.navigateOnDragDrop).toBe(false);
  });
  it('loads our preload, and DevTools only when asked for (development)', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
    expect(prefs.devTools).toBe(false);
    expect(secureWebPreferences('/p.cjs', { devTools: true }).devTools).toBe(true);
  });
});

describe('Content-Security-Policy', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it('runs only our scripts: script-src is exactly self + wasm-unsafe-eval, no unsafe-eval or unsafe-inline', () => {
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
    expect(csp.get('default-src')).toEqual(["'self'"]);
  });
  it('allows no inline styles but two by hash: the empty <style> styled-components fills through CSSOM, and the comment plugin\'s sheet', () => {
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-inline'");
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
    expect(EMPTY_STYLE_HASH).toBe(hash(''));
    // The very stylesheet the installed rete-comment-plugin injects (its ___$insertStyle argument).
    const plugin = readFileSync(join(root, 'node_modules', 'rete-comment-plugin', 'rete-comment-plugin.esm.js'), 'utf8');
    const literal = /___\$insertStyle\(("(?:[^"\\]|\\.)*")\)/.exec(plugin);
    expect(literal, 'rete-comment-plugin still injects one stylesheet literal').not.toBeNull();
    expect(COMMENT_PLUGIN_STYLE_HASH).toBe(hash(JSON.parse(literal![1]) as string));
    expect(csp.get('style-src')).toEqual(["'self'", EMPTY_STYLE_HASH, COMMENT_PLUGIN_STYLE_HASH]);
  });
  it('allows no plugins, no <base> and no form posts, and may not be framed', () => {
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });
  it('connects only to ourselves and to a local web-mode socket', () => {
    for (const source of csp.get('connect-src') ?? []) {
      expect(source).toMatch(/^(?:'self'|ws:\/\/(?:127\.0\.0\.1|localhost):\*)$/);
    }
  });
  it('is the meta tag of app/renderer/index.html plus frame-ancestors (a header-only directive)', () => {
    const html = readFileSync(join(root, 'app', 'renderer', 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    expect(meta, 'app/renderer/index.html has a CSP meta tag').not.toBeNull();
    expect(meta![1]).toBe(META_CONTENT_SECURITY_POLICY);
    expect(meta![1]).not.toContain('frame-ancestors');
  });
  it('is sent as a response header, replacing any CSP the response had', () => {
    const { session } = setup();
    let headers: Record<string, string | string[]> | undefined;
    session.headersListener!(
      { responseHeaders: { 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] } },
      (response) => (headers = response.responseHeaders),
    );
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(withCspHeader(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});

describe('what counts as our page', () => {
  it('is our index.html on app://studio/, with any query or hash', () => {
    expect(appUrl).toBe('app://studio/index.html');
    expect(isAppUrl(appUrl, location)).toBe(true);
    expect(isAppUrl('app://studio/', location)).toBe(true);
    expect(isAppUrl(`${appUrl}?x=1#/graph`, location)).toBe(true);
  });
  it('is not another page of our origin, another host, the file URL of the renderer, or a malformed URL', () => {
    expect(isAppUrl('app://studio/other.html', location)).toBe(false);
    expect(isAppUrl('app://evil/index.html', location)).toBe(false);
    expect(isAppUrl('app://user:pw@studio/index.html', location)).toBe(false);
    // The renderer is no longer a file:// page: its file URL is as foreign as any other.
    expect(isAppUrl(pathToFileURL(join(location.rendererDir, 'index.html')).href, location)).toBe(false);
    expect(isAppUrl(pathToFileURL('/etc/passwd').href, location)).toBe(false);
    for (const url of ['https://evil.example/', 'about:blank', 'data:text/html,<b>x</b>', 'javascript:alert(1)', 'not a url', '']) {
      expect(isAppUrl(url, location), url).toBe(false);
    }
  });
  it('includes the dev server origin only when one is configured', () => {
    const dev: AppLocation = { ...location, devServerUrl: 'http://localhost:5173' };
    expect(isAppUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://localhost:5173/', location)).toBe(false);
  });
  it('honours ELECTRON_RENDERER_URL in development only', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' };
    expect(appLocation(env, false).devServerUrl).toBe('http://localhost:5173');
    expect(appLocation(env, true).devServerUrl).toBeUndefined();
    // Built layout: out/main/index.js serves out/renderer/ (here, next to app/main: app/renderer).
    expect(appLocation({}, true).rendererDir).toBe(join(root, 'app', 'renderer'));
    expect(appEntryUrl(appLocation(env, false))).toBe('http://localhost:5173');
    // A packaged app's location is app://studio/ only, whatever the environment says.
    const packaged = appLocation(env, true);
    expect(appEntryUrl(packaged)).toBe(APP_ENTRY_URL);
    expect(isAppUrl(APP_ENTRY_URL, packaged)).toBe(true);
    expect(isAppUrl('http://localhost:5173/', packaged)).toBe(false);
  });
  it('opens only https links externally', () => {
    expect(isExternalLink('https://example.org/docs')).toBe(true);
    for (const url of ['http://example.org/', 'file:///etc/passwd', 'smb://host/share', 'https://user:pw@example.org/', 'javascript:x']) {
      expect(isExternalLink(url), url).toBe(false);
    }
  });
});

describe('installSecurity on a WebContents', () => {
  it('refuses navigation away from our page', () => {
    const { contents, logged } = setup();
    expect(contents.emit('will-navigate', new FakeEvent('https://evil.example')).prevented).toBe(true);
    expect(contents.emit('will-navigate', new FakeEvent('file:///etc/passwd')).prevented).toBe(true);
    expect(logged.some((m) => m.includes('https://evil.example'))).toBe(true);
  });
  it('allows navigation to our own page (reload)', () => {
    const { contents } = setup();
    expect(contents.emit('will-navigate', new FakeEvent(appUrl)).prevented).toBe(false);
  });
  it('refuses redirects away from our page', () => {
    const { contents } = setup();
    expect(contents.emit('will-redirect', new FakeEvent('https://evil.example')).prevented).toBe(true);
    expect(contents.emit('will-redirect', new FakeEvent(appUrl)).prevented).toBe(false);
  });
  it('denies window.open, sending https links to the browser and dropping the rest', () => {
    const { contents, opened } = setup();
    expect(contents.openHandler!({ url: 'https://example.org/paper.pdf' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'http://example.org/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: appUrl })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.org/paper.pdf']);
  });
  it('asks before a link leaves the app, naming its host, and opens it only on yes', async () => {
    const asked: string[] = [];
    const opened: string[] = [];
    let answer = false;
    const open = askBeforeOpening(
      async (url) => (asked.push(url), answer),
      (url) => opened.push(url),
    );
    await open('https://example.org/paper.pdf');
    expect(asked).toEqual(['https://example.org/paper.pdf']);
    expect(opened).toEqual([]);
    answer = true;
    await open('https://example.org/paper.pdf');
    expect(opened).toEqual(['https://example.org/paper.pdf']);
    expect(externalLinkQuestion('https://exarnple.org/x?y=1')).toMatchObject({ message: 'Open a page of exarnple.org in your browser?', detail: 'https://exarnple.org/x?y=1', cancelId: 1, defaultId: 1 });
  });
  it('refuses to attach a <webview>', () => {
    const { contents } = setup();
    expect(contents.emit('will-attach-webview').prevented).toBe(true);
  });
  it('closes DevTools in packaged builds and leaves them in development', () => {
    const packaged = setup({ devTools: false });
    packaged.contents.emit('devtools-opened');
    expect(packaged.contents.devToolsClosed).toBe(1);
    const dev = setup({ devTools: true });
    dev.contents.emit('devtools-opened');
    expect(dev.contents.devToolsClosed).toBe(0);
  });
});

describe('installSecurity on a Session', () => {
  const permissions = ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid', 'serial', 'usb', 'openExternal', 'fullscreen', 'unknown'];

  it('denies every permission request', () => {
    const { session } = setup();
    for (const permission of permissions) {
      const answers: boolean[] = [];
      session.requestHandler!(null, permission, (granted) => answers.push(granted));
      expect(answers, permission).toEqual([false]);
    }
  });
  it('answers every permission check "no"', () => {
    const { session } = setup();
    for (const permission of permissions) expect(session.checkHandler!(null, permission), permission).toBe(false);
  });
  it('guards a session once, however many WebContents share it', () => {
    const contents = new FakeWebContents();
    const session = new FakeSession();
    const options = { location, devTools: false, openExternal: () => undefined, log: () => undefined };
    installSecurity(contents, session, options);
    session.requestHandler = undefined;
    installSecurity(new FakeWebContents(), session, options);
    expect(session.requestHandler).toBeUndefined();
    // ...while each WebContents gets its own guards.
    expect(contents.openHandler).toBeDefined();
  });
});

describe('the fuses of packaged builds (electron-builder.yml)', () => {
  /** The `electronFuses:` block as written: one `name: value` per indented line. */
  const fuses = (() => {
    const text = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    const block = /^electronFuses:\n((?: {2}(?:\w+: \w+|# .*)\n)+)/m.exec(text);
    expect(block, 'electron-builder.yml has an electronFuses block').not.toBeNull();
    const lines = block![1].trim().split('\n').map((l) => l.trim()).filter((l) => !l.startsWith('#'));
    return Object.fromEntries(lines.map((l) => l.split(': ') as [string, string]));
  })();
  it('runs no Node from the binary: no ELECTRON_RUN_AS_NODE, no NODE_OPTIONS, no --inspect', () => {
    expect(fuses).toMatchObject({ runAsNode: 'false', enableNodeOptionsEnvironmentVariable: 'false', enableNodeCliInspectArguments: 'false' });
  });
  it('loads the app only from its checked asar, and encrypts cookies', () => {
    expect(fuses).toMatchObject({ onlyLoadAppFromAsar: 'true', enableEmbeddedAsarIntegrityValidation: 'true', enableCookieEncryption: 'true' });
  });
  it('gives file:// pages no extra powers (the renderer is served from app://)', () => {
    expect(fuses).toMatchObject({ grantFileProtocolExtraPrivileges: 'false' });
  });
});
