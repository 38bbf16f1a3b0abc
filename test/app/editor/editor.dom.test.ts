// @vitest-environment jsdom
/**
 * The real editor (Rete, its React rendering and plugins) in jsdom, driven through the
 * GraphEditor interface the app shell uses, and through the pointer events of a user.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@testing-library/react';
import { byTestId, dragNode, drawWire, example, installShims, mount, positionOf, tick, type Mounted } from './dom.js';

beforeAll(installShims);

let m: Mounted;
afterEach(() => m?.unmount());

const edgeText = (g: ReturnType<Mounted['editor']['toGraph']>) => g.edges.map((e) => `${e.from.node}.${e.from.port}->${e.to.node}.${e.to.port}`);

describe('rendering and document sync', () => {
  it('renders one node per graph node with sockets named from the catalog', async () => {
    m = await mount(example('mnist-patches'));
    const visible = byTestId(m.container, 'node-visible');
    expect(visible.dataset.kind).toBe('layer');
    expect(visible.textContent).toContain('Layer');
    expect(visible.textContent).toContain('pixels');
    expect(visible.querySelector('.ase-node__summary')?.textContent).toBe('grid 1×28×28 · tanh · visible');
    expect(byTestId(m.container, 'socket-visible-out-state').dataset.socket).toBe('layer');
    expect(byTestId(m.container, 'socket-given-in-layer').dataset.socket).toBe('layer');
    expect(byTestId(m.container, 'socket-given-in-data').dataset.socket).toBe('data');
    expect(byTestId(m.container, 'socket-digits-out-images').dataset.socket).toBe('data');
    expect(byTestId(m.container, 'node-memory').textContent).toContain('patterns');
    await waitFor(() => expect(m.container.querySelectorAll('[data-testid="connection"]')).toHaveLength(7));
  });

  it('gives back the loaded document: same nodes, edges and settings, plus the viewport', async () => {
    const graph = example('mnist-patches');
    m = await mount(graph);
    const out = m.editor.toGraph();
    const { editor: viewport, ...rest } = out;
    expect(rest).toEqual({ ...graph, comments: [] });
    expect(viewport).toEqual({ x: expect.any(Number), y: expect.any(Number), zoom: expect.any(Number) });
    expect(m.changes).toEqual(['load']);
    expect(m.editor.canUndo()).toBe(false);
  });

  it('round-trips every example', async () => {
    const names = readdirSync(resolve(import.meta.dirname, '../../../examples')).map((f) => f.replace('.attractor.json', ''));
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      const graph = example(name);
      m = await mount(graph);
      const { editor: _viewport, ...rest } = m.editor.toGraph();
      void _viewport;
      expect(rest).toEqual({ ...graph, comments: graph.comments ?? [] });
      m.unmount();
    }
  });

  it('uses the saved viewport, and keeps comments', async () => {
    const graph = {
      ...example('hopfield'),
      editor: { x: 12, y: -30, zoom: 0.5 },
      comments: [{ id: 'note', text: 'the memory', position: { x: 10, y: 20 }, nodes: [] }],
    };
    m = await mount(graph);
    const out = m.editor.toGraph();
    expect(out.editor).toEqual({ x: 12, y: -30, zoom: 0.5 });
    expect(out.comments).toEqual(graph.comments);
    // The comment plugin writes innerText, which jsdom keeps as a plain property.
    expect((byTestId(m.container, 'comment-note') as HTMLElement & { innerText: string }).innerText).toBe('the memory');
  });

  it('toGraph returns a fresh copy', async () => {
    m = await mount(example('hopfield'));
    const a = m.editor.toGraph();
    (a.nodes[0].params as Record<string, unknown>).poisoned = true;
    a.nodes[0].position.x = 9999;
    expect(m.editor.toGraph().nodes[0]).not.toHaveProperty('params.poisoned');
    expect(m.editor.toGraph().nodes[0].position.x).not.toBe(9999);
  });
});

describe('editing through the interface', () => {
  it('adds a node with default params, selected, as one undoable step', async () => {
    m = await mount(example('hopfield'));
    m.changes.length = 0;
    const id = await m.editor.addNode('dense', { x: 100, y: 50 });
    expect(id).toBe('dense-1');
    expect(await m.editor.addNode('dense', { x: 100, y: 250 })).toBe('dense-2');
    const node = m.editor.toGraph().nodes.find((n) => n.id === 'dense-1');
    expect(node).toEqual({ id: 'dense-1', kind: 'dense', params: { init: { kind: 'random', gain: 0.3, distribution: 'normal' } }, position: { x: 100, y: 50 } });
    expect(m.changes).toEqual(['structure', 'structure']);
    expect(m.editor.selected()).toEqual(['dense-2']);
    await waitFor(() => byTestId(m.container, 'node-dense-2'));

    await m.editor.undo();
    expect(m.editor.toGraph().nodes.map((n) => n.id)).not.toContain('dense-2');
    expect(m.editor.canRedo()).toBe(true);
    await m.editor.redo();
    expect(positionOf(m.editor, 'dense-2')).toEqual({ x: 100, y: 250 });
    expect(m.changes.slice(-2)).toEqual(['history', 'history']);
  });

  it('places a node without a position at the centre of the view', async () => {
    m = await mount();
    await m.editor.zoomToFit();
    const id = await m.editor.addNode('layer');
    const g = m.editor.toGraph();
    const p = g.nodes[0].position;
    // The canvas is 1000×700 (see dom.ts); an empty graph puts the origin at its centre.
    expect(id).toBe('layer-1');
    expect(p).toEqual({ x: -100, y: -50 });
    // A second one does not land exactly on top of the first.
    await m.editor.addNode('layer');
    expect(m.editor.toGraph().nodes[1].position).not.toEqual(p);
  });

  it('sets params and labels as undoable steps, stored as given, shown on the node', async () => {
    m = await mount(example('hopfield'));
    const id = m.editor.toGraph().nodes.find((n) => n.kind === 'layer')!.id;
    m.changes.length = 0;
    const params = { shape: { type: 'vector', size: 784 }, extra: 'kept' };
    m.editor.setParams(id, params);
    params.shape.size = 1;
    m.editor.setLabel(id, 'units');
    expect(m.changes).toEqual(['params', 'params']);
    const node = m.editor.toGraph().nodes.find((n) => n.id === id)!;
    expect(node.params).toEqual({ shape: { type: 'vector', size: 784 }, extra: 'kept' });
    expect(node.label).toBe('units');
    await waitFor(() => expect(byTestId(m.container, `node-${id}`).querySelector('.ase-node__summary')?.textContent).toMatch(/^vector\[784\]/));

    m.editor.setParams(id, { shape: { type: 'vector', size: 784 }, extra: 'kept' });
    expect(m.changes).toHaveLength(2); // unchanged: no step

    await m.editor.undo();
    expect(m.editor.toGraph().nodes.find((n) => n.id === id)!.label).toBeUndefined();
    await m.editor.undo();
    expect(m.editor.toGraph().nodes.find((n) => n.id === id)!.params).not.toHaveProperty('extra');
    await m.editor.redo();
    expect(m.editor.toGraph().nodes.find((n) => n.id === id)!.params).toHaveProperty('extra', 'kept');
  });

  it('shows problems as badges on nodes and marks ports', async () => {
    m = await mount(example('mnist-patches'));
    m.editor.setProblems([
      { severity: 'error', path: ['nodes', 1], nodeId: 'cut', port: 'grid', message: 'bad grid' },
      { severity: 'warning', path: ['nodes', 2], nodeId: 'attend', message: 'no guarantee' },
      { severity: 'warning', path: ['nodes', 2], nodeId: 'attend', message: 'slow' },
      { severity: 'error', path: ['settle'], message: 'not about a node' },
    ]);
    await waitFor(() => byTestId(m.container, 'badge-cut'));
    expect(byTestId(m.container, 'badge-cut').title).toBe('grid: bad grid');
    expect(byTestId(m.container, 'badge-cut').dataset.severity).toBe('error');
    expect(byTestId(m.container, 'badge-attend').title).toBe('no guarantee\nslow');
    expect(byTestId(m.container, 'badge-attend').dataset.severity).toBe('warning');
    expect(byTestId(m.container, 'node-cut').querySelector('[data-port="grid"]')?.classList.contains('has-problem')).toBe(true);
    m.editor.setProblems([]);
    await waitFor(() => expect(m.container.querySelector('[data-testid^="badge-"]')).toBeNull());
    expect(m.changes).toEqual(['load']);
  });
});

describe('selection', () => {
  it('selects, reports changes once, and selects all', async () => {
    m = await mount(example('mnist-patches'));
    m.editor.select(['cut', 'visible']);
    expect(m.editor.selected()).toEqual(['visible', 'cut']);
    await tick();
    expect(m.selections).toEqual([['visible', 'cut']]);
    m.editor.selectAll();
    expect(m.editor.selected()).toHaveLength(7);
    m.editor.select([]);
    await tick();
    expect(m.selections.at(-1)).toEqual([]);
    expect(m.changes).toEqual(['load']);
  });

  it('focusNode selects the node', async () => {
    m = await mount(example('mnist-patches'));
    m.editor.focusNode('memory');
    expect(m.editor.selected()).toEqual(['memory']);
    await waitFor(() => expect(byTestId(m.container, 'node-memory').dataset.selected).toBe('true'));
  });

  it('ctrl-click adds to the selection, a plain click replaces it', async () => {
    m = await mount(example('mnist-patches'));
    await dragNode(m.container, 'visible', 0, 0);
    await dragNode(m.container, 'cut', 0, 0, { ctrlKey: true });
    expect(m.editor.selected()).toEqual(['visible', 'cut']);
    await dragNode(m.container, 'memory', 0, 0);
    expect(m.editor.selected()).toEqual(['memory']);
    expect(m.changes).toEqual(['load']);
  });
});

describe('wires drawn by the user', () => {
  it('creates a valid wire as one undoable step', async () => {
    m = await mount(example('mnist-patches'));
    const id = await m.editor.addNode('dense', { x: 400, y: 0 });
    await waitFor(() => byTestId(m.container, `socket-${id}-in-lower`));
    m.changes.length = 0;
    await drawWire(m.container, 'socket-visible-out-state', `socket-${id}-in-lower`);
    expect(edgeText(m.editor.toGraph())).toContain(`visible.state->${id}.lower`);
    // The change event follows the drop the connection plugin schedules: wait for it, not for a fixed time.
    await waitFor(() => expect(m.changes).toEqual(['structure']));
    expect(m.refused).toEqual([]);
    await m.editor.undo();
    expect(edgeText(m.editor.toGraph())).not.toContain(`visible.state->${id}.lower`);
  });

  it('also takes a wire drawn from the input end', async () => {
    m = await mount(example('mnist-patches'));
    const id = await m.editor.addNode('dense', { x: 400, y: 0 });
    await waitFor(() => byTestId(m.container, `socket-${id}-in-upper`));
    await drawWire(m.container, `socket-${id}-in-upper`, 'socket-visible-out-state');
    expect(edgeText(m.editor.toGraph())).toContain(`visible.state->${id}.upper`);
  });

  it('refuses wires the socket rules reject, saying why, and creates nothing', async () => {
    m = await mount(example('mnist-patches'));
    const conv = await m.editor.addNode('conv', { x: 400, y: 0 });
    await waitFor(() => byTestId(m.container, `socket-${conv}-in-lower`));
    m.changes.length = 0;
    const before = m.editor.toGraph().edges;

    await drawWire(m.container, 'socket-digits-out-images', `socket-${conv}-in-lower`);
    await drawWire(m.container, 'socket-cut-out-tokens', `socket-${conv}-in-lower`);
    await drawWire(m.container, 'socket-digits-out-labels', 'socket-given-in-data');
    await drawWire(m.container, 'socket-cut-out-tokens', 'socket-visible-out-state');
    await drawWire(m.container, 'socket-visible-out-state', 'socket-given-in-layer');

    expect(m.refused).toEqual([
      'a data output cannot feed the layer input "lower"',
      'input "lower" takes grid layers, not a tokens layer',
      'input "data" of "given" already takes "digits": an input takes one connection (remove that one first)',
      'a wire goes from an output (right side of a node) to an input (left side)',
      '"visible" is already connected to input "layer" of "given"',
    ]);
    expect(m.editor.toGraph().edges).toEqual(before);
    expect(m.changes).toEqual([]);
    expect(m.editor.canUndo()).toBe(true); // only the addNode before
  });

  it('a wire picked off an input and refused elsewhere goes back', async () => {
    m = await mount(example('mnist-patches'));
    const edgesBefore = m.editor.toGraph().edges;
    m.changes.length = 0;
    // Dragging from a connected input picks its wire up; dropping it on another output is refused.
    await drawWire(m.container, 'socket-cut-in-grid', 'socket-digits-out-images');
    await tick(10);
    expect(m.refused).toHaveLength(1);
    expect(m.editor.toGraph().edges).toEqual(edgesBefore);
    expect(m.changes).toEqual([]);
    expect(m.editor.canUndo()).toBe(false);
  });

  it('a wire picked off an input and clicked back onto it changes nothing', async () => {
    m = await mount(example('mnist-patches'));
    const edgesBefore = m.editor.toGraph().edges;
    await drawWire(m.container, 'socket-cut-in-grid', 'socket-cut-in-grid');
    await drawWire(m.container, 'socket-cut-in-grid', 'socket-cut-in-grid');
    await tick(10);
    expect(m.editor.toGraph().edges).toEqual(edgesBefore);
    expect(m.changes).toEqual(['load']);
    expect(m.editor.canUndo()).toBe(false);
  });

  it('a wire picked off an input and dropped on the canvas is removed, undoably', async () => {
    m = await mount(example('mnist-patches'));
    const edgesBefore = m.editor.toGraph().edges;
    await drawWire(m.container, 'socket-cut-in-grid', m.container.querySelector('.ase-surface')!);
    await tick(10);
    expect(edgeText(m.editor.toGraph())).not.toContain('visible.state->cut.grid');
    expect(m.changes).toEqual(['load', 'structure']);
    await m.editor.undo();
    expect(m.editor.toGraph().edges).toEqual(edgesBefore);
  });
});

describe('dragging', () => {
  it('reports a drag once, as a position change, and undoes it as one step', async () => {
    m = await mount(example('mnist-patches'));
    const zoom = m.editor.toGraph().editor!.zoom;
    const before = positionOf(m.editor, 'digits')!;
    m.changes.length = 0;
    await dragNode(m.container, 'digits', 80, 40);
    const after = positionOf(m.editor, 'digits')!;
    expect(after.x - before.x).toBeCloseTo(80 / zoom, -0.5);
    expect(after.y - before.y).toBeCloseTo(40 / zoom, -0.5);
    expect(m.changes).toEqual(['position']);
    await m.editor.undo();
    expect(positionOf(m.editor, 'digits')).toEqual(before);
  });

  it('moves the whole selection together and undoes it together', async () => {
    m = await mount(example('mnist-patches'));
    const before = m.editor.toGraph().nodes.map((n) => n.position);
    m.editor.select(['digits', 'given', 'loss']);
    await waitFor(() => expect(byTestId(m.container, 'node-given').dataset.selected).toBe('true'));
    await dragNode(m.container, 'given', 50, 0);
    const moved = m.editor.toGraph().nodes.filter((n, i) => n.position.x !== before[i].x).map((n) => n.id);
    expect(moved).toEqual(['digits', 'given', 'loss']);
    await m.editor.undo();
    expect(m.editor.toGraph().nodes.map((n) => n.position)).toEqual(before);
    expect(m.editor.selected()).toEqual(['digits', 'given', 'loss']);
  });

  it('a click on one node of a selection, without moving, selects just that node', async () => {
    m = await mount(example('mnist-patches'));
    m.editor.select(['digits', 'given']);
    await waitFor(() => expect(byTestId(m.container, 'node-given').dataset.selected).toBe('true'));
    await dragNode(m.container, 'given', 0, 0);
    expect(m.editor.selected()).toEqual(['given']);
    expect(m.changes).toEqual(['load']);
  });
});
