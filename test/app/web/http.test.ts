import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../../app/shared/csp.js';
import { fileForUrl } from '../../../app/web/static.js';
import { startHost } from '../../../app/web/server.js';
import { INDEX_HTML, REPO_ROOT, WASM_BYTES, get, startTestHost, type TestHost } from './helpers.js';

let t: TestHost;
beforeAll(async () => (t = await startTestHost()));
afterAll(() => t.cleanup());

describe('the web host serving the built UI', () => {
  it('serves the page at / with the security headers', async () => {
    const r = await get(t.host.port, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body.toString()).toBe(INDEX_HTML);
    expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(t.host.url).toBe(`http://127.0.0.1:${t.host.port}/`);
  });

  it('sends the meta tag\'s Content-Security-Policy as a header, plus frame-ancestors, which only a header can carry', async () => {
    const html = await readFile(join(REPO_ROOT, 'app/renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(META_CONTENT_SECURITY_POLICY);
    // Chromium logs an error on every load for frame-ancestors in a meta tag (issue 15).
    expect(meta?.[1]).not.toContain('frame-ancestors');
    expect(CONTENT_SECURITY_POLICY).toBe(`${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`);
  });

  it('serves assets with their content types (wasm included)', async () => {
    const js = await get(t.host.port, '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const wasm = await get(t.host.port, '/assets/tfjs-backend-wasm.wasm');
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.body.equals(WASM_BYTES)).toBe(true);
    const head = await get(t.host.port, '/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(INDEX_HTML)));
    expect(head.body.length).toBe(0);
  });

  it('refuses paths that climb out of the folder, however they are spelled', async () => {
    for (const path of ['/../package.json', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets%2f..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00', '/%zz']) {
      const r = await get(t.host.port, path);
      expect(r.status, path).toBe(400);
      expect(r.body.toString(), path).not.toContain('not for the browser');
      expect(r.headers['content-security-policy'], path).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('does not follow a symbolic link out of the folder', async () => {
    const r = await get(t.host.port, '/assets/leak.txt');
    expect(r.status).toBe(404);
    expect(r.body.toString()).not.toContain('not for the browser');
  });

  it('answers 404 for missing files and folders, 405 for other methods', async () => {
    expect((await get(t.host.port, '/nope.js')).status).toBe(404);
    expect((await get(t.host.port, '/assets')).status).toBe(404);
    expect((await get(t.host.port, '/api')).status).toBe(404);
    const post = await get(t.host.port, '/', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('maps URL paths to files inside the folder only', () => {
    expect(fileForUrl('/')).toBe('index.html');
    expect(fileForUrl('/?x=1')).toBe('index.html');
    expect(fileForUrl('/assets/a%20b.js#top')).toBe('assets/a b.js');
    expect(fileForUrl('/./assets//a.js')).toBe('assets/a.js');
    expect(fileForUrl('/a/../b')).toBeUndefined();
    expect(fileForUrl('http://evil/x')).toBeUndefined();
  });

  it('refuses to start on a missing UI folder or workspace, with a message naming it', async () => {
    const common = { port: 0, dataDir: join(t.dir, 'data'), examplesDir: join(REPO_ROOT, 'examples') };
    await expect(startHost({ ...common, workspace: t.workspace, rendererDir: join(t.dir, 'nothing') })).rejects.toThrow(/built UI folder .*nothing is not a folder/);
    await expect(startHost({ ...common, workspace: join(t.dir, 'nowhere'), rendererDir: join(t.dir, 'renderer') })).rejects.toThrow(/workspace .*nowhere is not a folder/);
  });

  it('reports a taken port as EADDRINUSE (main.ts then picks a free one)', async () => {
    const err = await startHost({ port: t.host.port, workspace: t.workspace, dataDir: join(t.dir, 'data'), rendererDir: join(t.dir, 'renderer'), examplesDir: join(REPO_ROOT, 'examples') }).catch((e: unknown) => e);
    expect((err as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
  });
});
