/**
 * Shapes on wires (issue 15, "what users of the best tools expect"; Netron): each wire
 * leaving a layer carries the shape of its state, from the compiler's check; a change of
 * shape relabels it; View › Shapes on wires hides them, and the choice survives a reload.
 */
import { describe, expect } from 'vitest';
import { e2eTest } from './fixtures.js';
import type { UI } from './ui.js';

const test = e2eTest();

/** The label on each wire, by `from→to` (node.port). */
function wireLabels(ui: UI): Promise<Record<string, string>> {
  return ui.page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const w of document.querySelectorAll('[data-testid="connection"]')) {
      const t = w.querySelector('[data-testid="wire-shape"]');
      if (t && getComputedStyle(t).display !== 'none') out[`${w.getAttribute('data-from')}→${w.getAttribute('data-to')}`] = t.textContent ?? '';
    }
    return out;
  });
}

describe('shapes on wires', { timeout: 120_000 }, () => {
  test('wires from layers show their shapes; a new shape relabels them; hidden and shown from the View menu, remembered', async ({ ui }) => {
    // A grid layer's wires give channels × height × width.
    await ui.openExample('mnist-patches');
    await expect.poll(async () => Object.values(await wireLabels(ui))).toContain('1×28×28');
    await ui.openExample('mnist-completion');
    await expect.poll(() => wireLabels(ui)).toMatchObject({ 'visible.state→W.lower': '784', 'hidden.state→W.upper': '256' });

    await ui.menu('view', 'wireShapes');
    await expect.poll(() => wireLabels(ui)).toEqual({});
    await ui.page.reload();
    await ui.openExample('mnist-completion');
    await ui.byTestId('connection').first().waitFor();
    expect(await wireLabels(ui)).toEqual({});
    await ui.menu('view', 'wireShapes');
    await expect.poll(async () => (await wireLabels(ui))['visible.state→W.lower']).toBe('784');

    // A shape the user changes is on the wire after the next check.
    await ui.select('hidden');
    await ui.setParam('shape.size', '128');
    await expect.poll(async () => (await wireLabels(ui))['hidden.state→W.upper']).toBe('128');
  });
});

describe('search-to-add on a dropped wire', { timeout: 120_000 }, () => {
  /** Drags a wire from `socket` to an empty spot of the canvas and lets go. */
  async function dropWire(ui: UI, socket: string): Promise<void> {
    const s = (await ui.byTestId(socket).boundingBox())!;
    const canvas = (await ui.byTestId('canvas').boundingBox())!;
    await ui.page.mouse.move(s.x + s.width / 2, s.y + s.height / 2);
    await ui.page.mouse.down();
    await ui.page.mouse.move(canvas.x + canvas.width - 120, canvas.y + 60, { steps: 8 });
    await ui.page.mouse.up();
  }

  test('from an output: lists the kinds that fit, adds the one picked at the drop point and wires it, one undo; Escape leaves nothing', async ({ ui }) => {
    await ui.openExample('mnist-completion');
    const before = await ui.nodeIds();
    await dropWire(ui, 'socket-hidden-out-state');
    await ui.byTestId('wire-search').waitFor();
    const kinds = await ui.byTestId('wire-search-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-kind')));
    // A layer's state feeds couplings, clamps, targets, noise; never a dataset (it has no inputs).
    expect(kinds).toEqual(expect.arrayContaining(['dense', 'clamp', 'target']));
    expect(kinds).not.toContain('dataset');
    await ui.byTestId('wire-search-input').fill('dense coupling');
    await ui.page.keyboard.press('Enter');
    await expect.poll(async () => (await ui.nodeIds()).length).toBe(before.length + 1);
    const added = (await ui.nodeIds()).find((id) => !before.includes(id))!;
    expect((await ui.doc()).graph.nodes.find((n) => n.id === added)!.kind).toBe('dense');
    await expect.poll(() => ui.page.locator(`[data-testid="connection"][data-from="hidden.state"][data-to="${added}.lower"]`).count()).toBe(1);
    expect(await ui.byTestId('wire-search').count()).toBe(0);
    // One undo takes node and wire away together.
    await ui.shortcut('Mod+Z');
    await expect.poll(() => ui.nodeIds()).toEqual(before);

    // Escape cancels, leaving nothing.
    await dropWire(ui, 'socket-hidden-out-state');
    await ui.byTestId('wire-search').waitFor();
    await ui.page.keyboard.press('Escape');
    expect(await ui.byTestId('wire-search').count()).toBe(0);
    expect(await ui.nodeIds()).toEqual(before);
  });
});
