/**
 * The workbench's layout (issue 15, item 5), in Chromium at 1280×800: the run panel is a
 * column beside the inspector, not a drawer over the canvas and the inspector; it and the
 * Problems/Plan panel resize from their edges and keep their sizes after a reload; after Fit
 * the minimap covers no node.
 */
import { describe, expect } from 'vitest';
import { e2eTest } from './fixtures.js';
import type { UI } from './ui.js';

const test = e2eTest();

type Box = { x: number; y: number; width: number; height: number };
const box = async (ui: UI, id: string): Promise<Box> => (await ui.byTestId(id).boundingBox())!;
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1;

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

describe('workbench layout (issue 15)', { timeout: 90_000 }, () => {
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

    const width = await ui.num('run-dock-splitter', 'data-size');
    await drag(ui, 'run-dock-splitter', -120, 0);
    await expect.poll(() => ui.num('run-dock-splitter', 'data-size')).toBe(width + 120);
    expect(Math.round((await box(ui, 'run-dock')).width)).toBe(width + 120);

    const height = Math.round((await box(ui, 'bottom-panel')).height);
    await drag(ui, 'bottom-splitter', 0, -60);
    await expect.poll(async () => Math.round((await box(ui, 'bottom-panel')).height)).toBe(height + 60);

    await ui.open(studio.url);
    await ui.openRunDock();
    expect(await ui.num('run-dock-splitter', 'data-size')).toBe(width + 120);
    expect(Math.round((await box(ui, 'bottom-panel')).height)).toBe(height + 60);
  });
});
