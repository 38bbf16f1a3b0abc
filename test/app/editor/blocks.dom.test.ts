// @vitest-environment jsdom
/**
 * Blocks in the real editor (Rete and its React rendering in jsdom): make a block of a
 * selection, open it and edit inside, undo and redo across block edits, instances sharing
 * a definition, copy and paste of blocks, ungroup; and the engine's verdict on what the
 * editor gives back: the same plan as the graph wired by hand.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from '@testing-library/react';
import { compileGraph } from '../../../engine/compile/compile.js';
import type { Plan } from '../../../engine/compile/plan.js';
import type { GraphDoc } from '../../../nodes/graph.js';
import { validateGraph } from '../../../nodes/validate.js';
import { byTestId, drawWire, example, installShims, mount, tick, type Mounted } from './dom.js';

beforeAll(installShims);

let m: Mounted;
afterEach(() => m?.unmount());

/** The document without its viewport (looking around is not an edit). */
const doc = (m: Mounted) => {
  const { editor: _v, ...rest } = m.editor.toGraph();
  void _v;
  return rest;
};
const onCanvas = (m: Mounted) => [...m.container.querySelectorAll<HTMLElement>('[data-testid^="node-"]')].map((n) => n.dataset.testid!.slice(5)).sort();
const edgeText = (g: GraphDoc) => g.edges.map((e) => `${e.from.node}.${e.from.port}->${e.to.node}.${e.to.port}`);

function planOf(graph: GraphDoc): Plan {
  const checked = validateGraph(graph);
  if (!checked.ok) throw new Error(checked.problems.map((p) => p.message).join('\n'));
  const { plan, problems } = compileGraph(checked.graph);
  if (!plan) throw new Error(problems.map((p) => p.message).join('\n'));
  return plan;
}

/** A plan as text with a block's path taken out of every name: what the graph wired by hand compiles to. */
function withoutPath(plan: Plan, path: string): string {
  const { blocks: _b, ...rest } = plan;
  void _b;
  return JSON.stringify(rest).replaceAll(`${path}/`, '');
}

describe('make block', () => {
  it('turns the selection into one instance whose ports are the wires that crossed its border; the plan is unchanged', async () => {
    const original = example('stack-3');
    m = await mount(original);
    m.editor.select(['h1', 'W1']);
    const id = await m.editor.makeBlock();
    expect(id).toBe('block-1');
    const g = m.editor.toGraph();
    // The instance takes the first chosen node's place, so the flattened graph keeps the document's order.
    expect(g.nodes.map((n) => n.id)).toEqual(['visible', 'block-1', 'h2', 'W2', 'digits', 'given', 'loss']);
    expect(g.blocks).toHaveLength(1);
    const def = g.blocks[0];
    expect(def.nodes.map((n) => n.id)).toEqual(['h1', 'W1']);
    expect(def.edges).toEqual([{ from: { node: 'h1', port: 'state' }, to: { node: 'W1', port: 'upper' } }]);
    expect(def.inputs).toEqual([{ name: 'lower', to: [{ node: 'W1', port: 'lower' }] }]);
    expect(def.outputs).toEqual([{ name: 'h1', from: { node: 'h1', port: 'state' } }]);
    expect(edgeText(g)).toContain('visible.state->block-1.lower');
    expect(edgeText(g)).toContain('block-1.h1->W2.lower');
    expect(m.editor.selected()).toEqual(['block-1']);
    // The instance shows the definition's ports.
    expect(byTestId(m.container, 'socket-block-1-in-lower').dataset.socket).toBe('layer');
    expect(byTestId(m.container, 'socket-block-1-out-h1').dataset.socket).toBe('layer');
    expect(withoutPath(planOf(g), 'block-1')).toBe(withoutPath(planOf(original), 'block-1'));
  });

  it('refuses with nothing selected, and undoes and redoes as one step', async () => {
    m = await mount(example('stack-3'));
    const before = doc(m);
    expect(await m.editor.makeBlock()).toBeUndefined();
    expect(m.refused).toEqual(['select the nodes to make a block of first']);
    m.editor.select(['h2', 'W2']);
    await m.editor.makeBlock();
    const after = doc(m);
    await m.editor.undo();
    expect(doc(m)).toEqual(before);
    expect(onCanvas(m)).toContain('h2');
    await m.editor.redo();
    expect(doc(m)).toEqual(after);
  });
});

describe('inside a block', () => {
  async function made(): Promise<string> {
    m = await mount(example('stack-3'));
    m.editor.select(['h2', 'W2']);
    return (await m.editor.makeBlock())!;
  }

  it('opens with a breadcrumb and boundary nodes (a node that is no block refused); the document stays whole', async () => {
    const id = await made();
    const outside = doc(m);
    // The menu offers Open and Ungroup for any single node: one that is no block is refused with a reason.
    m.editor.select(['h1']);
    await m.editor.openBlock();
    expect(await m.editor.ungroup()).toEqual([]);
    expect(m.refused).toEqual(['select a block to open', 'select a block to ungroup']);
    expect(m.editor.blockPath()).toEqual([]);
    await m.editor.openBlock(id);
    expect(m.editor.blockPath()).toEqual([{ instance: id, block: 'block-1' }]);
    await waitFor(() => expect(onCanvas(m)).toEqual(['@inputs', '@outputs', 'W2', 'h2'].sort()));
    const crumb = byTestId(m.container, 'block-breadcrumb');
    expect(crumb.hidden).toBe(false);
    expect(crumb.textContent).toBe('Graph›block-1 (Block 1)');
    expect(doc(m)).toEqual(outside);
    byTestId(m.container, 'breadcrumb-0').click();
    await waitFor(() => expect(m.editor.blockPath()).toEqual([]));
    expect(onCanvas(m)).toContain(id);
    expect(doc(m)).toEqual(outside);
  });

  it('opens on a double-click of the instance (two presses in quick succession)', async () => {
    const id = await made();
    const node = byTestId(m.container, `node-${id}`);
    const press = () => node.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, button: 0, pointerId: 1 }));
    press();
    await tick(10);
    expect(m.editor.blockPath()).toEqual([]);
    press();
    await waitFor(() => expect(m.editor.blockPath()).toHaveLength(1));
  });

  it('edits the definition: every instance changes, and the plan follows', async () => {
    const id = await made();
    m.editor.select([id]);
    await m.editor.duplicate();
    const second = m.editor.selected()[0];
    expect(m.editor.toGraph().blocks).toHaveLength(1);
    await m.editor.openBlock(id);
    m.editor.setParams('h2', { shape: { type: 'vector', size: 32 } });
    await tick();
    const g = m.editor.toGraph();
    expect(g.blocks[0].nodes.find((n) => n.id === 'h2')!.params).toMatchObject({ shape: { type: 'vector', size: 32 } });
    // The copy's input is left unwired by the paste: wire it as the first is.
    g.edges.push({ from: { node: 'h1', port: 'state' }, to: { node: second, port: 'lower' } });
    const layers = planOf(g).layers.map((l) => [l.id, l.units]);
    expect(layers).toContainEqual([`${id}/h2`, 32]);
    expect(layers).toContainEqual([`${second}/h2`, 32]);
  });

  it('undoes and redoes across block edits, going back into the block each step was made in', async () => {
    const original = doc(await (async () => (m = await mount(example('stack-3'))))());
    m.editor.select(['h2', 'W2']);
    const id = (await m.editor.makeBlock())!;
    const madeBlock = doc(m);
    await m.editor.openBlock(id);
    await m.editor.addNode('noise', { x: 0, y: 300 });
    const noised = doc(m);
    m.editor.setParams('h2', { shape: { type: 'vector', size: 16 } });
    const edited = doc(m);
    await m.editor.closeBlock();
    expect(m.editor.blockPath()).toEqual([]);

    await m.editor.undo();
    expect(m.editor.blockPath()).toEqual([{ instance: id, block: 'block-1' }]);
    expect(doc(m)).toEqual(noised);
    await m.editor.undo();
    expect(doc(m)).toEqual(madeBlock);
    expect(onCanvas(m)).not.toContain('noise-1');
    await m.editor.undo();
    expect(m.editor.blockPath()).toEqual([]);
    expect(doc(m)).toEqual(original);
    expect(m.editor.canUndo()).toBe(false);

    await m.editor.redo();
    expect(doc(m)).toEqual(madeBlock);
    await m.editor.redo();
    await m.editor.redo();
    expect(m.editor.blockPath()).toHaveLength(1);
    expect(doc(m)).toEqual(edited);
  });

  it('rewires a port from the boundary nodes, and refuses a wire from the inputs straight to the outputs', async () => {
    m = await mount(example('stack-3'));
    m.editor.select(['h1', 'W1']);
    const id = (await m.editor.makeBlock())!;
    await m.editor.openBlock(id);
    await waitFor(() => byTestId(m.container, 'node-@inputs'));
    const wire = [...m.container.querySelectorAll<HTMLElement>('[data-testid="connection"]')].find((c) => c.dataset.from === '@inputs.lower')!;
    expect(wire.dataset.to).toBe('W1.lower');
    await drawWire(m.container, 'socket-@inputs-out-lower', 'socket-@outputs-in-h1');
    expect(m.refused.at(-1)).toBe("a block's input cannot go straight to its output: wire it to a node inside");
    m.editor.select([]);
    m.editor.select(['W1']);
    // Deleting the node inside takes its boundary wire with it: the port feeds nothing now.
    await m.editor.deleteSelected();
    const def = m.editor.toGraph().blocks[0];
    expect(def.inputs).toEqual([{ name: 'lower', to: [] }]);
    expect(validateGraph(m.editor.toGraph()).ok).toBe(true);
    // The boundary nodes are the block's ports: deleting them does nothing.
    m.editor.select(['@inputs', '@outputs']);
    expect(m.editor.selected()).toEqual([]);
  });
});

describe('instances and their overrides', () => {
  it('an exposed parameter set on one instance changes that instance only', async () => {
    m = await mount(example('stack-3'));
    m.editor.select(['h2', 'W2']);
    const a = (await m.editor.makeBlock())!;
    const b = (await m.editor.addBlock('block-1', { x: 400, y: 0 }))!;
    await m.editor.updateBlock('block-1', { params: [{ name: 'size', targets: [{ node: 'h2', param: 'shape.size' }] }] });
    m.editor.setParams(b, { size: 8 });
    const g = m.editor.toGraph();
    expect(g.blocks[0].params).toEqual([{ name: 'size', targets: [{ node: 'h2', param: 'shape.size' }] }]);
    g.edges.push({ from: { node: 'h1', port: 'state' }, to: { node: b, port: 'lower' } });
    const units = Object.fromEntries(planOf(g).layers.map((l) => [l.id, l.units]));
    expect(units[`${a}/h2`]).toBe(64);
    expect(units[`${b}/h2`]).toBe(8);
    // The instance says what it sets.
    await waitFor(() => expect(byTestId(m.container, `node-${b}`).querySelector('.ase-node__summary')!.textContent).toBe('size 8'));
    await m.editor.undo();
    expect(m.editor.toGraph().nodes.find((n) => n.id === b)!.params).toEqual({});
    await m.editor.undo();
    expect(m.editor.toGraph().blocks[0].params).toEqual([]);
  });

  it('refuses an instance of a block inside itself', async () => {
    m = await mount(example('stack-3'));
    m.editor.select(['h2', 'W2']);
    const id = (await m.editor.makeBlock())!;
    await m.editor.openBlock(id);
    expect(await m.editor.addBlock('block-1')).toBeUndefined();
    expect(m.refused.at(-1)).toBe('block "block-1" cannot go inside block "block-1": it would contain itself');
  });
});

describe('copy and paste of blocks', () => {
  it('pastes an instance of the same definition in the same graph, and brings the definition into another', async () => {
    m = await mount(example('stack-3'));
    m.editor.select(['h2', 'W2']);
    const id = (await m.editor.makeBlock())!;
    m.editor.select([id]);
    m.editor.copy();
    const written = JSON.parse(vi.mocked(navigator.clipboard.writeText).mock.calls.at(-1)![0]) as { blocks: { id: string }[] };
    expect(written.blocks.map((b) => b.id)).toEqual(['block-1']);
    await m.editor.paste();
    const g = m.editor.toGraph();
    expect(g.blocks).toHaveLength(1);
    expect(g.nodes.filter((n) => n.kind === 'block').map((n) => n.id)).toEqual([id, 'block-1-1']);

    // Another graph: the paste carries the definition along.
    await m.editor.load(example('hopfield'));
    await m.editor.paste();
    const other = m.editor.toGraph();
    expect(other.blocks.map((b) => b.id)).toEqual(['block-1']);
    expect(validateGraph(other).ok).toBe(true);
    // Undo takes the instance and the definition away together.
    await m.editor.undo();
    expect(m.editor.toGraph().blocks).toEqual([]);
  });

  it('pastes from another window through the system clipboard, definitions included', async () => {
    m = await mount(example('stack-3'));
    m.editor.select(['h2', 'W2']);
    const id = (await m.editor.makeBlock())!;
    m.editor.select([id]);
    m.editor.copy();
    const text = vi.mocked(navigator.clipboard.writeText).mock.calls.at(-1)![0];
    m.unmount();
    m = await mount(example('hopfield'));
    vi.mocked(navigator.clipboard.readText).mockResolvedValueOnce(text);
    await m.editor.paste();
    expect(m.editor.toGraph().blocks.map((b) => b.id)).toEqual(['block-1']);
    expect(m.editor.toGraph().nodes.at(-1)).toMatchObject({ kind: 'block', block: 'block-1' });
  });

  it('renames a pasted definition whose id the graph uses for another block', async () => {
    m = await mount(example('stack-3'));
    m.editor.select(['h2', 'W2']);
    await m.editor.makeBlock();
    m.editor.select(['block-1']);
    m.editor.copy();
    await m.editor.load(example('stack-3'));
    m.editor.select(['h1']);
    await m.editor.makeBlock();
    await m.editor.paste();
    const g = m.editor.toGraph();
    expect(g.blocks.map((b) => b.id)).toEqual(['block-1', 'block-1-2']);
    expect(g.nodes.at(-1)).toMatchObject({ kind: 'block', block: 'block-1-2' });
  });
});

describe('ungroup', () => {
  it('puts the contents back, wired as before, with the overrides written in; undoable', async () => {
    const original = example('stack-3');
    m = await mount(original);
    m.editor.select(['h1', 'W1']);
    const id = (await m.editor.makeBlock())!;
    const made = doc(m);
    const ids = await m.editor.ungroup(id);
    expect(ids).toEqual([`${id}_h1`, `${id}_W1`]);
    const g = m.editor.toGraph();
    expect(edgeText(g)).toEqual(expect.arrayContaining([`visible.state->${id}_W1.lower`, `${id}_h1.state->W2.lower`, `${id}_h1.state->${id}_W1.upper`]));
    expect(JSON.stringify(planOf(g)).replaceAll(`${id}_`, '')).toBe(JSON.stringify(planOf(original)));
    await m.editor.undo();
    expect(doc(m)).toEqual(made);
  });
});

describe('problems and focus through blocks', () => {
  it('shows a flattened node’s problem on the instance outside and on the node inside, and focuses through the path', async () => {
    m = await mount(example('stack-3'));
    m.editor.select(['h2', 'W2']);
    const id = (await m.editor.makeBlock())!;
    m.editor.setProblems([{ severity: 'error', path: ['blocks', 0, 'nodes', 0], nodeId: `${id}/h2`, message: 'wrong' }]);
    await waitFor(() => byTestId(m.container, `badge-${id}`));
    m.editor.focusNode(`${id}/h2`);
    await waitFor(() => expect(m.editor.blockPath()).toHaveLength(1));
    await waitFor(() => byTestId(m.container, 'badge-h2'));
    expect(m.editor.selected()).toEqual(['h2']);
  });
});

describe('block libraries in the editor', () => {
  it('imports definitions as one undoable step, and instances can be made of them', async () => {
    const library = example('deep-conv-blocks').blocks;
    m = await mount(example('stack-3'));
    const result = await m.editor.importBlocks(library);
    expect(result).toEqual({ added: ['conv-stage'], renamed: {} });
    expect(m.editor.blocks()).toEqual(library);
    expect((await m.editor.importBlocks(library)).added).toEqual([]);
    const id = await m.editor.addBlock('conv-stage', { x: 0, y: 0 });
    expect(byTestId(m.container, `node-${id}`).dataset.block).toBe('conv-stage');
    await m.editor.undo();
    await m.editor.undo();
    expect(m.editor.blocks()).toEqual([]);
    expect(await m.editor.removeBlock('conv-stage')).toBe(false);
    await m.editor.redo();
    expect(await m.editor.removeBlock('conv-stage')).toBe(true);
    expect(m.editor.blocks()).toEqual([]);
  });
});
