/**
 * Experiments on graphs with blocks: `--set` and sweeps set an instance's exposed
 * parameters by `INSTANCE.NAME` (an override, checked like one in a file), and a remote
 * sweep uploads the files of datasets wherever they sit, inside block definitions too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile/compile.js';
import { layerById } from '../../../engine/compile/plan.js';
import { applyOverrides } from '../../../engine/experiments/overrides.js';
import { graphInputs } from '../../../engine/experiments/remote-sweep.js';
import { loadGraphJson } from '../../../engine/format/load.js';
import type { GraphDoc } from '../../../nodes/graph.js';
import { problemLine } from '../../../nodes/problems.js';

function graphWith(mutate: (doc: { nodes: unknown[]; blocks: { nodes: unknown[] }[]; weights?: string }) => void): GraphDoc {
  const doc = JSON.parse(readFileSync('examples/deep-conv-blocks.attractor.json', 'utf8')) as { nodes: unknown[]; blocks: { nodes: unknown[] }[] };
  mutate(doc);
  const r = loadGraphJson(doc, 'g.json');
  if (!r.ok) throw new Error(r.problems.map(problemLine).join('\n'));
  return r.graph;
}

describe('overrides of block instances', () => {
  const graph = graphWith(() => undefined);

  it("set an exposed parameter on one instance: the flattened graph follows, the other instances don't", () => {
    const set = applyOverrides(graph, { 'stage2.channels': 6 }, 'g.json');
    expect(set.nodes.find((n) => n.id === 'stage2')!.params).toEqual({ channels: 6 });
    const { plan, problems } = compileGraph(set);
    if (!plan) throw new Error(problems.map((p) => p.message).join('\n'));
    expect(layerById(plan, 'stage2/maps').shape).toMatchObject({ channels: 6 });
    expect(layerById(plan, 'stage1/maps').shape).toMatchObject({ channels: 4 });
  });

  it('are refused with the instance and the parameter named when the block exposes no such parameter', () => {
    expect(() => applyOverrides(graph, { 'stage3.kernal': 5 }, 'g.json')).toThrow(
      'g.json with stage3.kernal=5: nodes[3].params.kernal: block "conv-stage" exposes no parameter "kernal" (did you mean "kernel"?) (node "stage3")',
    );
    expect(() => applyOverrides(graph, { 'conv.kernel': 5 }, 'g.json')).toThrow('conv.kernel: no node "conv" in the graph');
  });
});

describe('graphInputs', () => {
  it('lists dataset files inside block definitions as well as at the top level, and the weights', () => {
    const withData = graphWith((doc) => {
      doc.nodes.push({ id: 'top', kind: 'dataset', params: { source: { kind: 'csv', path: 'data/top.csv' } } });
      doc.blocks[0].nodes.push({ id: 'inside', kind: 'dataset', params: { source: { kind: 'csv', path: 'data/inside.csv' } } });
      doc.weights = 'net.weights';
    });
    expect(graphInputs(withData)).toEqual(['data/top.csv', 'data/inside.csv', 'net.weights']);
  });

  it('lists nothing for datasets that read no file', () => {
    expect(graphInputs(graphWith(() => undefined))).toEqual([]);
  });
});
