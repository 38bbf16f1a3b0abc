/**
 * Blocks are flattened before compiling: a graph built from blocks compiles to exactly the
 * plan of the same graph wired by hand (node ids aside: paths through the instances,
 * "stage2/conv", where the hand-wired graph says stage2_conv), under every schedule; and
 * what the compiler says about a node inside a block points at the file: the definition's
 * node, or the instance's override that set the value.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile/compile.js';
import { flattenGraph, MAX_FLAT_NODES } from '../../../engine/compile/flatten.js';
import type { Plan } from '../../../engine/compile/plan.js';
import { formatPlan } from '../../../engine/compile/plan-text.js';
import type { GraphDoc } from '../../../nodes/graph.js';
import { validateGraph } from '../../../nodes/validate.js';
import { problemLine } from '../../../nodes/problems.js';
import { between, clamp, dataset, graphOf, grid, layer, target, vector, within } from '../../helpers/graphs.js';

type Json = Record<string, unknown>;

function example(name: string): GraphDoc {
  const r = validateGraph(JSON.parse(readFileSync(`examples/${name}.attractor.json`, 'utf8')));
  if (!r.ok) throw new Error(r.problems.map(problemLine).join('\n'));
  return r.graph;
}

function compiled(graph: GraphDoc, overrides: Parameters<typeof compileGraph>[1] = {}): Plan {
  const { plan, problems } = compileGraph(graph, overrides);
  if (!plan) throw new Error(problems.map(problemLine).join('\n'));
  return plan;
}

/** The plan as JSON with paths spelled as the hand-wired graph spells its ids. */
const handSpelled = (plan: Plan) => {
  const { blocks: _b, ...rest } = plan;
  void _b;
  return JSON.stringify(rest).replace(/\b(stage\d|outer\d|inner\d)\//g, '$1_');
};

const SCHEDULES = [
  { schedule: 'chromatic' },
  { schedule: 'synchronous' },
  { schedule: 'sequential' },
  { schedule: 'sequential', order: 'shuffled' },
  { schedule: 'asynchronous' },
] as const;

const mnist = { kind: 'mnist', split: 'all' };
const completion = [dataset('digits', mnist), clamp('given', 'visible', 'digits', { kind: 'top-half' }), target('loss', 'visible', 'digits', { units: 'unclamped' })];

describe('flattening = the same graph wired by hand', () => {
  it('the deep convolutional example, three instances of one stage with their overrides', () => {
    const blocks = example('deep-conv-blocks');
    const stage = (n: number, below: string, channels: number, kernel: number) => [
      between('conv', `stage${n}_conv`, below, `stage${n}_maps`, { kernel, init: { gain: 0.3, distribution: 'normal' } }),
      layer(`stage${n}_maps`, grid(channels, 28, 28)),
      within('conv-within', `stage${n}_recur`, `stage${n}_maps`, { kernel: 3, init: { gain: 0.2, distribution: 'normal' } }),
    ];
    const hand = graphOf(
      [layer('visible', grid(1, 28, 28), { role: 'visible' }), ...stage(1, 'visible', 4, 5), ...stage(2, 'stage1_maps', 4, 3), ...stage(3, 'stage2_maps', 8, 3), ...completion],
      blocks.settle,
      { training: blocks.training },
    );
    for (const s of SCHEDULES) expect(handSpelled(compiled(blocks, s)), JSON.stringify(s)).toBe(JSON.stringify(compiled(hand, s)));
  });

  it('the attention example, two instances of one attention stage', () => {
    const blocks = example('attention-blocks');
    const stage = (n: number, below: string, beta: number) => [
      between('dense', `stage${n}_W`, below, `stage${n}_tokens`, { init: { gain: 0.3, distribution: 'normal' } }),
      layer(`stage${n}_tokens`, { type: 'tokens', tokens: 16, dim: 8 }),
      {
        nodes: [{ id: `stage${n}_attend`, kind: 'self-attention', params: { heads: 2, keyDim: 8, beta, step: 0.1, mask: { kind: 'local', radius: 2 } } }],
        edges: [{ from: { node: `stage${n}_tokens`, port: 'state' }, to: { node: `stage${n}_attend`, port: 'layer' } }],
      },
    ];
    const hand = graphOf([layer('visible', vector(784), { role: 'visible' }), ...stage(1, 'visible', 1), ...stage(2, 'stage1_tokens', 2), ...completion], blocks.settle, {
      training: blocks.training,
    });
    for (const s of SCHEDULES) expect(handSpelled(compiled(blocks, s)), JSON.stringify(s)).toBe(JSON.stringify(compiled(hand, s)));
  });

  it('blocks inside blocks, with an override forwarded from the outer instance to the inner one', () => {
    const inner = {
      id: 'pair',
      nodes: [
        { id: 'h', kind: 'layer', params: { shape: vector(6) } },
        { id: 'w', kind: 'dense', params: {} },
      ],
      edges: [{ from: { node: 'h', port: 'state' }, to: { node: 'w', port: 'upper' } }],
      inputs: [{ name: 'below', to: [{ node: 'w', port: 'lower' }] }],
      outputs: [{ name: 'out', from: { node: 'h', port: 'state' } }],
      params: [{ name: 'size', targets: [{ node: 'h', param: 'shape.size' }] }],
    };
    const outer = {
      id: 'tower',
      nodes: [
        { id: 'inner1', kind: 'block', block: 'pair', params: {} },
        { id: 'inner2', kind: 'block', block: 'pair', params: { size: 3 } },
      ],
      edges: [{ from: { node: 'inner1', port: 'out' }, to: { node: 'inner2', port: 'below' } }],
      inputs: [{ name: 'below', to: [{ node: 'inner1', port: 'below' }] }],
      outputs: [{ name: 'top', from: { node: 'inner2', port: 'out' } }],
      params: [{ name: 'width', targets: [{ node: 'inner1', param: 'size' }] }],
    };
    const withBlocks = graphOf(
      [
        layer('visible', vector(16), { role: 'visible' }),
        { nodes: [{ id: 'outer1', kind: 'block', block: 'tower', params: { width: 5 } }], edges: [{ from: { node: 'visible', port: 'state' }, to: { node: 'outer1', port: 'below' } }] },
      ],
      {},
      { blocks: [inner, outer] },
    );
    const hand = graphOf([
      layer('visible', vector(16), { role: 'visible' }),
      layer('outer1_inner1_h', vector(5)),
      between('dense', 'outer1_inner1_w', 'visible', 'outer1_inner1_h'),
      layer('outer1_inner2_h', vector(3)),
      between('dense', 'outer1_inner2_w', 'outer1_inner1_h', 'outer1_inner2_h'),
    ]);
    const plan = compiled(withBlocks);
    expect(plan.layers.map((l) => l.id)).toEqual(['visible', 'outer1/inner1/h', 'outer1/inner2/h']);
    expect(plan.params.map((p) => p.name)).toContain('outer1/inner2/w');
    expect(plan.blocks?.map((b) => [b.path, b.nodes])).toEqual([
      ['outer1', 4],
      ['outer1/inner1', 2],
      ['outer1/inner2', 2],
    ]);
    expect(JSON.stringify(compiled(hand)).replaceAll('_', '/')).toBe(handSpelled(plan).replaceAll('_', '/'));
  });

  it('leaves a graph without blocks as it is: same plan, no blocks section', () => {
    const graph = example('stack-3');
    const flat = flattenGraph(graph);
    expect('graph' in flat && flat.graph.nodes).toBe(graph.nodes);
    expect(compiled(graph).blocks).toBeUndefined();
    expect(formatPlan(compiled(graph))).not.toContain('blocks:');
  });

  it('names every plan line and parameter by its path, and lists the instances', () => {
    const plan = compiled(example('deep-conv-blocks'));
    expect(plan.params.map((p) => p.name)).toEqual(expect.arrayContaining(['stage1/conv', 'stage2/recur', 'stage3/maps.b']));
    const text = formatPlan(plan);
    expect(text).toContain('z[stage2/maps] += conv(x[stage1/maps], stage2/conv)');
    expect(text).toMatch(/^blocks:\n {2}stage1 {2}conv-stage "Conv stage" {2}3 nodes {4}kernel = 5$/m);
    expect(text).toMatch(/^ {2}stage3 .*channels = 8$/m);
  });
});

describe('problems point into the file', () => {
  const group = {
    id: 'grp',
    nodes: [
      { id: 'h', kind: 'layer', params: { shape: vector(10) } },
      { id: 'w', kind: 'dense', params: {} },
    ],
    edges: [{ from: { node: 'h', port: 'state' }, to: { node: 'w', port: 'upper' } }],
    inputs: [{ name: 'below', to: [{ node: 'w', port: 'lower' }] }],
    params: [{ name: 'group', targets: [{ node: 'h', param: 'softmaxGroup' }] }],
  };
  const wired = (instances: Json[], blocks: Json[] = [group]) =>
    graphOf(
      [
        layer('visible', vector(4), { role: 'visible' }),
        { nodes: instances, edges: instances.map((i) => ({ from: { node: 'visible', port: 'state' }, to: { node: i.id, port: 'below' } })) },
      ],
      {},
      { blocks },
    );

  it("at the instance's override that set a value the compiler refuses", () => {
    const graph = wired([
      { id: 'b1', kind: 'block', block: 'grp', params: {} },
      { id: 'b2', kind: 'block', block: 'grp', params: { group: 3 } },
    ]);
    const { plan, problems } = compileGraph(graph);
    expect(plan).toBeUndefined();
    expect(problems.filter((p) => p.severity === 'error').map(problemLine)).toEqual([
      'nodes[2].params.group: expected softmaxGroup to divide the layer size 10, got 3 (node "b2/h")',
    ]);
  });

  it("at the definition's node, once per instance, when the definition itself is at fault", () => {
    const bad = { ...group, nodes: [...group.nodes, { id: 'k', kind: 'conv-within', params: {} }], edges: [...group.edges, { from: { node: 'h', port: 'state' }, to: { node: 'k', port: 'layer' } }] };
    const { problems } = compileGraph(wired([{ id: 'b1', kind: 'block', block: 'grp' }, { id: 'b2', kind: 'block', block: 'grp' }], [bad]));
    expect(problems.filter((p) => p.severity === 'error').map(problemLine)).toEqual([
      'blocks[0].nodes[2]: expected a grid layer, got vector[10] from layer "b1/h" (node "b1/k", port "layer")',
      'blocks[0].nodes[2]: expected a grid layer, got vector[10] from layer "b2/h" (node "b2/k", port "layer")',
    ]);
  });

  it('says which block input an unconnected inner port stands for', () => {
    const graph = graphOf([layer('visible', vector(4), { role: 'visible' }), { nodes: [{ id: 'b1', kind: 'block', block: 'grp' }], edges: [] }], {}, { blocks: [group] });
    const { problems } = compileGraph(graph);
    expect(problems.map(problemLine)).toContain(
      'blocks[0].nodes[1]: input "lower" is not connected (it is input "below" of block "b1", which nothing feeds) (node "b1/w", port "lower")',
    );
  });

  it('refuses a graph whose blocks expand past the limit, before expanding anything', () => {
    const leafs = { id: 'leafs', nodes: Array.from({ length: 20 }, (_, i) => ({ id: `l${i}`, kind: 'layer' })) };
    const many = (id: string, of: string) => ({ id, nodes: Array.from({ length: 20 }, (_, i) => ({ id: `i${i}`, kind: 'block', block: of })) });
    const graph = graphOf([{ nodes: [{ id: 'top', kind: 'block', block: 'c' }], edges: [] }], {}, { blocks: [leafs, many('b', 'leafs'), many('c', 'b')] });
    const { problems } = compileGraph(graph);
    expect(problems).toEqual([
      { severity: 'error', path: ['nodes'], message: `the graph expands to 8,000 nodes through its blocks (at most ${MAX_FLAT_NODES.toLocaleString('en-US')})` },
    ]);
  });
});
