// The app's own scheme (app/main/app-protocol.ts) on real files: what app://studio/ serves,
// with which types, and what it refuses — traversal in every spelling, links out of the
// renderer folder, folders, other hosts — without naming anything on the disk.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_PAGE_URL, appRequestPath, serveAppRequest } from '../../../app/main/app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../../app/shared/csp.js';

let dir: string;
let renderer: string;
const SECRET = 'secret-outside-the-renderer';
const text = (body: Uint8Array) => new TextDecoder().decode(body);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'attractor-protocol-'));
  renderer = join(dir, 'renderer');
  await mkdir(join(renderer, 'assets'), { recursive: true });
  await writeFile(join(renderer, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(join(renderer, 'assets', 'app.js'), 'export {};');
  await writeFile(join(renderer, 'assets', 'style.css'), 'body{}');
  await writeFile(join(renderer, 'assets', 'tfjs-backend-wasm.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  await writeFile(join(dir, 'secret.txt'), SECRET);
  await symlink(join(dir, 'secret.txt'), join(renderer, 'assets', 'leak.txt'));
  await symlink(dir, join(renderer, 'up'));
  await symlink(join(renderer, 'assets', 'app.js'), join(renderer, 'assets', 'alias.js'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('what app://studio/ serves', () => {
  it('the page, with the CSP header (frame-ancestors included) and nosniff', async () => {
    for (const url of [APP_PAGE_URL, 'app://studio/', `${APP_PAGE_URL}?x=1#/graph`]) {
      const r = await serveAppRequest(url, renderer);
      expect(r.status, url).toBe(200);
      expect(r.headers['Content-Type']).toBe('text/html; charset=utf-8');
      expect(r.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers['X-Content-Type-Options']).toBe('nosniff');
      expect(text(r.body)).toContain('<div id="root">');
    }
  });
  it('scripts, styles and wasm with the types module scripts and instantiateStreaming require', async () => {
    const type = async (path: string) => (await serveAppRequest(`app://studio/${path}`, renderer)).headers['Content-Type'];
    expect(await type('assets/app.js')).toBe('text/javascript; charset=utf-8');
    expect(await type('assets/style.css')).toBe('text/css; charset=utf-8');
    expect(await type('assets/tfjs-backend-wasm.wasm')).toBe('application/wasm');
    // Only the page carries the CSP header.
    expect((await serveAppRequest('app://studio/assets/app.js', renderer)).headers['Content-Security-Policy']).toBeUndefined();
  });
  it('a link that stays inside the renderer folder', async () => {
    const r = await serveAppRequest('app://studio/assets/alias.js', renderer);
    expect(r.status).toBe(200);
    expect(text(r.body)).toBe('export {};');
  });
});

describe('what it refuses, with a 404 that names nothing', () => {
  const refused = [
    'app://studio/../secret.txt',
    'app://studio/assets/../../secret.txt',
    'app://studio/%2e%2e/secret.txt',
    'app://studio/.%2e/secret.txt',
    'app://studio/assets%2f..%2f..%2fsecret.txt',
    'app://studio/assets%5c..%5c..%5csecret.txt',
    'app://studio/assets/app.js%00.html',
    'app://studio/assets\\..\\..\\secret.txt',
    'app://studio/assets/leak.txt',
    'app://studio/up/secret.txt',
    'app://studio/assets',
    'app://studio/missing.js',
    'app://other/index.html',
    'app://user:pw@studio/index.html',
    'file:///etc/passwd',
    'https://studio/index.html',
    'not a url',
  ];
  for (const url of refused) {
    it(url, async () => {
      const r = await serveAppRequest(url, renderer);
      expect(r.status).toBe(404);
      expect(text(r.body)).toBe('not found');
      expect(text(r.body)).not.toContain(SECRET);
    });
  }
  it('judges the URL text before touching the disk: traversal never resolves to a path outside', () => {
    for (const url of refused.slice(0, 8)) {
      const path = appRequestPath(url, renderer);
      if (path !== null) expect(path.startsWith(renderer), url).toBe(true);
    }
    expect(appRequestPath('app://studio/', renderer)).toBe(join(renderer, 'index.html'));
  });
});
