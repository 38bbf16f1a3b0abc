/** Clipboard payloads and paste planning, as plain data. */
import { describe, expect, it } from 'vitest';
import { makeClip, parseClip, planPaste, CLIPBOARD_TAG } from '../../../app/renderer/src/editor/clipboard.js';
import { nextId } from '../../../app/renderer/src/editor/ids.js';
import type { NodeRecord } from '../../../app/renderer/src/editor/document.js';

const layer = (id: string, x = 0, y = 0): NodeRecord => ({ id, kind: 'layer', params: { shape: { type: 'vector', size: 4 } }, position: { x, y } });
const dense = (id: string): NodeRecord => ({ id, kind: 'dense', label: 'W', params: {}, position: { x: 100, y: 0 } });
const edge = (a: string, ap: string, b: string, bp: string) => ({ from: { node: a, port: ap }, to: { node: b, port: bp } });

describe('nextId', () => {
  it('takes the smallest free number', () => {
    expect(nextId('dense', new Set())).toBe('dense-1');
    expect(nextId('dense', new Set(['dense-1', 'dense-3']))).toBe('dense-2');
    expect(nextId('self-attention', new Set(['self-attention-1']))).toBe('self-attention-2');
  });
});

describe('makeClip', () => {
  it('keeps only the wires among the copied nodes, and copies deeply', () => {
    const nodes = [layer('a'), dense('w')];
    const clip = makeClip(nodes, [edge('a', 'state', 'w', 'lower'), edge('b', 'state', 'w', 'upper')]);
    expect(clip).toEqual({ [CLIPBOARD_TAG]: 1, nodes, edges: [edge('a', 'state', 'w', 'lower')], blocks: [] });
    (nodes[0].params.shape as { size: number }).size = 99;
    expect(clip.nodes[0].params).toEqual({ shape: { type: 'vector', size: 4 } });
  });
});

describe('parseClip', () => {
  it('reads back what makeClip wrote', () => {
    const clip = makeClip([layer('a', 5, 6), dense('w')], [edge('a', 'state', 'w', 'lower')]);
    expect(parseClip(JSON.stringify(clip))).toEqual(clip);
  });

  it('ignores text that is not our payload', () => {
    expect(parseClip('hello')).toBeUndefined();
    expect(parseClip('{"nodes": []}')).toBeUndefined();
    expect(parseClip(JSON.stringify({ [CLIPBOARD_TAG]: 2, nodes: [] }))).toBeUndefined();
  });

  it('drops unknown kinds, malformed nodes and wires to missing nodes or ports', () => {
    const text = JSON.stringify({
      [CLIPBOARD_TAG]: 1,
      nodes: [layer('a'), dense('w'), { id: 'x', kind: 'teleporter' }, { kind: 'layer' }, { id: 'n', kind: 'noise', position: { x: 'far' } }],
      edges: [edge('a', 'state', 'w', 'lower'), edge('a', 'state', 'x', 'in'), edge('a', 'nope', 'w', 'upper'), 'junk'],
    });
    const clip = parseClip(text)!;
    expect(clip.nodes.map((n) => n.id)).toEqual(['a', 'w', 'n']);
    expect(clip.nodes[2]).toEqual({ id: 'n', kind: 'noise', params: {}, position: { x: 0, y: 0 } });
    expect(clip.edges).toEqual([edge('a', 'state', 'w', 'lower')]);
  });
});

describe('planPaste', () => {
  it('gives fresh kind-based ids, moves by the offset and renames the wires', () => {
    const clip = makeClip([layer('a', 10, 20), layer('b'), dense('w')], [edge('a', 'state', 'w', 'lower'), edge('b', 'state', 'w', 'upper')]);
    const plan = planPaste(clip, new Set(['a', 'b', 'w', 'layer-1']), 40);
    expect(plan.nodes.map((n) => n.id)).toEqual(['layer-2', 'layer-3', 'dense-1']);
    expect(plan.nodes[0].position).toEqual({ x: 50, y: 60 });
    expect(plan.nodes[2].label).toBe('W');
    expect(plan.edges).toEqual([edge('layer-2', 'state', 'dense-1', 'lower'), edge('layer-3', 'state', 'dense-1', 'upper')]);
    expect(clip.nodes[0].id).toBe('a');
  });
});
