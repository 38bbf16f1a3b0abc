/** The document on either side of the canvas: split for display, put back together. */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleGraph, emptyBase, roundCoord, splitGraph } from '../../../app/renderer/src/editor/document.js';
import { validateGraph } from '../../../nodes/validate.js';
import { GRAPH_VERSION, type GraphDoc } from '../../../nodes/graph.js';

const EXAMPLES = resolve(import.meta.dirname, '../../../examples');
const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.attractor.json'));

function load(file: string): GraphDoc {
  const r = validateGraph(JSON.parse(readFileSync(resolve(EXAMPLES, file), 'utf8')));
  if (!r.ok) throw new Error(file);
  return r.graph;
}

describe('splitGraph and assembleGraph', () => {
  it.each(examples)('round-trips %s, passing the rest through', (file) => {
    const graph = load(file);
    const split = splitGraph(graph);
    expect(split.dropped).toEqual([]);
    const view = { x: 1.4, y: -2.6, zoom: 0.83333 };
    const out = assembleGraph(split.base, split.nodes, split.edges, split.comments, view, split.blocks);
    expect(out).toEqual({ ...graph, comments: graph.comments ?? [], editor: { x: 1, y: -3, zoom: 0.8333 } });
  });

  it('copies: later changes to the input do not leak in', () => {
    const graph = load('hopfield.attractor.json');
    const split = splitGraph(graph);
    (graph.nodes[0].params as Record<string, unknown>).x = 1;
    graph.training.batch = 12345;
    expect(split.nodes[0].params).not.toHaveProperty('x');
    expect(split.base.training.batch).not.toBe(12345);
  });

  it('rounds positions to integers, without negative zero', () => {
    const split = splitGraph(load('hopfield.attractor.json'));
    split.nodes[0].position = { x: -0.3, y: 10.5 };
    const out = assembleGraph(split.base, split.nodes, split.edges, [], { x: 0, y: 0, zoom: 1 });
    expect(Object.is(out.nodes[0].position.x, 0)).toBe(true);
    expect(out.nodes[0].position.y).toBe(11);
    expect(roundCoord(-0.4)).toBe(0);
  });

  it('drops what it cannot show and says so', () => {
    const graph = load('hopfield.attractor.json');
    const bad = {
      ...graph,
      nodes: [...graph.nodes, { id: 'q', kind: 'quantum', params: {}, position: { x: 0, y: 0 } }],
      edges: [...graph.edges, { from: { node: graph.nodes[0].id, port: 'nope' }, to: { node: 'q', port: 'in' } }],
      comments: [{ id: 'c', text: 't', position: { x: 0, y: 0 }, nodes: ['q', graph.nodes[0].id] }],
    } as unknown as GraphDoc;
    const split = splitGraph(bad);
    expect(split.nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id));
    expect(split.edges).toEqual(graph.edges);
    expect(split.comments[0].nodes).toEqual([graph.nodes[0].id]);
    expect(split.dropped).toHaveLength(2);
    expect(split.dropped[0]).toMatch(/unknown kind "quantum"/);
  });

  it('starts from an empty document with the schema defaults', () => {
    const base = emptyBase();
    expect(base).toMatchObject({ format: 'attractor-graph', version: GRAPH_VERSION, name: 'untitled' });
    expect(base).not.toHaveProperty('nodes');
    expect(base.settle.schedule).toBeDefined();
  });
});
