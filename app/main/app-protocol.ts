/**
 * The renderer's origin in the desktop app: `app://studio/`, a privileged custom
 * scheme that serves out/renderer/ and nothing else (Electron's security checklist,
 * item 18: prefer a custom protocol to `file://`). With the page off `file://`, the
 * `grantFileProtocolExtraPrivileges` fuse is off in packaged builds
 * (electron-builder.yml), so no page can fetch arbitrary files through `file://`.
 *
 * The URL → file mapping is pure (`appRequestPath`) and the confinement check runs on
 * real paths at the point of use (`confinedFile`), so both are tested directly
 * (test/app/main/app-protocol.test.ts). Types only from Electron (see security.ts).
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CustomScheme } from 'electron';
import { isInside } from '../../engine/format/confine.js';
import { CONTENT_SECURITY_POLICY } from '../shared/csp.js';
import { contentType } from '../shared/content-type.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
/** What the window loads. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * For `protocol.registerSchemesAsPrivileged`, before 'ready'. standard: relative URLs
 * and a real origin, so CSP 'self' means app://studio; secure: a secure context (like
 * https); supportFetchAPI: tfjs-wasm fetches its .wasm. No bypassCSP, no CORS, no
 * service workers or streaming beyond what a web page gets.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for a URL of our origin (any path: the page's own scripts, styles and wasm). */
export function isAppOrigin(url: string): boolean {
  const u = parseUrl(url);
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}

/**
 * The file under `root` that an app:// URL names, or null when it names none: another
 * scheme or host, an undecodable or NUL-carrying path, a backslash, or a `..` segment
 * (also percent-encoded: `%2e%2e`, `..%2f`). `/` is index.html. Lexical only: the
 * symlink check is `confinedFile`'s, on the real file.
 */
export function appRequestPath(url: string, root: string): string | null {
  if (!isAppOrigin(url)) return null;
  const u = new URL(url);
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return null;
  if (segments.length === 0) segments.push('index.html');
  const file = join(root, ...segments);
  return isInside(root, file) ? file : null;
}

/** The real path of `file` when it is a regular file whose real path is inside the real `root`; null otherwise. */
export async function confinedFile(file: string, root: string): Promise<string | null> {
  try {
    const [realFile, realRoot] = await Promise.all([realpath(file), realpath(root)]);
    if (!isInside(realRoot, realFile)) return null;
    return (await stat(realFile)).isFile() ? realFile : null;
  } catch {
    return null;
  }
}

/** The request fields the handler reads (Electron's GlobalRequest is the Fetch API's Request). */
export interface AppRequest {
  readonly url: string;
  readonly method: string;
}

const notFound = (status: 404 | 405 = 404) =>
  new Response(status === 404 ? 'Not found' : 'Method not allowed', { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/**
 * The `protocol.handle(APP_SCHEME, …)` handler: GET/HEAD of a file inside `root`, with
 * its type and our CSP (a custom protocol's responses do not necessarily pass through
 * session.webRequest); 404 for anything else, including a symlink out of `root`.
 */
export function appProtocolHandler(root: string, log: (message: string) => void = () => undefined): (request: AppRequest) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound(405);
    const lexical = appRequestPath(request.url, root);
    const file = lexical && (await confinedFile(lexical, root));
    if (!file) {
      log(`404 ${JSON.stringify(request.url.slice(0, 200))}`);
      return notFound();
    }
    const headers = {
      'content-type': contentType(file),
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    };
    return new Response(request.method === 'HEAD' ? null : await readFile(file), { status: 200, headers });
  };
}
