import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmod, lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { loadGraphFile, loadGraphText } from '../../../engine/format/load.js';
import { saveGraphFile, serializeGraph, writeFileAtomic } from '../../../engine/format/save.js';
import { KIND_IDS } from '../../../nodes/catalog.js';
import { GRAPH_VERSION, type GraphDoc } from '../../../nodes/graph.js';
import { problemLine } from '../../../nodes/problems.js';
import { allKindsGraph, FIXTURE_DIR, jsonFilesUnder, REPO_ROOT, tempFolder } from '../../fixtures/graphs/index.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempFolder()));
afterEach(() => cleanup());

async function load(path: string): Promise<GraphDoc> {
  const r = await loadGraphFile(path);
  if (!r.ok) throw new Error(r.problems.map(problemLine).join('\n'));
  return r.graph;
}

/** Reverses key order everywhere, to show the saved text does not depend on it. */
function scramble(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(scramble);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, scramble(x)]));
}

describe('serializeGraph and saveGraphFile', () => {
  it('round-trips a graph with every node kind', async () => {
    const graph = allKindsGraph();
    expect(new Set(graph.nodes.map((n) => n.kind))).toEqual(new Set(KIND_IDS));
    const path = join(dir, 'every.attractor.json');
    await saveGraphFile(path, graph);
    const back = await load(path);
    expect(back).toEqual(graph);
    expect(await readFile(path, 'utf8')).toBe(serializeGraph(graph));
  });

  it('writes keys in a fixed order, 2-space indented, with a trailing newline', () => {
    const text = serializeGraph(scramble(allKindsGraph()) as GraphDoc);
    expect(Object.keys(JSON.parse(text))).toEqual(['format', 'version', 'name', 'description', 'nodes', 'edges', 'settle', 'training', 'comments', 'editor']);
    expect(Object.keys(JSON.parse(text).nodes[0])).toEqual(['id', 'kind', 'label', 'params', 'position']);
    expect(Object.keys(JSON.parse(text).nodes[0].params)).toEqual(['shape', 'activation', 'bias', 'biasInit', 'role']);
    expect(text.startsWith(`{\n  "format": "attractor-graph",\n  "version": ${GRAPH_VERSION},\n`)).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toBe(serializeGraph(allKindsGraph()));
  });

  it('is stable: saving what was loaded gives the same bytes, for every fixture', async () => {
    for (const file of await jsonFilesUnder(FIXTURE_DIR)) {
      const graph = await load(file);
      const text = serializeGraph(graph);
      const again = loadGraphText(text, file);
      expect(again.ok && again.graph, file).toEqual(graph);
      expect(again.ok && serializeGraph(again.graph), file).toBe(text);
    }
  });

  it('refuses to serialize an invalid graph, listing the problems', () => {
    const graph = allKindsGraph();
    const broken = { ...graph, edges: [...graph.edges, { from: { node: 'ghost', port: 'state' }, to: { node: 'b', port: 'x' } }] };
    expect(() => serializeGraph(broken)).toThrow(/cannot save an invalid graph:\n {2}edges\[\d+\]\.from\.node: no node with id "ghost"/);
  });

  it('refuses to overwrite a file from a newer format version, and leaves it alone', async () => {
    const path = join(dir, 'future.attractor.json');
    const future = JSON.stringify({ format: 'attractor-graph', version: GRAPH_VERSION + 1, nodes: [], hyperedges: [] });
    await writeFile(path, future);
    await expect(saveGraphFile(path, allKindsGraph())).rejects.toThrow(
      `refusing to overwrite ${path}: it was written by a newer version (format version ${GRAPH_VERSION + 1}; this build writes ${GRAPH_VERSION})`,
    );
    expect(await readFile(path, 'utf8')).toBe(future);
    expect(await readdir(dir)).toEqual(['future.attractor.json']);
  });

  it('overwrites files of our version, older versions and other content', async () => {
    for (const old of [serializeGraph(allKindsGraph()), '{"format":"attractor-graph","version":0,"nodes":[]}', 'not json at all']) {
      const path = join(dir, 'g.attractor.json');
      await writeFile(path, old);
      const graph = { ...allKindsGraph(), name: 'replaced' };
      await saveGraphFile(path, graph);
      expect((await load(path)).name).toBe('replaced');
    }
  });
});

describe('writeFileAtomic', () => {
  it('replaces the content, keeps the file mode, and leaves no temp files', async () => {
    const path = join(dir, 'a.txt');
    await writeFile(path, 'old');
    await chmod(path, 0o640);
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    await writeFileAtomic(join(dir, 'b.bin'), new Uint8Array([1, 2, 3]));
    expect([...(await readFile(join(dir, 'b.bin')))]).toEqual([1, 2, 3]);
    expect((await readdir(dir)).sort()).toEqual(['a.txt', 'b.bin']);
  });

  it('keeps the old file when the write fails part-way (file size limit, like a full disk)', async () => {
    if (process.platform === 'win32') return;
    // A child process with `ulimit -f` gets EFBIG after a few KB: a real failed write, no mocks.
    const entry = join(dir, 'child.ts');
    await writeFile(
      entry,
      `import { writeFileAtomic } from ${JSON.stringify(join(REPO_ROOT, 'engine/format/save.ts'))};
       try { await writeFileAtomic(process.argv[2], 'x'.repeat(200_000)); console.log('saved'); }
       catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`,
    );
    const bundle = join(dir, 'child.mjs');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
    const work = join(dir, 'work');
    await mkdir(work);
    const target = join(work, 'model.attractor.json');
    await writeFile(target, 'the old file');
    const run = spawnSync('sh', ['-c', 'ulimit -f 16 && exec "$0" "$1" "$2"', process.execPath, bundle, target], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { code: string; message: string };
    expect(out.code).toBe('EFBIG');
    expect(out.message).toBe(`could not save ${target}: the file is too large for this system; the previous file is unchanged`);
    expect(await readFile(target, 'utf8')).toBe('the old file');
    expect(await readdir(work)).toEqual(['model.attractor.json']);
  });

  it('fails cleanly when a folder is in the way of the rename', async () => {
    const path = join(dir, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside.txt'), 'keep me');
    await expect(writeFileAtomic(path, 'data')).rejects.toThrow(`could not save ${path}: a folder is in the way; the previous file is unchanged`);
    expect(await readFile(join(path, 'inside.txt'), 'utf8')).toBe('keep me');
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('respects a read-only file (as a plain write would)', async () => {
    if (process.platform === 'win32' || process.getuid?.() === 0) return; // root may write anything
    const path = join(dir, 'locked.json');
    await writeFile(path, 'old');
    await chmod(path, 0o444);
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow(`could not save ${path}: permission denied`);
    expect(await readFile(path, 'utf8')).toBe('old');
  });

  it('fails cleanly when the folder does not exist', async () => {
    const path = join(dir, 'missing', 'g.json');
    await expect(writeFileAtomic(path, 'data')).rejects.toThrow('the folder does not exist');
    expect(await readdir(dir)).toEqual([]);
  });

  it('replaces the file a symbolic link points at, keeping the link', async () => {
    if (process.platform === 'win32') return;
    const real = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    await writeFile(real, 'old');
    await symlink(real, link);
    await writeFileAtomic(link, 'new');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8')).toBe('new');
  });

  it('survives concurrent writers: one of them wins whole, no temp files remain', async () => {
    const path = join(dir, 'busy.txt');
    const texts = Array.from({ length: 12 }, (_, i) => `${i}:`.padEnd(20_000 + i, String.fromCharCode(97 + i)));
    await Promise.all(texts.map((t) => writeFileAtomic(path, t)));
    expect(texts).toContain(await readFile(path, 'utf8'));
    expect(await readdir(dir)).toEqual(['busy.txt']);
  });
});
