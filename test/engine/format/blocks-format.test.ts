/**
 * Blocks in files: format version 2 round-trips through save and load, a version 1 file
 * opens unchanged (its version aside), and block library files (`*.blocks.json`) are read
 * with the same care as graph files and merged into a graph without clobbering anything.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadGraphText } from '../../../engine/format/load.js';
import { serializeGraph } from '../../../engine/format/save.js';
import { loadBlockLibraryText } from '../../../engine/format/block-library.js';
import { BLOCK_LIBRARY_FORMAT, blockLibrary, mergeDefinitions, validateBlockLibrary, withDependencies } from '../../../nodes/block-library.js';
import { GRAPH_VERSION, type BlockDefinition, type GraphDoc } from '../../../nodes/graph.js';
import { problemLine } from '../../../nodes/problems.js';

const text = (name: string) => readFileSync(`examples/${name}.attractor.json`, 'utf8');

function loaded(source: string): GraphDoc {
  const r = loadGraphText(source, 'g.json');
  if (!r.ok) throw new Error(r.problems.map(problemLine).join('\n'));
  return r.graph;
}

describe('graph files with blocks', () => {
  it.each(['deep-conv-blocks', 'attention-blocks'])('%s saves and reopens identical, and saves the same bytes again', (name) => {
    const graph = loaded(text(name));
    const saved = serializeGraph(graph);
    expect(loaded(saved)).toEqual(graph);
    expect(serializeGraph(loaded(saved))).toBe(saved);
    // Empty parts of a definition are left out; they read back as their defaults.
    const block = (JSON.parse(saved) as { blocks: Record<string, unknown>[] }).blocks[0];
    expect(Object.keys(block)).toEqual(['id', 'name', 'description', 'nodes', 'edges', 'inputs', 'outputs', 'params']);
    const instance = (JSON.parse(saved) as { nodes: Record<string, unknown>[] }).nodes[1];
    expect(Object.keys(instance)).toEqual(['id', 'kind', 'block', 'params', 'position']);
    expect(instance).toMatchObject({ id: 'stage1', kind: 'block', block: graph.blocks[0].id });
  });

  it('writes a graph without blocks as before: no "blocks" key', () => {
    const saved = serializeGraph(loaded(text('stack-3')));
    expect(saved).not.toContain('"blocks"');
    expect(saved.startsWith(`{\n  "format": "attractor-graph",\n  "version": ${GRAPH_VERSION},\n`)).toBe(true);
  });

  it('opens a version 1 file unchanged but for the version, and reports problems at its own paths without a migration note', () => {
    const v1 = { ...JSON.parse(text('stack-3')), version: 1 };
    const r = loadGraphText(JSON.stringify(v1), 'old.json');
    expect(r.ok && r.migratedFrom).toBe(1);
    expect(r.ok && r.graph).toEqual(loaded(text('stack-3')));
    const broken = { ...v1, nodes: [...v1.nodes, { id: 'k', kind: 'conv', params: { kernel: 2 } }] };
    const bad = loadGraphText(JSON.stringify(broken), 'old.json');
    expect(bad.ok ? [] : bad.problems.map(problemLine)).toEqual([`nodes[${v1.nodes.length}].params.kernel: expected an odd integer ≥ 1, got 2 (node "k")`]);
  });
});

describe('block library files', () => {
  const graph = loaded(text('deep-conv-blocks'));
  const library = blockLibrary(graph.blocks, ['conv-stage'], 'stages');

  it('round-trip through their text', () => {
    const r = loadBlockLibraryText(JSON.stringify(library, null, 2), 'stages.blocks.json');
    expect(r.ok && r.library).toEqual(library);
    expect(library.format).toBe(BLOCK_LIBRARY_FORMAT);
  });

  it('are refused with the file named, the line of a syntax error, and paths into the file', () => {
    const syntax = loadBlockLibraryText('{ "format": "attractor-blocks",, }', 'x.blocks.json');
    expect(syntax.ok ? [] : syntax.problems.map(problemLine)).toEqual(['(file): x.blocks.json is not valid JSON at line 1, column 32: expected a property name in double quotes, got ","']);
    const wrong = validateBlockLibrary({ format: 'attractor-graph', version: 1, blocks: [{ ...library.blocks[0], inputs: [{ name: 'below', to: [{ node: 'nope', port: 'x' }] }] }] });
    expect(wrong.ok ? [] : wrong.problems.map(problemLine)).toEqual([
      'format: expected "attractor-blocks", got "attractor-graph"',
      'blocks[0].inputs[0].to[0].node: no node "nope" inside (its nodes: "conv", "maps", "recur") (block "conv-stage")',
    ]);
    const newer = validateBlockLibrary({ format: BLOCK_LIBRARY_FORMAT, version: 2, blocks: [] });
    expect(newer.ok ? [] : newer.problems.map(problemLine)).toEqual(['version: written by a newer version (block library version 2; this build reads up to 1)']);
  });

  it('carry the blocks a chosen block uses', () => {
    const inner: BlockDefinition = { ...graph.blocks[0], id: 'inner' };
    const outer: BlockDefinition = { id: 'outer', description: '', nodes: [{ id: 'i', kind: 'block', block: 'inner', params: {}, position: { x: 0, y: 0 } }], edges: [], inputs: [], outputs: [], params: [] };
    expect(withDependencies([inner, outer, graph.blocks[0]], ['outer']).map((d) => d.id)).toEqual(['inner', 'outer']);
  });

  it('merge into a graph: the same block once, a clashing id renamed along with the references to it', () => {
    const ours = graph.blocks;
    expect(mergeDefinitions(ours, library.blocks)).toEqual({ blocks: ours, added: [], renamed: {} });
    const other: BlockDefinition = { ...ours[0], name: 'Another stage' };
    const user: BlockDefinition = { id: 'user', description: '', nodes: [{ id: 'i', kind: 'block', block: 'conv-stage', params: {}, position: { x: 0, y: 0 } }], edges: [], inputs: [], outputs: [], params: [] };
    const merged = mergeDefinitions(ours, [other, user]);
    expect(merged.added).toEqual(['conv-stage-2', 'user']);
    expect(merged.renamed).toEqual({ 'conv-stage': 'conv-stage-2' });
    expect(merged.blocks.find((d) => d.id === 'user')!.nodes[0]).toMatchObject({ block: 'conv-stage-2' });
    expect(merged.blocks[0]).toEqual(ours[0]);
  });
});
