/**
 * The app's own scheme. The renderer is served from `app://studio/…` instead of `file://`,
 * as Electron's security checklist asks (item 18): the page gets an origin of its own, so
 * its CSP's 'self' means the app's files and not every file on the disk, and the
 * GrantFileProtocolExtraPrivileges fuse can be off in packaged builds (electron-builder.yml).
 *
 * A request resolves only to a regular file inside the built renderer folder, judged after
 * symbolic links; `..`, encoded separators, NUL bytes, another host or a folder are a 404
 * that names nothing on the disk. Pure Node (no Electron import): index.ts hands
 * `serveAppRequest` to `protocol.handle`, and test/app/main/app-protocol.test.ts drives it
 * on real files.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../shared/csp.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

/**
 * What `protocol.registerSchemesAsPrivileged` gets, before the app is ready: a standard
 * scheme (real origin, relative URLs, module scripts), secure (a secure context, as
 * https), fetch for the wasm and JSON the renderer loads, and V8's code cache. No
 * bypassCSP, no service workers, no CORS to other origins.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
} as const;

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  // WebAssembly.instantiateStreaming refuses any other type.
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export interface AppResponse {
  readonly status: 200 | 404;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array<ArrayBuffer>;
}

const notFound: AppResponse = { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: new TextEncoder().encode('not found') };

/** `child` is `parent` or inside it (both absolute, already resolved). */
function within(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The file a request URL names inside `rendererDir`, by the URL's text alone; null when it
 * is not ours to serve (another scheme or host, traversal, encoded separators, NUL).
 * `app://studio/` is the page.
 */
export function appRequestPath(url: string, rendererDir: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST || u.username !== '' || u.password !== '') return null;
  // URL parsing already folded `.` and `..` segments; encoded ones (%2e%2e, %2f, %5c) and NUL are refused outright.
  if (/%2f|%5c|%00|%2e/i.test(u.pathname)) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\\') || path.includes('\0')) return null;
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const file = segments.length === 0 ? join(rendererDir, 'index.html') : join(rendererDir, ...segments);
  return within(rendererDir, file) ? file : null;
}

/**
 * The response to one request of the app's scheme: the file with its type (and, for the
 * page, the CSP header: webRequest's header hook does not see custom-protocol responses),
 * or a 404. Symbolic links are followed and the target must still lie in the
 * renderer folder.
 */
export async function serveAppRequest(url: string, rendererDir: string): Promise<AppResponse> {
  const file = appRequestPath(url, rendererDir);
  if (file === null) return notFound;
  try {
    const [realDir, realFile] = await Promise.all([realpath(rendererDir), realpath(file)]);
    if (!within(realDir, realFile) || !(await stat(realFile)).isFile()) return notFound;
    const body = new Uint8Array(await readFile(realFile));
    const type = MIME_TYPES[extname(realFile).toLowerCase()] ?? 'application/octet-stream';
    const headers: Record<string, string> = { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    return { status: 200, headers, body };
  } catch {
    return notFound;
  }
}
