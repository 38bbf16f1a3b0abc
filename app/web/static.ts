/**
 * Serving the built renderer (out/renderer) as plain files. The host may be
 * reachable from other machines, so a request path is never trusted: every
 * `..` is refused outright (not normalized away), and the file is checked to
 * really lie inside the folder after resolving symbolic links.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAbsolute, join, relative, sep } from 'node:path';
import { contentType, SECURITY_HEADERS } from './headers.js';

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

export function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...extra });
  res.end(`${text}\n`);
}

/**
 * The file a URL path names inside the served folder, `undefined` for a path
 * that tries to leave it (or is not a well-formed path at all). `/` is the page.
 */
export function fileForUrl(rawUrl: string): string | undefined {
  const path = rawUrl.split(/[?#]/, 1)[0] ?? '';
  if (!path.startsWith('/')) return undefined;
  const segments: string[] = [];
  for (const raw of path.split('/').slice(1)) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return undefined; // a broken %-escape
    }
    // Encoded separators and NULs are never part of an asset name, only of an attack.
    if (seg === '..' || seg.includes('/') || seg.includes('\\') || seg.includes('\0')) return undefined;
    if (seg !== '' && seg !== '.') segments.push(seg);
  }
  return segments.length === 0 ? 'index.html' : segments.join('/');
}

export async function serveStatic(rootReal: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'method not allowed', { allow: 'GET, HEAD' });
    return;
  }
  const rel = fileForUrl(req.url ?? '/');
  if (rel === undefined) {
    sendText(res, 400, 'bad path');
    return;
  }
  let file: string;
  let size: number;
  try {
    file = await realpath(join(rootReal, rel));
    const info = await stat(file);
    if (!inside(rootReal, file) || !info.isFile()) throw new Error('not a served file');
    size = info.size;
  } catch {
    sendText(res, 404, 'not found');
    return;
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': contentType(file),
    'content-length': String(size),
    // Revalidate every time: after `npm run build` a reload must show the new UI, and this is a local server.
    'cache-control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
