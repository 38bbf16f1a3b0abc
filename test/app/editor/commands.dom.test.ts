// @vitest-environment jsdom
/** Clipboard, delete, comments, arrange and the context menu of the real editor in jsdom. */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from '@testing-library/react';
import { byTestId, example, installShims, mount, positionOf, press, tick, type Mounted } from './dom.js';

beforeAll(installShims);

let m: Mounted;
afterEach(() => m?.unmount());

const edgeText = (m: Mounted) => m.editor.toGraph().edges.map((e) => `${e.from.node}.${e.from.port}->${e.to.node}.${e.to.port}`);
const ids = (m: Mounted) => m.editor.toGraph().nodes.map((n) => n.id);

describe('clipboard', () => {
  it('copies the selection with its inner wires and pastes it with fresh ids, offset, selected, as one step', async () => {
    m = await mount(example('mnist-patches'));
    m.editor.select(['visible', 'cut']);
    m.editor.copy();
    const written = vi.mocked(navigator.clipboard.writeText).mock.calls.at(-1)![0];
    const payload = JSON.parse(written);
    expect(payload['attractor-clipboard']).toBe(1);
    expect(payload.nodes.map((n: { id: string }) => n.id)).toEqual(['visible', 'cut']);
    expect(payload.edges).toEqual([{ from: { node: 'visible', port: 'state' }, to: { node: 'cut', port: 'grid' } }]);

    m.changes.length = 0;
    await m.editor.paste();
    expect(ids(m).slice(-2)).toEqual(['layer-1', 'patches-1']);
    expect(positionOf(m.editor, 'layer-1')).toEqual({ x: 40, y: 240 });
    expect(edgeText(m)).toContain('layer-1.state->patches-1.grid');
    expect(m.editor.selected()).toEqual(['layer-1', 'patches-1']);
    const pasted = m.editor.toGraph().nodes.find((n) => n.id === 'layer-1')!;
    const original = m.editor.toGraph().nodes.find((n) => n.id === 'visible')!;
    expect(pasted.params).toEqual(original.params);
    expect(pasted.label).toBe(original.label);

    await m.editor.paste();
    expect(positionOf(m.editor, 'layer-2')).toEqual({ x: 80, y: 280 });
    expect(m.changes).toEqual(['structure', 'structure']);

    await m.editor.undo();
    expect(ids(m)).not.toContain('layer-2');
    expect(ids(m)).not.toContain('patches-2');
    expect(ids(m)).toContain('patches-1');
  });

  it('duplicates without touching the clipboard', async () => {
    m = await mount(example('mnist-patches'));
    m.editor.select(['memory']);
    m.editor.copy();
    m.editor.select(['digits']);
    await m.editor.duplicate();
    expect(ids(m).at(-1)).toBe('dataset-1');
    expect(positionOf(m.editor, 'dataset-1')).toEqual({ x: -280, y: 400 });
    expect(m.editor.selected()).toEqual(['dataset-1']);
    await m.editor.paste();
    expect(ids(m).at(-1)).toBe('hopfield-memory-1');
  });

  it('pastes what another window put on the system clipboard', async () => {
    m = await mount(example('hopfield'));
    vi.mocked(navigator.clipboard.readText).mockResolvedValueOnce(
      JSON.stringify({
        'attractor-clipboard': 1,
        nodes: [{ id: 'x', kind: 'noise', params: { scale: 0.5 }, position: { x: 0, y: 0 } }, { id: 'y', kind: 'bogus' }],
        edges: [],
      }),
    );
    await m.editor.paste();
    const added = m.editor.toGraph().nodes.at(-1)!;
    expect(added).toEqual({ id: 'noise-1', kind: 'noise', params: { scale: 0.5 }, position: { x: 40, y: 40 } });
  });

  it('cut copies and deletes; deleting takes the wires along and undoes as one step', async () => {
    m = await mount(example('mnist-patches'));
    const before = m.editor.toGraph();
    m.editor.select(['visible', 'digits']);
    m.changes.length = 0;
    await m.editor.cut();
    expect(ids(m)).toEqual(['cut', 'attend', 'memory', 'given', 'loss']);
    expect(edgeText(m)).toEqual(['cut.tokens->attend.layer', 'cut.tokens->memory.layer']);
    expect(m.changes).toEqual(['structure']);
    expect(m.editor.selected()).toEqual([]);
    await m.editor.undo();
    const { editor: _a, ...restored } = m.editor.toGraph();
    const { editor: _b, ...original } = before;
    void [_a, _b];
    expect(restored).toEqual(original);
    await m.editor.paste();
    expect(ids(m).slice(-2)).toEqual(['layer-1', 'dataset-1']);
  });

  it('does nothing without a selection', async () => {
    m = await mount(example('hopfield'));
    m.editor.copy();
    await m.editor.deleteSelected();
    await m.editor.duplicate();
    await m.editor.paste();
    expect(m.changes).toEqual(['load']);
    expect(m.editor.canUndo()).toBe(false);
  });
});

describe('comments', () => {
  it('frames the selected nodes, or sits free at the centre, undoably', async () => {
    m = await mount(example('mnist-patches'));
    m.editor.select(['digits', 'given']);
    m.changes.length = 0;
    await m.editor.addComment('data in');
    m.editor.select([]);
    await m.editor.addComment('free');
    await tick();
    const comments = m.editor.toGraph().comments;
    expect(comments.map((c) => [c.id, c.text, c.nodes])).toEqual([
      ['comment-1', 'data in', ['digits', 'given']],
      ['comment-2', 'free', []],
    ]);
    expect(m.changes).toEqual(['comment', 'comment']);
    byTestId(m.container, 'comment-comment-1');
    await m.editor.undo();
    expect(m.editor.toGraph().comments.map((c) => c.id)).toEqual(['comment-1']);
    await m.editor.redo();
    expect(m.editor.toGraph().comments.map((c) => c.id)).toEqual(['comment-1', 'comment-2']);
  });

  it('a deleted node leaves its frame, and comes back into it on undo', async () => {
    m = await mount({
      ...example('mnist-patches'),
      comments: [{ id: 'frame', text: 'data', position: { x: 0, y: 0 }, nodes: ['digits', 'given'] }],
    });
    m.editor.select(['digits']);
    await m.editor.deleteSelected();
    expect(m.editor.toGraph().comments[0].nodes).toEqual(['given']);
    await m.editor.undo();
    expect(m.editor.toGraph().comments[0].nodes).toEqual(['digits', 'given']);
  });

  it('deletes comments picked on the canvas with deleteSelected', async () => {
    m = await mount(example('hopfield'));
    await m.editor.addComment('note');
    // A click on the empty canvas first, as any session starts (the selector's click detection starts armed).
    await press(m.container.querySelector('.ase-surface')!);
    await press(byTestId(m.container, 'comment-comment-1'));
    await m.editor.deleteSelected();
    expect(m.editor.toGraph().comments).toEqual([]);
    await m.editor.undo();
    expect(m.editor.toGraph().comments.map((c) => c.text)).toEqual(['note']);
  });
});

describe('view commands', () => {
  it('zooms to fit without changing the document', async () => {
    m = await mount({ ...example('mnist-patches'), editor: { x: 0, y: 0, zoom: 2 } });
    await m.editor.zoomToFit();
    const view = m.editor.toGraph().editor!;
    expect(view.zoom).toBeLessThan(1);
    expect(m.changes).toEqual(['load']);
  });

  it('arranges left to right with ELK as one undoable step', async () => {
    m = await mount(example('mnist-patches'));
    const before = m.editor.toGraph().nodes.map((n) => n.position);
    m.changes.length = 0;
    await m.editor.arrange();
    const after = Object.fromEntries(m.editor.toGraph().nodes.map((n) => [n.id, n.position]));
    // Wires run left to right: every source sits left of its targets.
    for (const e of m.editor.toGraph().edges) expect(after[e.from.node].x).toBeLessThan(after[e.to.node].x);
    expect(m.changes).toEqual(['position']);
    await m.editor.undo();
    expect(m.editor.toGraph().nodes.map((n) => n.position)).toEqual(before);
  }, 30_000);

  it('opens the catalog by category on the canvas and adds a node from it', async () => {
    m = await mount(example('hopfield'));
    const surface = m.container.querySelector('.ase-surface')!;
    surface.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: 300, clientY: 200 }));
    await waitFor(() => byTestId(m.container, 'context-menu'));
    const items = [...m.container.querySelectorAll('[data-testid="context-menu"] > [data-testid="context-menu-item"]')];
    expect(items.map((i) => i.firstChild?.textContent)).toEqual(['Layers', 'Couplings', 'Data', 'Training', 'Dynamics', 'Comment', 'Arrange', 'Fit to view']);
    items[1].dispatchEvent(new PointerEvent('pointerover', { bubbles: true }));
    await waitFor(() => expect(items[1].querySelectorAll('[data-testid="context-menu-item"]').length).toBe(7));
    const conv = [...items[1].querySelectorAll<HTMLElement>('[data-testid="context-menu-item"]')].find((i) => i.textContent === 'Conv coupling')!;
    conv.click();
    await waitFor(() => expect(ids(m).at(-1)).toBe('conv-1'));
  });

  it('offers make block, duplicate and delete on a node', async () => {
    m = await mount(example('hopfield'));
    const id = ids(m)[0];
    const node = byTestId(m.container, `node-${id}`);
    node.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true, clientX: 10, clientY: 10 }));
    await waitFor(() => byTestId(m.container, 'context-menu'));
    const items = [...m.container.querySelectorAll<HTMLElement>('[data-testid="context-menu-item"]')];
    expect(items.map((i) => i.textContent)).toEqual(['Make block', 'Duplicate', 'Delete']);
    items[2].click();
    await waitFor(() => expect(ids(m)).not.toContain(id));
  });
});

describe('lifecycle', () => {
  it('load clears history and selection', async () => {
    m = await mount(example('hopfield'));
    await m.editor.addNode('noise');
    expect(m.editor.canUndo()).toBe(true);
    await m.editor.load(example('mnist-patches'));
    expect(m.editor.canUndo()).toBe(false);
    expect(m.editor.canRedo()).toBe(false);
    expect(m.editor.selected()).toEqual([]);
    expect(m.changes.at(-1)).toBe('load');
  });

  it('a new edit drops the redo stack', async () => {
    m = await mount(example('hopfield'));
    await m.editor.addNode('noise');
    await m.editor.undo();
    expect(m.editor.canRedo()).toBe(true);
    await m.editor.addNode('target');
    expect(m.editor.canRedo()).toBe(false);
    await m.editor.redo();
    expect(ids(m)).not.toContain('noise-1');
  });

  it('destroy removes the canvas and stops events', async () => {
    m = await mount(example('hopfield'));
    m.editor.destroy();
    expect(m.container.querySelector('[data-testid="graph-editor"]')).toBeNull();
  });
});
