import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadGraphFile, loadGraphText, MAX_GRAPH_NESTING, type LoadResult } from '../../../engine/format/load.js';
import { problemLine, type Problem } from '../../../nodes/problems.js';
import { GRAPH_VERSION } from '../../../nodes/graph.js';
import { validateGraph } from '../../../nodes/validate.js';
import { fixture, jsonFilesUnder, FIXTURE_DIR, tempFolder } from '../../fixtures/graphs/index.js';

function rejected(r: LoadResult): Problem[] {
  if (r.ok) throw new Error('expected the file to be rejected');
  return r.problems;
}
const only = (r: LoadResult) => {
  const ps = rejected(r);
  expect(ps).toHaveLength(1);
  return ps[0];
};

const valid = { format: 'attractor-graph', version: GRAPH_VERSION, nodes: [{ id: 'v', kind: 'layer' }] };
const text = (doc: unknown) => JSON.stringify(doc, null, 2);

describe('loading the fixture graphs', () => {
  it('loads every v1 fixture unchanged but for the version (v2 added blocks, which v1 files do not have)', async () => {
    const files = (await jsonFilesUnder(FIXTURE_DIR)).filter((f) => f.endsWith('.attractor.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const r = await loadGraphFile(file);
      expect(r.ok ? 'ok' : r.problems.map(problemLine), file).toBe('ok');
      if (!r.ok) continue;
      expect(r.migratedFrom).toBe(1);
      const asV2 = validateGraph({ ...(JSON.parse(await readFile(file, 'utf8')) as object), version: GRAPH_VERSION });
      expect(asV2.ok && asV2.graph).toEqual(r.graph);
    }
  });

  it('gives the MNIST completion graph its layers and wiring', async () => {
    const r = await loadGraphFile(fixture('mnist-completion.attractor.json'));
    if (!r.ok) throw new Error(r.problems.map(problemLine).join('\n'));
    const v = r.graph.nodes.find((n) => n.id === 'visible');
    expect(v?.kind === 'layer' && v.params.shape).toEqual({ type: 'vector', size: 784 });
    expect(r.graph.edges).toHaveLength(7);
    expect(r.graph.training.optimizer).toEqual({ kind: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  });
});

describe('loadGraphText failures', () => {
  it('gives the line and column of a JSON syntax error', () => {
    const bad = '{\n  "format": "attractor-graph",\n  "version": 1\n  "nodes": []\n}';
    const p = only(loadGraphText(bad, 'g.json'));
    expect(p.path).toEqual([]);
    expect(p.message).toBe('g.json is not valid JSON at line 4, column 3: expected "," or "}" after a property value, got "\\""');
    expect(only(loadGraphText('{"nodes": [1, 2,]}', 'g.json')).message).toContain('line 1, column 17: trailing comma before "]"');
    expect(only(loadGraphText('{"a": 1', 'g.json')).message).toContain(
      'line 1, column 8: unexpected end of the text: the "{" opened at line 1, column 1 is never closed',
    );
  });

  it('rejects empty text and non-objects', () => {
    expect(only(loadGraphText('  \n', 'g.json')).message).toBe('g.json is empty');
    expect(only(loadGraphText('[1, 2]', 'g.json')).message).toBe('g.json is not an attractor graph: it holds an array of 2, not a JSON object');
    expect(only(loadGraphText('"hi"', 'g.json')).message).toContain('it holds "hi", not a JSON object');
  });

  it('requires "format": "attractor-graph"', () => {
    const missing = only(loadGraphText(text({ version: 1, nodes: [] }), 'g.json'));
    expect(missing).toMatchObject({ path: ['format'], message: 'not an attractor graph: expected "format": "attractor-graph"' });
    const wrong = only(loadGraphText(text({ ...valid, format: 'excalidraw' }), 'g.json'));
    expect(wrong.message).toBe('not an attractor graph: expected "format": "attractor-graph", got "excalidraw"');
  });

  it('refuses files from a newer version, and bad or unknown versions', () => {
    const newer = only(loadGraphText(text({ ...valid, version: 7, somethingNew: {} }), 'g.json'));
    expect(newer).toMatchObject({ path: ['version'], message: `written by a newer version (format version 7; this build reads up to ${GRAPH_VERSION})` });
    expect(only(loadGraphText(text({ ...valid, version: '1' }), 'g.json')).message).toBe('expected an integer format version, got "1"');
    expect(only(loadGraphText(text({ ...valid, version: 0.5 }), 'g.json')).message).toBe('expected an integer format version, got 0.5');
    expect(only(loadGraphText(text({ format: 'attractor-graph', nodes: [] }), 'g.json')).message).toMatch(/^missing "version"/);
    expect(only(loadGraphText(text({ ...valid, version: -1 }), 'g.json')).message).toBe(
      `unknown format version -1 (this build reads versions 0 to ${GRAPH_VERSION})`,
    );
  });

  it('passes validation problems through with their paths and node ids', () => {
    const doc = {
      ...valid,
      nodes: [{ id: 'v', kind: 'layer' }, { id: 'w1', kind: 'conv', params: { kernel: 4 } }, { id: 'q', kind: 'quantum' }, { id: 'v', kind: 'noise' }],
      edges: [{ from: { node: 'v', port: 'state' }, to: { node: 'nowhere', port: 'layer' } }],
      colour: 'blue',
    };
    expect(rejected(loadGraphText(text(doc), 'g.json')).map(problemLine)).toEqual([
      'colour: unknown field "colour"',
      'nodes[1].params.kernel: expected an odd integer ≥ 1, got 4 (node "w1")',
      'nodes[2].kind: unknown node kind "quantum" (node "q")',
      'nodes[3].id: duplicate node id "v" (first used by nodes[0]) (node "v")',
      'edges[0].to.node: no node with id "nowhere"',
    ]);
  });

  it('accepts a UTF-8 byte order mark', () => {
    expect(loadGraphText(`\ufeff${text(valid)}`, 'g.json').ok).toBe(true);
  });

  it('reads -0 as 0, since a save could not write it back', () => {
    const r = loadGraphText(text({ ...valid, nodes: [{ id: 'v', kind: 'layer', position: { x: -0, y: 1 } }] }).replace('"x": 0', '"x": -0'), 'g.json');
    expect(r.ok && Object.is(r.graph.nodes[0].position.x, 0)).toBe(true);
  });

  it('guards against absurd nesting and size', () => {
    const deep = `{"format":"attractor-graph","version":1,"nodes":[],"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const p = only(loadGraphText(deep, 'g.json'));
    expect(p.message).toBe(`g.json nests more than ${MAX_GRAPH_NESTING} levels deep (at line 1, column 155); a graph file never needs that`);
    const huge = `{"format":"attractor-graph","version":1,"nodes":[],"description":"${'x'.repeat(51 * 1024 * 1024)}"}`;
    expect(only(loadGraphText(huge, 'big.json')).message).toMatch(/^big\.json is too large for a graph file \(51\.0 MB; the limit is 50\.0 MB/);
  });
});

describe('loadGraphFile failures', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempFolder()));
  afterEach(() => cleanup());

  it('reports a missing file', async () => {
    const path = join(dir, 'nope.attractor.json');
    expect(only(await loadGraphFile(path))).toEqual({ severity: 'error', path: [], message: `no file at ${path}` });
    const under = join(dir, 'nope', 'x.json');
    expect(only(await loadGraphFile(under)).message).toBe(`no file at ${under}`);
  });

  it('reports a folder', async () => {
    const path = join(dir, 'folder.attractor.json');
    await mkdir(path);
    expect(only(await loadGraphFile(path)).message).toBe(`${path} is a folder, not a graph file`);
  });

  it('reports a path through a file', async () => {
    await writeFile(join(dir, 'plain'), 'x');
    const path = join(dir, 'plain', 'g.json');
    expect(only(await loadGraphFile(path)).message).toBe(`no file at ${path} (part of the path is not a folder)`);
  });

  it('reports binary and UTF-16 files', async () => {
    const bin = join(dir, 'weights.bin');
    await writeFile(bin, Buffer.from([0x7b, 0xc3, 0x28, 0x00, 0xff]));
    expect(only(await loadGraphFile(bin)).message).toBe(`${bin} is not UTF-8 text (is it a weights or image file?)`);
    const utf16 = join(dir, 'utf16.json');
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text(valid), 'utf16le')]));
    expect(only(await loadGraphFile(utf16)).message).toBe(`${utf16} is UTF-16 text; graph files are UTF-8`);
  });

  it('refuses a file over 50 MB without reading it', async () => {
    const path = join(dir, 'huge.json');
    await writeFile(path, '');
    const { truncate } = await import('node:fs/promises');
    await truncate(path, 60 * 1024 * 1024);
    expect(only(await loadGraphFile(path)).message).toMatch(/is too large for a graph file \(60\.0 MB/);
  });

  it('names the file in a syntax error', async () => {
    const path = join(dir, 'broken.attractor.json');
    await writeFile(path, '{\r\n  "format": "attractor-graph",\r\n  "version": 1,\r\n  "nodes": [ x ]\r\n}\r\n');
    expect(only(await loadGraphFile(path)).message).toBe(`${path} is not valid JSON at line 4, column 14: expected a value, got "x"`);
  });
});
