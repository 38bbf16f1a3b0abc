import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../nodes/validate.js';
import { GRAPH_VERSION } from '../../nodes/graph.js';
import { problemLine, oneOf, type Problem } from '../../nodes/problems.js';

const layer = (id: string, params: Record<string, unknown> = {}) => ({ id, kind: 'layer', params });
const edge = (from: string, fromPort: string, to: string, toPort: string) => ({
  from: { node: from, port: fromPort },
  to: { node: to, port: toPort },
});
const doc = (nodes: unknown[], extra: Record<string, unknown> = {}) => ({ format: 'attractor-graph', version: GRAPH_VERSION, nodes, ...extra });

function problems(input: unknown): Problem[] {
  const r = validateGraph(input);
  if (r.ok) throw new Error('expected the graph to be rejected');
  return r.problems;
}
const lines = (input: unknown) => problems(input).map(problemLine);

describe('validateGraph', () => {
  it('accepts a minimal graph and fills in defaults', () => {
    const r = validateGraph(doc([layer('v')]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.graph.name).toBe('untitled');
    expect(r.graph.edges).toEqual([]);
    expect(r.graph.settle.schedule).toBe('chromatic');
    expect(r.graph.nodes[0]).toMatchObject({ id: 'v', kind: 'layer', position: { x: 0, y: 0 } });
    expect(r.graph.nodes[0].params).toMatchObject({ shape: { type: 'vector', size: 100 }, activation: 'tanh' });
  });

  it('names the path, the expectation, the value and the node for a bad param', () => {
    const nodes = [layer('v'), layer('h'), layer('x'), { id: 'w1', kind: 'conv', params: { kernel: 4 } }];
    expect(lines(doc(nodes))).toEqual(['nodes[3].params.kernel: expected an odd integer ≥ 1, got 4 (node "w1")']);
  });

  it('reports the discriminator a person wrote, not "an object"', () => {
    const [p] = problems(doc([{ id: 'c', kind: 'clamp', params: { mask: { kind: 'blah' } } }]));
    expect(p.path).toEqual(['nodes', 0, 'params', 'mask', 'kind']);
    expect(p.message).toMatch(/^expected a mask with kind "whole", .* got "blah"$/);
    const [missing] = problems(doc([{ id: 'd', kind: 'dataset', params: { source: { split: 'test' } } }]));
    expect(problemLine(missing)).toMatch(/^nodes\[0\]\.params\.source\.kind: expected a source with kind "mnist".*, got nothing \(node "d"\)$/);
  });

  it('rewrites zod built-in messages in plain words', () => {
    const bad = { id: 'd', kind: 'dataset', params: { source: { kind: 'mnist', digits: [3, 11, 'a'] } } };
    expect(lines(doc([bad]))).toEqual([
      'nodes[0].params.source.digits[1]: expected a number ≤ 9, got 11 (node "d")',
      'nodes[0].params.source.digits[2]: expected a number, got "a" (node "d")',
    ]);
    expect(lines(doc([layer('v', { activation: 'relu' })]))).toEqual([
      'nodes[0].params.activation: expected "tanh", "sigmoid", "sign", "softmax" or "linear", got "relu" (node "v")',
    ]);
    expect(lines(doc([layer('v')], { name: 'x'.repeat(201) }))).toEqual([`name: expected at most 200 characters, got "${'x'.repeat(40)}…"`]);
  });

  it('points each unknown field at the field itself', () => {
    const ps = problems(doc([layer('v', { sise: 3, colour: 'red' })], { extra: true }));
    expect(ps.map((p) => [p.path, p.message])).toEqual([
      [['extra'], 'unknown field "extra"'],
      [['nodes', 0, 'params', 'sise'], 'unknown field "sise"'],
      [['nodes', 0, 'params', 'colour'], 'unknown field "colour"'],
    ]);
    expect(ps[1].nodeId).toBe('v');
  });

  it('reports envelope and param problems together', () => {
    const ps = problems(doc([{ id: 'w1', kind: 'conv', params: { kernel: 2 } }], { settle: { schedule: 'fast' } }));
    expect(ps.map(problemLine)).toEqual([
      'settle.schedule: expected "synchronous", "sequential", "chromatic" or "asynchronous", got "fast"',
      'nodes[0].params.kernel: expected an odd integer ≥ 1, got 2 (node "w1")',
    ]);
  });

  it('rejects an unknown kind, suggesting a near miss', () => {
    expect(lines(doc([{ id: 'n', kind: 'nosie' }]))).toEqual(['nodes[0].kind: unknown node kind "nosie" (did you mean "noise"?) (node "n")']);
    expect(lines(doc([{ id: 'n', kind: 'transformer' }]))).toEqual(['nodes[0].kind: unknown node kind "transformer" (node "n")']);
  });

  it('rejects duplicate node ids, naming the first use', () => {
    expect(lines(doc([layer('v'), layer('h'), layer('v')]))).toEqual([
      'nodes[2].id: duplicate node id "v" (first used by nodes[0]) (node "v")',
    ]);
  });

  it('rejects dangling edges and unknown ports', () => {
    const nodes = [layer('v'), layer('h'), { id: 'w', kind: 'dense' }];
    const ps = problems(doc(nodes, { edges: [edge('v', 'state', 'w', 'lower'), edge('ghost', 'state', 'w', 'upper'), edge('h', 'out', 'w', 'middle')] }));
    expect(ps.map(problemLine)).toEqual([
      'edges[1].from.node: no node with id "ghost"',
      'edges[2].from.port: layer node has no output "out" (its outputs: "state") (node "h", port "out")',
      'edges[2].to.port: dense node has no input "middle" (its inputs: "lower", "upper") (node "w", port "middle")',
    ]);
  });

  it('rejects comments framing missing nodes', () => {
    const comments = [{ id: 'c', text: 'hi', position: { x: 0, y: 0 }, nodes: ['v', 'nope'] }];
    expect(lines(doc([layer('v')], { comments }))).toEqual(['comments[0].nodes[1]: no node with id "nope"']);
  });

  it('describes wrong types at the document level', () => {
    expect(lines({ format: 'attractor-graph', version: GRAPH_VERSION, nodes: [5, { id: '1x', kind: 'layer' }] })).toEqual([
      'nodes[0]: expected an object, got 5',
      'nodes[1].id: expected a node id (letters, digits, "_" or "-", starting with a letter or "_", at most 64 characters), got "1x"',
    ]);
    expect(lines({ format: 'attractor-graph', version: GRAPH_VERSION })).toEqual(['nodes: expected an array of nodes, got nothing']);
  });
});

describe('oneOf', () => {
  it('joins with commas and a final "or"', () => {
    expect(oneOf(['a'])).toBe('"a"');
    expect(oneOf(['a', 'b'])).toBe('"a" or "b"');
    expect(oneOf(['a', 2, true])).toBe('"a", 2 or true');
  });
});
