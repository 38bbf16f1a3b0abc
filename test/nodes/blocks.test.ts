/**
 * Validation of block definitions and instances: every way a definition or an instance
 * can be wrong is refused with the path in the file and what was expected; and fuzzed
 * definitions (random changes anywhere in `blocks` and in the instances) are either
 * accepted, and then flatten and compile without a throw, or refused with paths that
 * lead into the file.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { validateGraph } from '../../nodes/validate.js';
import { GRAPH_VERSION } from '../../nodes/graph.js';
import { blockPorts } from '../../nodes/block-ports.js';
import { MAX_BLOCK_DEPTH } from '../../nodes/blocks.js';
import { problemLine, type PathSegment } from '../../nodes/problems.js';
import { compileGraph } from '../../engine/compile/compile.js';

type Json = Record<string, unknown>;

const pair = (): Json => ({
  id: 'pair',
  name: 'Pair',
  nodes: [
    { id: 'h', kind: 'layer', params: { shape: { type: 'vector', size: 6 } } },
    { id: 'w', kind: 'dense', params: {} },
    { id: 'data', kind: 'dataset', params: {} },
  ],
  edges: [{ from: { node: 'h', port: 'state' }, to: { node: 'w', port: 'upper' } }],
  inputs: [{ name: 'below', to: [{ node: 'w', port: 'lower' }] }],
  outputs: [{ name: 'out', from: { node: 'h', port: 'state' } }],
  params: [{ name: 'size', targets: [{ node: 'h', param: 'shape.size' }] }],
});

const graph = (blocks: Json[], nodes: Json[] = [{ id: 'b', kind: 'block', block: 'pair' }], edges: Json[] = []) => ({
  format: 'attractor-graph',
  version: GRAPH_VERSION,
  nodes: [{ id: 'v', kind: 'layer' }, ...nodes],
  edges,
  blocks,
});

function lines(input: unknown): string[] {
  const r = validateGraph(input);
  return r.ok ? [] : r.problems.map(problemLine);
}

describe('block definitions', () => {
  it('accepts a good one, and gives its instances the ports it defines', () => {
    const r = validateGraph(graph([pair()], [{ id: 'b', kind: 'block', block: 'pair', params: { size: 3 } }], [{ from: { node: 'v', port: 'state' }, to: { node: 'b', port: 'below' } }]));
    if (!r.ok) throw new Error(r.problems.map(problemLine).join('\n'));
    const def = r.graph.blocks[0];
    const ports = blockPorts(def, new Map([[def.id, def]]));
    expect(ports.inputs.map((p) => [p.name, p.socket, p.required])).toEqual([['below', 'layer', true]]);
    expect(ports.outputs.map((p) => [p.name, p.socket])).toEqual([['out', 'layer']]);
  });

  it('refuses broken insides with paths into blocks[i]', () => {
    const def = pair();
    def.nodes = [...(def.nodes as Json[]), { id: 'k', kind: 'conv', params: { kernel: 4 } }, { id: 'h', kind: 'layer' }, { id: 'x', kind: 'qantum' }];
    def.edges = [...(def.edges as Json[]), { from: { node: 'h', port: 'nope' }, to: { node: 'ghost', port: 'lower' } }];
    expect(lines(graph([def]))).toEqual([
      'blocks[0].nodes[3].params.kernel: expected an odd integer ≥ 1, got 4 (node "k")',
      'blocks[0].nodes[4].id: duplicate node id "h" in this block (first used by nodes[0]) (node "h")',
      'blocks[0].nodes[5].kind: unknown node kind "qantum" (node "x")',
      'blocks[0].edges[1].from.port: layer node has no output "nope" (its outputs: "state") (node "h", port "nope")',
      'blocks[0].edges[1].to.node: no node with id "ghost" in this block',
    ]);
  });

  it('refuses ports and exposed parameters that point at nothing, with what there is', () => {
    const def = pair();
    def.inputs = [
      { name: 'below', to: [{ node: 'w', port: 'lower' }, { node: 'gone', port: 'x' }] },
      { name: 'below', to: [{ node: 'w', port: 'side' }] },
      { name: 'mixed', to: [{ node: 'w', port: 'lower' }, { node: 'data', port: 'images' }] },
    ];
    def.outputs = [{ name: 'out', from: { node: 'w', port: 'state' } }];
    def.params = [
      { name: 'size', targets: [{ node: 'h', param: 'shape.sise' }] },
      { name: 'act', targets: [{ node: 'h', param: 'activaton' }, { node: 'nobody', param: 'x' }] },
    ];
    expect(lines(graph([def]))).toEqual([
      'blocks[0].inputs[0].to[1].node: no node "gone" inside (its nodes: "h", "w", "data") (block "pair")',
      'blocks[0].inputs[1].name: duplicate input port "below" (block "pair")',
      'blocks[0].inputs[1].to[0].port: node "w" has no input "side" (block "pair")',
      'blocks[0].inputs[2].to[1].port: node "data" has no input "images" (block "pair")',
      'blocks[0].outputs[0].from.port: node "w" has no output "state" (block "pair")',
      'blocks[0].params[0].targets[0].param: layer node "h" has no parameter "shape.sise" (did you mean "shape.size"?) (block "pair")',
      'blocks[0].params[1].targets[0].param: layer node "h" has no parameter "activaton" (did you mean "activation"?) (block "pair")',
      'blocks[0].params[1].targets[1].node: no node "nobody" inside (its nodes: "h", "w", "data") (block "pair")',
    ]);
  });

  it('refuses a block that contains itself, and blocks nested too deep', () => {
    const loop = { ...pair(), nodes: [...(pair().nodes as Json[]), { id: 'again', kind: 'block', block: 'pair' }] };
    expect(lines(graph([loop]))).toEqual(['blocks[0].nodes[3].block: block "pair" contains itself (pair → pair) (node "again")']);
    const chain = Array.from({ length: MAX_BLOCK_DEPTH + 1 }, (_, i) => ({
      id: `d${i}`,
      nodes: i === MAX_BLOCK_DEPTH ? [{ id: 'l', kind: 'layer' }] : [{ id: 'inner', kind: 'block', block: `d${i + 1}` }],
    }));
    expect(lines(graph(chain, [{ id: 'top', kind: 'block', block: 'd0' }]))).toEqual([`blocks[0]: blocks nest ${MAX_BLOCK_DEPTH + 1} deep inside "d0" (at most ${MAX_BLOCK_DEPTH})`]);
  });

  it('refuses duplicate definition ids and unknown fields', () => {
    expect(lines(graph([pair(), { ...pair(), colour: 'red' }, { id: 'bad id', nodes: [] }]))).toEqual([
      'blocks[1].colour: unknown field "colour"',
      expect.stringMatching(/^blocks\[2\]\.id: expected a node id/),
    ]);
    expect(lines(graph([pair(), pair()]))).toEqual(['blocks[1].id: duplicate block id "pair" (first used by blocks[0])']);
  });
});

describe('block instances', () => {
  it('must name a definition, with a hint for a typo', () => {
    expect(lines(graph([pair()], [{ id: 'b', kind: 'block', block: 'piar' }]))).toEqual(['nodes[1].block: no block definition "piar" (did you mean "pair"?) (node "b")']);
    expect(lines(graph([], [{ id: 'b', kind: 'block', block: 'pair' }]))).toEqual(['nodes[1].block: no block definition "pair" (the file defines no blocks) (node "b")']);
    expect(lines(graph([pair()], [{ id: 'b', kind: 'block' }]))).toEqual(['nodes[1].block: expected the id of a block definition, got nothing (node "b")']);
  });

  it('may set only exposed parameters, to values their targets accept', () => {
    const nodes = [{ id: 'b', kind: 'block', block: 'pair', params: { size: -2, sise: 3, colour: 1 } }];
    expect(lines(graph([pair()], nodes))).toEqual([
      'nodes[1].params.size: expected an integer ≥ 1, got -2 (for h.shape.size in block "pair") (node "b")',
      'nodes[1].params.sise: block "pair" exposes no parameter "sise" (did you mean "size"?) (node "b")',
      'nodes[1].params.colour: block "pair" exposes no parameter "colour" (it exposes "size") (node "b")',
    ]);
  });

  it('checks a value forwarded to a block inside, at the outer instance', () => {
    const tower = { id: 'tower', nodes: [{ id: 'p', kind: 'block', block: 'pair' }], params: [{ name: 'width', targets: [{ node: 'p', param: 'size' }] }] };
    expect(lines(graph([pair(), tower], [{ id: 't', kind: 'block', block: 'tower', params: { width: 'wide' } }]))).toEqual([
      'nodes[1].params.width: expected an integer ≥ 1, got "wide" (for h.shape.size in block "pair") (node "t")',
    ]);
  });

  it('is wired through the ports its definition has', () => {
    const edges = [
      { from: { node: 'v', port: 'state' }, to: { node: 'b', port: 'bellow' } },
      { from: { node: 'b', port: 'state' }, to: { node: 'v', port: 'x' } },
    ];
    expect(lines(graph([pair()], undefined, edges))).toEqual([
      'edges[0].to.port: block "b" (pair) has no input "bellow" (its inputs: "below") (node "b", port "bellow")',
      'edges[1].from.port: block "b" (pair) has no output "state" (its outputs: "out") (node "b", port "state")',
      'edges[1].to.port: layer node has no input "x" (its inputs: none) (node "v", port "x")',
    ]);
  });

  it('a catalog node may not name a block', () => {
    expect(lines(graph([pair()], [{ id: 'l', kind: 'layer', block: 'pair' }]))).toEqual(['nodes[1].block: unknown field "block" (node "l")']);
  });
});

// ---- fuzzing --------------------------------------------------------------

type Value = null | boolean | number | string | Value[] | { [k: string]: Value };

function get(v: Value, path: readonly PathSegment[]): Value | undefined {
  let cur: Value | undefined = v;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, Value>)[seg];
  }
  return cur;
}

function paths(v: Value, prefix: PathSegment[], out: PathSegment[][]): PathSegment[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

/** Where a fuzzer may change things: the definitions, and the block instances with their wires. */
function blockPaths(doc: Value): PathSegment[][] {
  const nodes = (get(doc, ['nodes']) as Value[]) ?? [];
  const instances = nodes.flatMap((n, i) => (n && typeof n === 'object' && (n as Json).kind === 'block' ? paths(n, ['nodes', i], []) : []));
  return [...paths(get(doc, ['blocks']) ?? [], ['blocks'], []).slice(1), ...instances];
}

const names = fc.constantFrom('conv-stage', 'attention-stage', 'below', 'maps', 'tokens', 'conv', 'kernel', 'channels', 'heads', 'beta', 'state', 'lower', 'shape.channels', 'x', '');
const replacement: fc.Arbitrary<Value> = fc.oneof(names, fc.integer({ min: -3, max: 40 }), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Value>);
const change = fc.record({ pick: fc.nat(), op: fc.constantFrom('replace', 'delete', 'duplicate'), value: replacement });

describe('fuzzed block definitions', () => {
  const bases = ['deep-conv-blocks', 'attention-blocks'].map((n) => JSON.parse(readFileSync(`examples/${n}.attractor.json`, 'utf8')) as Value);

  it('are accepted and compile, or are refused with paths into the file; never a throw', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.nat(), fc.array(change, { minLength: 1, maxLength: 4 }), (b, changes) => {
        const doc = structuredClone(bases[b % bases.length]);
        for (const c of changes) {
          const candidates = blockPaths(doc);
          if (candidates.length === 0) break;
          const path = candidates[c.pick % candidates.length];
          const parent = get(doc, path.slice(0, -1)) as Record<string, Value> | Value[];
          const key = path[path.length - 1];
          if (c.op === 'delete') {
            if (Array.isArray(parent)) parent.splice(key as number, 1);
            else delete parent[key];
          } else if (c.op === 'duplicate' && Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(parent[key as number]));
          else Object.defineProperty(parent, key, { value: c.value, enumerable: true, writable: true, configurable: true });
        }
        const r = validateGraph(doc);
        if (r.ok) {
          const compiled = compileGraph(r.graph);
          for (const p of compiled.problems) expect(p.path.length > 0 || p.nodeId !== undefined, JSON.stringify(p)).toBe(true);
          return;
        }
        refused++;
        for (const p of r.problems) {
          expect(p.message.length).toBeGreaterThan(0);
          const parent = get(doc, p.path.slice(0, -1));
          expect(p.path.length === 0 || (parent !== null && typeof parent === 'object'), `${problemLine(p)} does not lead into the file`).toBe(true);
        }
      }),
      { numRuns: 400, seed: 16 },
    );
    expect(refused).toBeGreaterThan(100);
  });
});
