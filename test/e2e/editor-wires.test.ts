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
