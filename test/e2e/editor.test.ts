/**
 * The editor end to end, in real Chromium against the real web-mode host and
 * engine: building a graph by hand, refused wires, inspector validation,
 * undo/redo, clipboard, arrange, saving and reopening, every example, a broken
 * file, and recovering unsaved work. Each test starts from a fresh studio (see
 * fixtures.ts) and sets up the graph it needs, so it passes alone and in any order.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { KINDS, defaultParams, findKind, type KindId } from '../../nodes/catalog.js';
import { NODE_WIDTH, nodeSize, portCentreY } from '../../app/renderer/src/editor/layout.js';
import type { StudioSession } from '../helpers/browser.js';
import { between, graphOf, layer, vector } from '../helpers/graphs.js';
import { e2eTest } from './fixtures.js';
import { eventually, type UI } from './ui.js';

const AUTOSAVE_MS = 500;
const test = e2eTest({ autosaveMs: AUTOSAVE_MS });

/** The autosaved copies on the host (one file per session). */
const recoveries = async (s: StudioSession) => (await readdir(join(s.dataDir, 'recovery')).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));

/**
 * Two vector layers and a dense coupling between them, saved in the workspace as
 * start.attractor.json and opened: the graph most steps below work on.
 */
async function openTwoLayers(s: StudioSession, ui: UI): Promise<void> {
  const doc = graphOf([layer('lower', vector(16)), layer('upper', vector(8)), between('dense', 'W', 'lower', 'upper')]);
  const at: Record<string, { x: number; y: number }> = { lower: { x: 0, y: 260 }, upper: { x: 0, y: 0 }, W: { x: 320, y: 130 } };
  const placed = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: at[n.id] })) };
  await writeFile(join(s.workspace, 'start.attractor.json'), JSON.stringify(placed));
  await ui.openFromWorkspace('start');
  expect(await ui.nodeIds()).toEqual(['W', 'lower', 'upper']);
}

describe('editor (web mode, Chromium)', { timeout: 120_000 }, () => {
  test('starts with an empty graph, the web menu bar and an Examples button', async ({ ui }) => {
    await expect.poll(() => ui.byTestId('status-mode').textContent()).toBe('web');
    expect(await ui.byTestId('menu-file').isVisible()).toBe(true);
    expect(await ui.byTestId('empty-examples').isVisible()).toBe(true);
    expect(await ui.nodeIds()).toEqual([]);
    expect(await ui.page.title()).toBe('untitled — Attractor Studio');
  });

  test('the palette search filters by title, id and doc', async ({ ui }) => {
    const search = ui.byTestId('palette-search');
    await search.fill('hopfield');
    expect(await ui.byTestId('palette-hopfield-memory').isVisible()).toBe(true);
    expect(await ui.byTestId('palette-layer').count()).toBe(0);
    await search.fill('all-to-all'); // only in the dense coupling's doc
    expect(await ui.byTestId('palette-dense').isVisible()).toBe(true);
    await search.fill('');
    expect(await ui.byTestId('palette-layer').isVisible()).toBe(true);
  });

  test('builds two layers and a dense coupling from the palette and wires them', async ({ ui }) => {
    const lower = await ui.dropFromPalette('layer', 180, 300);
    const upper = await ui.dropFromPalette('layer', 180, 80);
    const dense = await ui.dropFromPalette('dense', 520, 190);
    expect(await ui.nodeIds()).toHaveLength(3);
    // Dropped where released, not stacked at the centre.
    const at = Object.fromEntries((await ui.doc()).graph.nodes.map((n) => [n.id, n.position]));
    expect(at[lower].y).toBeGreaterThan(at[upper].y);
    expect(at[dense].x).toBeGreaterThan(at[lower].x);

    await ui.connect(lower, 'state', dense, 'lower');
    await ui.connect(upper, 'state', dense, 'upper');
    await eventually(async () => expect(await ui.edges()).toEqual([`${lower}.state->${dense}.lower`, `${upper}.state->${dense}.upper`].sort()));
    await ui.settled();
    expect(await ui.problems('error')).toEqual([]);

    // Two tanh layers and one dense coupling: a bipartite graph, two colours, E never rises.
    await ui.byTestId('tab-plan').click();
    await expect.poll(() => ui.attr('plan-guarantee', 'data-kind')).toBe('descent');
    expect(await ui.byTestId('plan-text').textContent()).toContain(lower);
    expect((await ui.doc()).dirty).toBe(true);
    expect(await ui.page.title()).toBe('untitled • — Attractor Studio');
    await ui.shot('built-graph');
  });

  test('every kind is drawn at the size layout.ts gives, its sockets where auto-arrange puts its ports', async ({ ui, studio }) => {
    // One node of each kind, unconnected (the problems that brings do not matter here).
    const nodes = KINDS.map((k, i) => ({ id: `n${i}`, kind: k.id, params: defaultParams(k.id), position: { x: (i % 5) * 260, y: Math.floor(i / 5) * 200 } }));
    await writeFile(join(studio.workspace, 'kinds.attractor.json'), JSON.stringify({ format: 'attractor-graph', version: 1, name: 'kinds', nodes }));
    await ui.openFromWorkspace('kinds');
    const drawn = await ui.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-testid^="node-"]')].map((node) => {
        const box = node.getBoundingClientRect();
        const sockets = [...node.querySelectorAll('[data-testid^="socket-"]')].map((s) => {
          const b = s.getBoundingClientRect();
          return { id: s.getAttribute('data-testid')!, y: b.top + b.height / 2 - box.top };
        });
        return { id: node.getAttribute('data-testid')!.slice('node-'.length), kind: node.getAttribute('data-kind') as string, width: box.width, height: box.height, sockets };
      }),
    );
    expect(drawn.map((n) => n.id).sort()).toEqual(nodes.map((n) => n.id).sort());
    for (const node of drawn) {
      const kind = node.kind as KindId;
      const spec = findKind(kind)!;
      const scale = node.width / NODE_WIDTH; // the canvas is zoomed to fit
      expect(node.height / scale, kind).toBeCloseTo(nodeSize(kind).height, 0);
      expect(node.sockets).toHaveLength(spec.inputs.length + spec.outputs.length);
      for (const socket of node.sockets) {
        const [, side, port] = /-(in|out)-(.+)$/.exec(socket.id)!;
        const row = (side === 'in' ? spec.inputs : spec.outputs).findIndex((p) => p.name === port);
        // Within half a pixel (zoom rounding).
        expect(Math.abs(socket.y / scale - portCentreY(row)), socket.id).toBeLessThanOrEqual(0.51);
      }
    }
  });

  test('refuses a data output wired into a layer input, and says why', async ({ ui }) => {
    const data = await ui.dropFromPalette('dataset', 160, 470);
    const dense = await ui.dropFromPalette('dense', 520, 420);
    await ui.connect(data, 'images', dense, 'lower');
    const notice = ui.byTestId('notice').last();
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/data output cannot feed the layer input "lower"/);
    expect(await ui.edges()).toEqual([]);
    await ui.shot('refused-connection');

    // Clean up as a person would: select each and delete.
    await ui.select(data);
    await ui.page.keyboard.press('Delete');
    await ui.select(dense);
    await ui.page.keyboard.press('Backspace');
    await eventually(async () => expect(await ui.nodeIds()).toEqual([]));
  });

  test('a bad parameter shows an inline error and a problem, and both clear when fixed', async ({ ui, studio }) => {
    await openTwoLayers(studio, ui);
    await ui.select('lower');
    expect(await ui.byTestId('inspector').textContent()).toContain('Layer');
    await ui.setParam('shape.size', '0');
    await ui.byTestId('param-error-shape.size').waitFor();
    expect(await ui.byTestId('param-error-shape.size').textContent()).toMatch(/expected an integer ≥ 1/);
    const problems = await ui.problems('error');
    expect(problems.some((p) => p.includes('lower') && p.includes('shape.size'))).toBe(true);
    await ui.shot('param-error');

    // A problem row leads to its node: selected, and its form in the inspector.
    await ui.select('W');
    await ui.page.locator('[data-testid="problem"]', { hasText: 'shape.size' }).click();
    await expect.poll(() => ui.byTestId('inspector-node-id').textContent()).toBe('lower');

    await ui.setParam('shape.size', '64');
    expect(await ui.byTestId('param-error-shape.size').count()).toBe(0);
    expect(await ui.problems('error')).toEqual([]);
    const node = (await ui.doc()).graph.nodes.find((n) => n.id === 'lower')!;
    expect(node.params).toMatchObject({ shape: { type: 'vector', size: 64 } });

    // A union's type select swaps the sub-form.
    await ui.pickParam('shape.type', 'grid');
    expect(await ui.byTestId('param-shape.channels').isVisible()).toBe(true);
    expect(await ui.byTestId('param-shape.size').count()).toBe(0);
    await ui.pickParam('shape.type', 'vector');
    await ui.setParam('shape.size', '64');
    await ui.pickParam('activation', 'sigmoid');
    expect((await ui.doc()).graph.nodes.find((n) => n.id === 'lower')!.params).toMatchObject({ activation: 'sigmoid' });
  });

  test('undo and redo step through node additions', async ({ ui }) => {
    await ui.addFromPalette('layer');
    const before = await ui.nodeIds();
    await ui.addFromPalette('noise');
    expect(await ui.nodeIds()).toHaveLength(before.length + 1);
    await ui.byTestId('canvas').click({ position: { x: 40, y: 40 } });
    await ui.shortcut('Mod+Z');
    await eventually(async () => expect(await ui.nodeIds()).toEqual(before));
    await ui.shortcut('Mod+Shift+Z');
    await eventually(async () => expect(await ui.nodeIds()).toHaveLength(before.length + 1));
    await ui.menu('edit', 'undo');
    await eventually(async () => expect(await ui.nodeIds()).toEqual(before));
    await ui.shortcut('Control+Y');
    await eventually(async () => expect(await ui.nodeIds()).toHaveLength(before.length + 1));
    await ui.byTestId('tool-undo').click();
    await eventually(async () => expect(await ui.nodeIds()).toEqual(before));
  });

  test('copy/paste and duplicate add copies of the selection', async ({ ui, studio }) => {
    await openTwoLayers(studio, ui);
    const before = await ui.nodeIds();
    await ui.select('upper');
    await ui.shortcut('Mod+C');
    // Paste goes to the pointer: an empty corner of the canvas, clear of the original.
    const canvas = (await ui.byTestId('canvas').boundingBox())!;
    await ui.page.mouse.move(canvas.x + canvas.width - 260, canvas.y + 30);
    await ui.shortcut('Mod+V');
    await eventually(async () => expect(await ui.nodeIds()).toHaveLength(before.length + 1));
    await ui.select('upper');
    await ui.shortcut('Mod+D');
    await eventually(async () => expect(await ui.nodeIds()).toHaveLength(before.length + 2));
    const copies = (await ui.doc()).graph.nodes.filter((n) => !before.includes(n.id));
    expect(copies.map((n) => n.kind)).toEqual(['layer', 'layer']);
    await ui.shortcut('Mod+Z');
    await ui.shortcut('Mod+Z');
    await eventually(async () => expect(await ui.nodeIds()).toEqual(before));
  });

  test('paste lands at the pointer over the canvas, keeping the layout; with the pointer elsewhere, offset from the originals', async ({ ui, studio }) => {
    await openTwoLayers(studio, ui);
    const before = await ui.nodeIds();
    await ui.select('upper');
    await ui.shortcut('Mod+C');
    const canvas = (await ui.byTestId('canvas').boundingBox())!;
    const at = { x: canvas.x + canvas.width * 0.6, y: canvas.y + canvas.height * 0.55 };
    await ui.page.mouse.move(at.x, at.y);
    await ui.shortcut('Mod+V');
    await eventually(async () => expect(await ui.nodeIds()).toHaveLength(before.length + 1));
    const first = (await ui.nodeIds()).find((id) => !before.includes(id))!;
    const placed = (await ui.byTestId(`node-${first}`).boundingBox())!;
    expect(Math.abs(placed.x - at.x)).toBeLessThan(3);
    expect(Math.abs(placed.y - at.y)).toBeLessThan(3);
    // The pointer over the palette: the copy goes beside the original, never on it.
    const palette = (await ui.page.locator('nav.palette').boundingBox())!;
    await ui.page.mouse.move(palette.x + 20, palette.y + palette.height / 2);
    await ui.shortcut('Mod+V');
    await eventually(async () => expect(await ui.nodeIds()).toHaveLength(before.length + 2));
    const nodes = (await ui.doc()).graph.nodes;
    const original = nodes.find((n) => n.id === 'upper')!.position;
    const second = nodes.find((n) => !before.includes(n.id) && n.id !== first)!.position;
    expect(second).not.toEqual(original);
    expect(second.x - original.x).toBeGreaterThan(0);
    expect(second.y - original.y).toBeGreaterThan(0);
  });

  test('select all shows the selection count; auto-arrange moves the nodes and keeps the graph', async ({ ui, studio }) => {
    await openTwoLayers(studio, ui);
    const before = (await ui.doc()).graph;
    await ui.byTestId('canvas').click({ position: { x: 40, y: 40 } });
    await ui.shortcut('Mod+A');
    await expect.poll(() => ui.byTestId('inspector-multi').textContent()).toBe('3 nodes selected');
    await ui.byTestId('canvas').click({ position: { x: 40, y: 40 } });
    await ui.menu('view', 'arrange');
    await eventually(async () => {
      const after = (await ui.doc()).graph;
      expect(after.nodes.map((n) => n.position)).not.toEqual(before.nodes.map((n) => n.position));
    });
    const after = (await ui.doc()).graph;
    expect(after.nodes.map((n) => n.id).sort()).toEqual(before.nodes.map((n) => n.id).sort());
    expect(after.edges).toEqual(before.edges);
    await ui.settled();
    expect(await ui.problems('error')).toEqual([]);
  });

  test('Save As writes into the workspace, and the document is clean', async ({ ui, studio }) => {
    const added = await ui.addFromPalette('layer');
    expect((await ui.doc()).dirty).toBe(true);
    await ui.shortcut('Mod+Shift+S');
    await ui.byTestId('saveas-dialog').waitFor();
    await ui.byTestId('saveas-name').fill('two-layers');
    await ui.byTestId('saveas-save').click();
    await ui.byTestId('saveas-dialog').waitFor({ state: 'detached' });
    await eventually(async () => expect((await ui.doc()).dirty).toBe(false));
    expect((await ui.doc()).path).toMatch(/two-layers\.attractor\.json$/);
    expect(await readdir(studio.workspace)).toContain('two-layers.attractor.json');
    expect(await ui.page.title()).toBe('two-layers — Attractor Studio');
    expect(await ui.byTestId('status-path').textContent()).toContain('two-layers.attractor.json');

    // Dirty means "differs from the file": an edit undone back is clean again.
    await ui.select(added);
    await ui.setParam('biasInit', '0.5');
    expect((await ui.doc()).dirty).toBe(true);
    expect(await ui.page.title()).toBe('two-layers • — Attractor Studio');
    await ui.byTestId('canvas').click({ position: { x: 40, y: 40 } });
    await ui.shortcut('Mod+Z');
    await eventually(async () => expect((await ui.doc()).dirty).toBe(false));
    // Clean again: an autosaved copy made meanwhile is dropped, nothing to offer later.
    await eventually(async () => expect(await recoveries(studio)).toEqual([]));
  });

  test('after a reload the Open dialog reopens a saved file with the same nodes', async ({ ui, studio }) => {
    await ui.addFromPalette('layer');
    await ui.addFromPalette('dense');
    await ui.saveAs('two-layers');
    const saved = await ui.nodeIds();
    await ui.open(studio.url);
    expect(await ui.nodeIds()).toEqual([]);
    expect(await ui.byTestId('recovery-offer').count()).toBe(0);
    await ui.openFromWorkspace('two-layers');
    await eventually(async () => expect(await ui.nodeIds()).toEqual(saved));
    expect((await ui.doc()).dirty).toBe(false);
  });

  test('a broken file is refused with its problems and the open graph stays', async ({ ui, studio }) => {
    await openTwoLayers(studio, ui);
    const before = await ui.doc();
    const broken = {
      format: 'attractor-graph',
      version: 1,
      nodes: [
        { id: 'v', kind: 'layr', params: {} },
        { id: 'w', kind: 'conv', params: { kernel: 4 } },
      ],
    };
    await writeFile(join(studio.workspace, 'broken.attractor.json'), JSON.stringify(broken));
    await ui.menu('file', 'open');
    await ui.page.locator('[data-testid="open-file"]', { hasText: 'broken' }).click();
    const modal = ui.byTestId('open-error');
    await modal.waitFor();
    const text = (await modal.textContent()) ?? '';
    expect(text).toContain('broken.attractor.json');
    expect(text).toContain('nodes[0].kind');
    expect(text).toContain('nodes[1].params.kernel');
    await ui.shot('open-error');
    await ui.page.keyboard.press('Escape');
    await modal.waitFor({ state: 'detached' });
    const after = await ui.doc();
    expect(after.graph.nodes).toEqual(before.graph.nodes);
    expect(after.path).toBe(before.path);
  });

  test('Upload… in the Open dialog and a file dropped on the window both open', async ({ ui }) => {
    const doc = (name: string, size: number) =>
      JSON.stringify({ format: 'attractor-graph', version: 1, name, nodes: [{ id: `v${size}`, kind: 'layer', params: { shape: { type: 'vector', size } } }] });
    await ui.shortcut('Mod+O');
    await ui.byTestId('open-dialog').waitFor();
    await ui.shot('open-dialog');
    await ui.byTestId('open-upload-input').setInputFiles({ name: 'uploaded.attractor.json', mimeType: 'application/json', buffer: Buffer.from(doc('up', 7)) });
    await eventually(async () => expect(await ui.nodeIds()).toEqual(['v7']));
    // An upload has no file on the host: Save must ask where.
    expect((await ui.doc()).path).toBeNull();

    const dropped = await ui.page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.attractor.json', { type: 'application/json' }));
      return dt;
    }, doc('drop', 9));
    await ui.byTestId('canvas').dispatchEvent('dragover', { dataTransfer: dropped });
    await ui.byTestId('canvas').dispatchEvent('drop', { dataTransfer: dropped });
    await eventually(async () => expect(await ui.nodeIds()).toEqual(['v9']));
  });

  test('graph settings: a bad settle value is flagged, and Download saves a copy', async ({ ui }) => {
    await ui.byTestId('canvas').click({ position: { x: 40, y: 40 } });
    await ui.byTestId('graph-settle.steps').fill('0');
    await ui.byTestId('graph-settle.steps').press('Enter');
    await ui.byTestId('graph-error-settle.steps').waitFor();
    await ui.settled();
    expect((await ui.problems('error')).some((p) => p.includes('settle.steps'))).toBe(true);
    await ui.byTestId('graph-settle.steps').fill('50');
    await ui.byTestId('graph-settle.steps').press('Enter');
    await ui.settled();
    expect(await ui.byTestId('graph-error-settle.steps').count()).toBe(0);
    expect((await ui.doc()).graph.settle.steps).toBe(50);

    await ui.menu('file', 'saveAs');
    const download = ui.page.waitForEvent('download');
    await ui.byTestId('saveas-name').fill('copy');
    await ui.byTestId('saveas-download').click();
    expect((await download).suggestedFilename()).toBe('copy.attractor.json');
    await ui.page.keyboard.press('Escape');
  });

  test('every example opens from the gallery with no errors', async ({ ui }) => {
    await ui.byTestId('tool-examples').click();
    await ui.byTestId('examples-dialog').waitFor();
    // The gallery asks the host for the list when it opens: wait for the entries.
    const entries = ui.page.locator('[data-testid^="example-"]');
    await expect.poll(() => entries.count()).toBeGreaterThanOrEqual(10);
    const ids = await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('example-'.length)));
    await ui.shot('examples');
    await ui.page.keyboard.press('Escape');

    // With unsaved work, opening an example asks first.
    await ui.addFromPalette('layer');
    await ui.byTestId('tool-examples').click();
    await ui.byTestId(`example-${ids[0]}`).click();
    await ui.byTestId('confirm-dialog').waitFor();
    await ui.shot('confirm-unsaved');
    await ui.byTestId('confirm-discard').click();
    await ui.byTestId('examples-dialog').waitFor({ state: 'detached' });
    await ui.showsExample(ids[0]);

    for (const [i, id] of ids.entries()) {
      if (i > 0) await ui.openExample(id);
      expect({ id, errors: await ui.problems('error') }).toEqual({ id, errors: [] });
      expect((await ui.doc()).dirty).toBe(false);
    }
  });

  test('the README screenshot: MNIST patches with its plan', async ({ ui }) => {
    await ui.openExample('mnist-patches');
    await ui.byTestId('tab-plan').click();
    await ui.byTestId('plan-guarantee').waitFor();
    await ui.zoomToFit();
    const node = (await ui.doc()).graph.nodes.find((n) => n.kind === 'self-attention')!;
    await ui.select(node.id);
    expect(ui.page.viewportSize()).toEqual({ width: 1400, height: 900 });
    await ui.shot('editor');
  });

  test('unsaved work is autosaved and offered back after a reload', async ({ ui, studio }) => {
    await ui.addFromPalette('layer');
    const unsaved = await ui.nodeIds();
    expect((await ui.doc()).dirty).toBe(true);
    // The next autosave tick writes the copy.
    await eventually(async () => expect(await recoveries(studio)).toHaveLength(1), AUTOSAVE_MS * 10);
    await ui.open(studio.url);
    const offer = ui.byTestId('recovery-offer');
    await offer.waitFor();
    expect(await offer.textContent()).toMatch(/Restore unsaved work from/);
    await ui.shot('recovery-offer');
    await ui.byTestId('recovery-restore').click();
    await eventually(async () => expect(await ui.nodeIds()).toEqual(unsaved));
    expect((await ui.doc()).dirty).toBe(true);

    // The restored work keeps its copy (still unsaved); declining it at the next start drops it for good.
    expect(await recoveries(studio)).toHaveLength(1);
    await ui.open(studio.url);
    await offer.waitFor();
    await ui.byTestId('recovery-discard').click();
    await eventually(async () => expect(await recoveries(studio)).toEqual([]));
    await ui.open(studio.url);
    expect(await offer.count()).toBe(0);
  });

  test('the keyboard shortcuts dialog lists the commands', async ({ ui }) => {
    await ui.byTestId('menu-edit').click();
    await ui.shot('menu-edit');
    // With one menu open, hovering another switches to it, as in a desktop menu bar.
    await ui.byTestId('menu-help').hover();
    await ui.byTestId('menu-item-shortcuts').click();
    const dialog = ui.byTestId('shortcuts-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Ctrl+Shift+S');
    await ui.page.keyboard.press('Escape');
  });
});
