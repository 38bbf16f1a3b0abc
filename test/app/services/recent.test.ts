import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_RECENT, RECENT_FILE } from '../../../app/services/recent.js';
import { electronServices, exampleText, tempFolder, webServices, type Setup } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempFolder()));
afterEach(() => cleanup());

/** `n` graph files in `folder`, named g0 … g(n-1). */
async function graphFiles(folder: string, n: number): Promise<string[]> {
  const text = await exampleText();
  const paths = Array.from({ length: n }, (_, i) => join(folder, `g${i}.attractor.json`));
  await Promise.all(paths.map((p) => writeFile(p, text)));
  return paths;
}

async function openAll(s: Setup, paths: readonly string[]): Promise<void> {
  for (const path of paths) expect((await s.handlers['file.open']({ path })).ok).toBe(true);
}

const recentPaths = async (s: Setup) => (await s.handlers['file.recent']({})).map((f) => f.path);

describe('the recent files list', () => {
  it('lists the most recent first, with names and times', async () => {
    const s = electronServices(dir);
    const [a, b, c] = await graphFiles(dir, 3);
    await openAll(s, [a!, b!, c!]);
    const list = await s.handlers['file.recent']({});
    expect(list.map((f) => f.path)).toEqual([c, b, a]);
    expect(list[0]).toMatchObject({ name: 'g2', exists: true });
    expect(Number.isNaN(Date.parse(list[0]!.openedAt))).toBe(false);
  });

  it('keeps one entry per file, however its path was spelled, moved to the top when reopened', async () => {
    const s = electronServices(dir);
    const [a, b] = await graphFiles(dir, 2);
    await openAll(s, [a!, b!, join(dir, '.', 'sub', '..', 'g0.attractor.json')]);
    expect(await recentPaths(s)).toEqual([a, b]);
  });

  it(`keeps at most ${MAX_RECENT} files`, async () => {
    const s = electronServices(dir);
    const paths = await graphFiles(dir, MAX_RECENT + 3);
    await openAll(s, paths);
    expect(await recentPaths(s)).toEqual(paths.slice(3).reverse());
  });

  it('records saves too, and several opens at once without losing one', async () => {
    const s = electronServices(dir);
    const paths = await graphFiles(dir, 5);
    const results = await Promise.all(paths.map((path) => s.handlers['file.open']({ path })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect((await recentPaths(s)).sort()).toEqual([...paths].sort());
    const saved = join(dir, 'new.attractor.json');
    expect((await s.handlers['file.save']({ path: saved, graph: JSON.parse(await exampleText()) })).ok).toBe(true);
    expect((await recentPaths(s))[0]).toBe(saved);
  });

  it('marks files that have gone missing since, instead of dropping them', async () => {
    const s = electronServices(dir);
    const [a, b] = await graphFiles(dir, 2);
    await openAll(s, [a!, b!]);
    await rm(a!);
    expect((await s.handlers['file.recent']({})).map((f) => [f.name, f.exists])).toEqual([
      ['g1', true],
      ['g0', false],
    ]);
  });

  it('reads a damaged recent.json as empty and replaces it on the next write', async () => {
    const s = electronServices(dir);
    await mkdir(s.dataDir, { recursive: true });
    const file = join(s.dataDir, RECENT_FILE);
    for (const damage of ['{"files": [', 'null', '[1, 2]', '{"files": "no"}', '\u0000\u0001']) {
      await writeFile(file, damage);
      expect(await s.handlers['file.recent']({})).toEqual([]);
    }
    const [a] = await graphFiles(dir, 1);
    await openAll(s, [a!]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1, files: [{ path: a }] });
  });

  it('skips damaged entries but keeps the good ones', async () => {
    const s = electronServices(dir);
    const [a] = await graphFiles(dir, 1);
    await mkdir(s.dataDir, { recursive: true });
    const good = { path: a, name: 'g0', openedAt: '2026-01-01T00:00:00.000Z' };
    await writeFile(join(s.dataDir, RECENT_FILE), JSON.stringify({ version: 1, files: [{ path: 3 }, good, 'x', good] }));
    expect(await s.handlers['file.recent']({})).toEqual([{ ...good, exists: true }]);
  });

  it('clears', async () => {
    const s = electronServices(dir);
    await openAll(s, await graphFiles(dir, 2));
    await s.handlers['file.clearRecent']({});
    expect(await s.handlers['file.recent']({})).toEqual([]);
  });

  it('in the web mode shows only files inside the workspace (the only ones it may open)', async () => {
    const desktop = electronServices(dir);
    const web = await webServices(dir); // same data folder: the list is shared
    const [outside] = await graphFiles(dir, 1);
    const [inside] = await graphFiles(web.workspace, 1);
    await openAll(desktop, [outside!]);
    await openAll(web, [inside!]);
    expect(await recentPaths(desktop)).toEqual([inside, outside]);
    expect(await recentPaths(web)).toEqual([inside]);
  });
});
