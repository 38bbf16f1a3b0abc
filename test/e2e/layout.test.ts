/**
 * The workbench's layout (issue 15, item 5), in Chromium: the run panel and the Runs column
 * are columns of the workbench, not drawers over the canvas, the palette or the inspector;
 * they and the Problems/Plan panel resize from their edges and keep their sizes (and the
 * Runs column its open state) after a reload; short of room they shrink and then fold to
 * their handles in a defined order, so at 1280×800 and 1024×700 no two panels overlap and
 * after Fit neither a panel, the minimap nor a notice covers a node.
 */
import { describe, expect } from 'vitest';
import { e2eTest } from './fixtures.js';
import type { UI } from './ui.js';

const test = e2eTest();

type Box = { x: number; y: number; width: number; height: number };
const box = async (ui: UI, id: string): Promise<Box> => (await ui.byTestId(id).boundingBox())!;
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1;

/** Everything the shell lays out side by side, by a name for the messages. */
const PANELS: Readonly<Record<string, string>> = {
  toolbar: '.topbar',
  palette: 'nav.palette',
  'runs column': '[data-testid="runs-dock"]',
  'runs handle': '[data-testid="runs-open"]',
  canvas: '[data-testid="canvas"]',
  notices: '.notices',
  'bottom panel': '[data-testid="bottom-panel"]',
  inspector: '[data-testid="inspector"]',
  'run panel': '[data-testid="run-dock"]',
  'run handle': '[data-testid="run-open"]',
  'status bar': '.statusbar',
};

/** The panels on screen (a closed panel or an empty notices row has no box). */
function panelBoxes(ui: UI): Promise<Record<string, Box>> {
  return ui.page.evaluate((panels) => {
    const boxes: Record<string, Box> = {};
    for (const [name, selector] of Object.entries(panels)) {
      const r = document.querySelector(selector)?.getBoundingClientRect();
      if (r && r.width > 0 && r.height > 0) boxes[name] = { x: r.x, y: r.y, width: r.width, height: r.height };
    }
    return boxes;
  }, PANELS);
}

/** Pairs of panels that overlap, and panels that reach outside the window. */
async function layoutFaults(ui: UI): Promise<string[]> {
  const { width, height } = ui.page.viewportSize()!;
  const boxes = Object.entries(await panelBoxes(ui));
  const faults: string[] = [];
  for (const [i, [a, ba]] of boxes.entries()) {
    if (ba.x < -0.5 || ba.y < -0.5 || ba.x + ba.width > width + 0.5 || ba.y + ba.height > height + 0.5) faults.push(`${a} reaches outside the window`);
    for (const [b, bb] of boxes.slice(i + 1)) if (overlaps(ba, bb)) faults.push(`${a} overlaps ${b}`);
  }
  return faults;
}

/** After Fit: the nodes covered by a panel, the minimap or a notice. */
async function coveredNodes(ui: UI): Promise<string[]> {
  await ui.zoomToFit();
  const covers = Object.entries(await panelBoxes(ui)).filter(([name]) => name !== 'canvas');
  if (await ui.byTestId('minimap').isVisible()) covers.push(['minimap', await box(ui, 'minimap')]);
  for (const [i, notice] of (await ui.page.locator('[data-testid="notice"]').all()).entries()) covers.push([`notice ${i}`, (await notice.boundingBox())!]);
  const covered: string[] = [];
  for (const id of await ui.nodeIds()) {
    const node = await box(ui, `node-${id}`);
    for (const [name, b] of covers) if (overlaps(node, b)) covered.push(`${name} covers ${id}`);
  }
  return covered;
}

async function drag(ui: UI, id: string, dx: number, dy: number): Promise<void> {
  const b = await box(ui, id);
  const x = b.x + b.width / 2;
  const y = b.y + b.height / 2;
  await ui.page.mouse.move(x, y);
  await ui.page.mouse.down();
  await ui.page.mouse.move(x + dx / 2, y + dy / 2);
  await ui.page.mouse.move(x + dx, y + dy);
  await ui.page.mouse.up();
}

const width = async (ui: UI, id: string) => Math.round((await box(ui, id)).width);

describe('workbench layout (issue 15)', { timeout: 120_000 }, () => {
  test('after Fit the minimap covers no node, in every example at 1280×800', async ({ ui }) => {
    await ui.page.setViewportSize({ width: 1280, height: 800 });
    const covered: string[] = [];
    for (const example of ['mnist-completion', 'mnist-classify', 'mnist-patches', 'conv-completion', 'stack-3', 'deep-conv-blocks', 'associative-recall']) {
      await ui.openExample(example);
      await ui.zoomToFit();
      const map = await box(ui, 'minimap');
      for (const id of await ui.nodeIds()) if (overlaps(map, await box(ui, `node-${id}`))) covered.push(`${example}: ${id}`);
    }
    expect(covered).toEqual([]);
  });

  test('the run panel sits beside the canvas and the inspector; it and the bottom panel resize and keep their sizes', async ({ ui, studio }) => {
    await ui.page.setViewportSize({ width: 1280, height: 800 });
    await ui.openExample('mnist-completion');
    // Closed, its handle is a column of its own: it covers no inspector field.
    expect(overlaps(await box(ui, 'run-open'), await box(ui, 'inspector'))).toBe(false);
    await ui.openRunDock();
    const dock = await box(ui, 'run-dock');
    expect(overlaps(dock, await box(ui, 'canvas'))).toBe(false);
    expect(overlaps(dock, await box(ui, 'inspector'))).toBe(false);

    // Narrower by 100 (wider, at 1280, would take the canvas below its minimum: see the next test).
    const before = await ui.num('run-dock-splitter', 'data-size');
    expect(await width(ui, 'run-dock')).toBe(before);
    await drag(ui, 'run-dock-splitter', 100, 0);
    await expect.poll(() => ui.num('run-dock-splitter', 'data-size')).toBe(before - 100);
    expect(await width(ui, 'run-dock')).toBe(before - 100);

    const height = Math.round((await box(ui, 'bottom-panel')).height);
    await drag(ui, 'bottom-splitter', 0, -60);
    await expect.poll(async () => Math.round((await box(ui, 'bottom-panel')).height)).toBe(height + 60);

    await ui.open(studio.url);
    await ui.openRunDock();
    expect(await ui.num('run-dock-splitter', 'data-size')).toBe(before - 100);
    expect(await width(ui, 'run-dock')).toBe(before - 100);
    expect(Math.round((await box(ui, 'bottom-panel')).height)).toBe(height + 60);
  });

  test('the Runs column: a column between the palette and the canvas, resized, closed by its toggle and by Escape, remembered', async ({ ui, studio }) => {
    await ui.page.setViewportSize({ width: 1280, height: 800 });
    await ui.openExample('mnist-completion');
    await ui.byTestId('runs-open').click();
    const runs = await box(ui, 'runs-dock');
    const palette = (await ui.page.locator('nav.palette').boundingBox())!;
    // Beside the palette, and the canvas moved over for it rather than being covered.
    expect(Math.round(runs.x)).toBe(Math.round(palette.x + palette.width));
    expect(Math.round((await box(ui, 'canvas')).x)).toBe(Math.round(runs.x + runs.width));
    expect(await layoutFaults(ui)).toEqual([]);

    // From its right edge: narrower by 80, then wider by 40 (at 1280 its default already leaves the canvas its minimum).
    const shown = await ui.num('runs-dock-splitter', 'data-size');
    expect(await width(ui, 'runs-dock')).toBe(shown);
    await drag(ui, 'runs-dock-splitter', -80, 0);
    await expect.poll(() => ui.num('runs-dock-splitter', 'data-size')).toBe(shown - 80);
    await drag(ui, 'runs-dock-splitter', 40, 0);
    await expect.poll(() => ui.num('runs-dock-splitter', 'data-size')).toBe(shown - 40);
    const kept = shown - 40;
    expect(await width(ui, 'runs-dock')).toBe(kept);
    // The keyboard too: on a right-hand edge, ArrowLeft narrows and ArrowRight widens by 16.
    await ui.byTestId('runs-dock-splitter').focus();
    await ui.page.keyboard.press('ArrowLeft');
    await expect.poll(() => width(ui, 'runs-dock')).toBe(kept - 16);
    await ui.page.keyboard.press('ArrowRight');
    await expect.poll(() => width(ui, 'runs-dock')).toBe(kept);

    // Open and its width, after a reload.
    await ui.open(studio.url);
    await ui.byTestId('runs-dock').waitFor();
    expect(await ui.num('runs-dock-splitter', 'data-size')).toBe(kept);
    expect(await width(ui, 'runs-dock')).toBe(kept);

    // Escape with the focus inside closes it, and the focus lands on its handle.
    await ui.byTestId('runs-tab-sweep').focus();
    await ui.page.keyboard.press('Escape');
    await ui.byTestId('runs-dock').waitFor({ state: 'hidden' });
    await expect.poll(() => ui.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('runs-open');
    // Closed stays closed after a reload; the toggle opens it, its × closes it.
    await ui.open(studio.url);
    expect(await ui.byTestId('runs-dock').isVisible()).toBe(false);
    await ui.byTestId('runs-open').click();
    expect(await width(ui, 'runs-dock')).toBe(kept);
    await ui.byTestId('runs-close').click();
    await ui.byTestId('runs-dock').waitFor({ state: 'hidden' });
    expect(await ui.byTestId('runs-open').isVisible()).toBe(true);
  });

  test('every panel open at 1280×800: nothing overlaps, the canvas keeps its minimum, no node is covered after Fit', async ({ ui }) => {
    await ui.page.setViewportSize({ width: 1280, height: 800 });
    await ui.openExample('mnist-classify');
    await ui.byTestId('runs-open').click();
    await ui.openRunDock();
    expect(await ui.byTestId('runs-dock').isVisible()).toBe(true);
    expect(await ui.byTestId('run-dock').isVisible()).toBe(true);
    expect(await layoutFaults(ui)).toEqual([]);
    expect(await width(ui, 'canvas')).toBeGreaterThanOrEqual(280);
    expect(await coveredNodes(ui)).toEqual([]);
    // In a canvas this narrow the minimap would cover most of the graph: it steps aside until there is room.
    expect(await ui.byTestId('minimap').isVisible()).toBe(false);
    await ui.byTestId('runs-close').click();
    await ui.byTestId('run-close').click();
    await expect.poll(() => ui.byTestId('minimap').isVisible()).toBe(true);
    await ui.byTestId('runs-open').click();
    await ui.openRunDock();
    await ui.shot('layout-1280-all-open');
    // Asking for more than there is: the run panel stops where the canvas would go below its minimum.
    await drag(ui, 'run-dock-splitter', -400, 0);
    expect(await width(ui, 'canvas')).toBeGreaterThanOrEqual(280);
    expect(await layoutFaults(ui)).toEqual([]);
  });

  test('at 1024×700 the Runs column fits; opening the run panel too folds the one opened earlier to its handle', async ({ ui }) => {
    await ui.page.setViewportSize({ width: 1024, height: 700 });
    await ui.openExample('mnist-classify');
    await ui.byTestId('runs-open').click();
    expect(await ui.byTestId('runs-dock').isVisible()).toBe(true);
    expect(await layoutFaults(ui)).toEqual([]);
    expect(await width(ui, 'canvas')).toBeGreaterThanOrEqual(280);
    expect(await coveredNodes(ui)).toEqual([]);

    // Both will not fit beside a usable canvas: the Runs column, opened earlier, folds.
    await ui.openRunDock();
    await ui.byTestId('runs-dock').waitFor({ state: 'hidden' });
    expect(await ui.attr('runs-open', 'data-folded')).toBe('true');
    await ui.shot('layout-1024-folded');
    expect(await layoutFaults(ui)).toEqual([]);
    expect(await width(ui, 'canvas')).toBeGreaterThanOrEqual(280);
    expect(await coveredNodes(ui)).toEqual([]);

    // Its handle brings it back, and the run panel folds instead.
    await ui.byTestId('runs-open').click();
    await ui.byTestId('runs-dock').waitFor();
    await ui.byTestId('run-dock').waitFor({ state: 'hidden' });
    expect(await layoutFaults(ui)).toEqual([]);
    // A wider window has room for both again.
    await ui.page.setViewportSize({ width: 1400, height: 800 });
    await ui.byTestId('run-dock').waitFor();
    expect(await ui.byTestId('runs-dock').isVisible()).toBe(true);
    expect(await layoutFaults(ui)).toEqual([]);
  });

  test('a notice takes a row above the Problems panel: it covers no panel and, after Fit, no node', async ({ ui }) => {
    await ui.page.setViewportSize({ width: 1280, height: 800 });
    await ui.openExample('mnist-completion');
    await ui.openRunDock();
    await ui.saveAs('layout-notice');
    await ui.byTestId('notice').waitFor();
    expect(await layoutFaults(ui)).toEqual([]);
    const notice = await box(ui, 'notice');
    for (const id of ['canvas', 'bottom-panel', 'inspector', 'run-dock']) expect(overlaps(notice, await box(ui, id)), id).toBe(false);
    expect(await coveredNodes(ui)).toEqual([]);
  });
});
