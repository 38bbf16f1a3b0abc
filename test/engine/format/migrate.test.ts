import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { loadGraphFile, loadGraphText } from '../../../engine/format/load.js';
import { MIGRATIONS, migrate, type Migration } from '../../../engine/format/migrate.js';
import { serializeGraph } from '../../../engine/format/save.js';
import { GRAPH_VERSION } from '../../../nodes/graph.js';
import { problemLine } from '../../../nodes/problems.js';
import { fixture } from '../../fixtures/graphs/index.js';

describe('migration registry', () => {
  it('chains from every version it knows up to the current one', () => {
    for (const m of MIGRATIONS) {
      expect(m.to).toBeGreaterThan(m.from);
      expect(m.describe.length).toBeGreaterThan(0);
    }
    const oldest = Math.min(...MIGRATIONS.map((m) => m.from));
    for (let v = oldest; v < GRAPH_VERSION; v++) {
      const r = migrate({ format: 'attractor-graph', version: v, nodes: [] }, v);
      expect(r.ok && r.doc.version, `from ${v}`).toBe(GRAPH_VERSION);
    }
  });

  it('applies steps in sequence and reports a gap or a throwing step', () => {
    const seen: number[] = [];
    const step = (from: number, to: number): Migration => ({ from, to, describe: `${from}→${to}`, up: (d) => (seen.push(from), { ...d, version: to }) });
    expect(migrate({}, -2, [step(-1, 0), step(-2, -1), step(0, 1), step(1, 2)])).toMatchObject({ ok: true, doc: { version: 2 } });
    expect(seen).toEqual([-2, -1, 0, 1]);
    expect(migrate({}, -2, [step(0, 1)])).toEqual({ ok: false, message: 'cannot read format version -2: no migration from version -2' });
    const boom: Migration = { from: 0, to: 1, describe: 'boom', up: () => { throw new Error('bad draft'); } };
    expect(migrate({}, 0, [boom])).toEqual({ ok: false, message: 'migrating from format version 0 to 1 failed: bad draft' });
  });
});

describe('v0 → v1', () => {
  it('turns the draft fixture into a valid graph of the current version', async () => {
    const r = await loadGraphFile(fixture('draft-v0.json'));
    if (!r.ok) throw new Error(r.problems.map(problemLine).join('\n'));
    expect(r.migratedFrom).toBe(0);
    expect(r.graph.version).toBe(GRAPH_VERSION);
    expect(r.graph.nodes.map((n) => [n.id, n.kind])).toEqual([
      ['bars', 'dataset'],
      ['v', 'layer'],
      ['h', 'layer'],
      ['w', 'dense'],
      ['left', 'clamp'],
      ['y', 'target'],
    ]);
    expect(r.graph.edges[3]).toEqual({ from: { node: 'bars', port: 'images' }, to: { node: 'left', port: 'data' } });
    expect(r.graph.settle).toMatchObject({ schedule: 'chromatic', steps: 100 });
    expect(r.graph.training).toMatchObject({ method: 'bptt', steps: 10, epochs: 20 });
    // Saved, it is a plain v1 file that needs no migration.
    const again = loadGraphText(serializeGraph(r.graph), 'saved');
    expect(again.ok && again.migratedFrom).toBe(undefined);
    expect(again.ok && again.graph).toEqual(r.graph);
  });

  it('does not touch the document it was given', async () => {
    const raw = JSON.parse(await readFile(fixture('draft-v0.json'), 'utf8')) as Record<string, unknown>;
    const copy = structuredClone(raw);
    migrate(raw, 0);
    expect(raw).toEqual(copy);
  });

  it('reports problems at their place in the draft file', async () => {
    type Draft = { nodes: { type: string; params: Record<string, unknown> }[]; edges: Record<string, string>[]; schedule: string };
    const raw = JSON.parse(await readFile(fixture('draft-v0.json'), 'utf8')) as Draft;
    raw.nodes[3].type = 'dense-ish';
    raw.edges[1].sourcePort = 'output';
    raw.edges[2].target = 'nobody';
    raw.schedule = 'whenever';
    raw.nodes[1].params.activation = 'relu';
    const r = loadGraphText(JSON.stringify(raw), 'draft.json');
    if (r.ok) throw new Error('expected problems');
    expect(r.problems.map(problemLine)).toEqual([
      'schedule: expected "synchronous", "sequential", "chromatic" or "asynchronous", got "whenever" (after upgrading from format version 0)',
      'nodes[1].params.activation: expected "tanh", "sigmoid", "sign", "softmax" or "linear", got "relu" (after upgrading from format version 0) (node "v")',
      'nodes[3].type: unknown node kind "dense-ish" (after upgrading from format version 0) (node "w")',
      'edges[1].sourcePort: layer node has no output "output" (its outputs: "state") (after upgrading from format version 0) (node "h", port "output")',
      'edges[2].target: no node with id "nobody" (after upgrading from format version 0)',
    ]);
  });

  it('leaves v1-shaped parts of a version-0 file as they are', () => {
    const doc = {
      format: 'attractor-graph',
      version: 0,
      nodes: [{ id: 'v', kind: 'layer' }, { id: 'n', type: 'noise' }],
      edges: [{ from: { node: 'v', port: 'state' }, to: { node: 'n', port: 'layer' } }],
      settle: { schedule: 'synchronous' },
    };
    const r = loadGraphText(JSON.stringify(doc), 'mixed.json');
    expect(r.ok && r.graph.nodes.map((n) => n.kind)).toEqual(['layer', 'noise']);
    expect(r.ok && r.graph.settle.schedule).toBe('synchronous');
  });
});
