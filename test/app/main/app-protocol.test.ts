// The app:// protocol (app/main/app-protocol.ts): URL → file mapping, confinement to the
// renderer folder on real files (symlinks included), and the handler's responses, on a
// real folder laid out like out/renderer/.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_SCHEME_PRIVILEGES, appProtocolHandler, appRequestPath, confinedFile, isAppOrigin } from '../../../app/main/app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../../app/shared/csp.js';

const base = mkdtempSync(join(tmpdir(), 'app-protocol-'));
const root = join(base, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(root, 'assets', 'tfjs-backend-wasm.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
writeFileSync(join(root, 'assets', 'a b.css'), 'body{}');
writeFileSync(join(base, 'secret.txt'), 'secret');
// A sibling whose name starts like the root: a prefix test alone would let it through.
mkdirSync(join(base, 'renderer-evil'));
writeFileSync(join(base, 'renderer-evil', 'x.js'), 'evil');
symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'escape.txt'));
symlinkSync(base, join(root, 'up'));
symlinkSync(join(root, 'assets', 'index-abc.js'), join(root, 'inside.js'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the app:// scheme', () => {
  it('is registered standard, secure and fetchable, and nothing more', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } });
  });
  it('knows its origin', () => {
    expect(isAppOrigin(APP_ENTRY_URL)).toBe(true);
    expect(isAppOrigin('app://studio/assets/x.js')).toBe(true);
    for (const url of ['app://other/index.html', 'file:///index.html', 'https://studio/', 'app://u:p@studio/', 'nonsense']) expect(isAppOrigin(url), url).toBe(false);
  });
});

describe('appRequestPath: URL → file under the renderer folder', () => {
  it('maps paths, / to index.html, and decodes escapes', () => {
    expect(appRequestPath('app://studio/', root)).toBe(join(root, 'index.html'));
    expect(appRequestPath('app://studio/index.html?x=1#y', root)).toBe(join(root, 'index.html'));
    expect(appRequestPath('app://studio/assets/a%20b.css', root)).toBe(join(root, 'assets', 'a b.css'));
  });
  it('refuses traversal however it is spelled, NULs, backslashes and other origins', () => {
    for (const url of [
      'app://studio/assets/..%2f..%2fsecret.txt',
      'app://studio/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://studio/..%5csecret.txt',
      'app://studio/index.html%00.js',
      'app://studio/%E0%A4%A',
      'app://other/index.html',
      'file:///etc/passwd',
    ]) {
      expect(appRequestPath(url, root), url).toBeNull();
    }
    // `..` segments, plain or as %2e%2e, are resolved by the URL parser itself (as Chromium's does for a
    // standard scheme): they never climb above the origin's root.
    for (const url of ['app://studio/../secret.txt', 'app://studio/%2e%2e/secret.txt', 'app://studio/assets/%2E%2E/%2E%2E/secret.txt']) {
      expect(appRequestPath(url, root), url).toBe(join(root, 'secret.txt'));
    }
  });
});

describe('confinedFile: the real file, inside the real root', () => {
  it('accepts regular files inside, including through a symlink that stays inside', async () => {
    expect(await confinedFile(join(root, 'index.html'), root)).toBe(join(root, 'index.html'));
    expect(await confinedFile(join(root, 'inside.js'), root)).toBe(join(root, 'assets', 'index-abc.js'));
  });
  it('refuses symlinks out of the root, folders, missing files and look-alike siblings', async () => {
    expect(await confinedFile(join(root, 'assets', 'escape.txt'), root)).toBeNull();
    expect(await confinedFile(join(root, 'up', 'secret.txt'), root)).toBeNull();
    expect(await confinedFile(join(root, 'assets'), root)).toBeNull();
    expect(await confinedFile(join(root, 'missing.js'), root)).toBeNull();
    expect(await confinedFile(join(base, 'renderer-evil', 'x.js'), root)).toBeNull();
  });
});

describe('appProtocolHandler', () => {
  const logged: string[] = [];
  const handle = appProtocolHandler(root, (m) => logged.push(m));
  const get = (url: string, method = 'GET') => handle({ url, method });

  it('serves the page with its type and our CSP', async () => {
    const r = await get(APP_ENTRY_URL);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await r.text()).toContain('<title>x</title>');
  });
  it('serves scripts as JavaScript and wasm as application/wasm (streaming compilation needs it)', async () => {
    expect((await get('app://studio/assets/index-abc.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const wasm = await get('app://studio/assets/tfjs-backend-wasm.wasm');
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d]));
  });
  it('answers HEAD without a body', async () => {
    const r = await get(APP_ENTRY_URL, 'HEAD');
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('');
  });
  it('answers 404 for missing files, traversal and symlink escapes, and 405 for other methods', async () => {
    for (const url of ['app://studio/missing.js', 'app://studio/%2e%2e/secret.txt', 'app://studio/assets/escape.txt', 'app://studio/up/secret.txt', 'app://studio/assets']) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
      expect(await r.text()).not.toContain('secret');
    }
    expect((await get(APP_ENTRY_URL, 'POST')).status).toBe(405);
    expect(logged.some((m) => m.includes('escape.txt'))).toBe(true);
  });
});
