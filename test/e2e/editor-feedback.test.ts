/**
 * Editor details a new user tripped over (issue 15, item 7), in Chromium: the canvas's
 * context menu closes on Escape and does not outlive the document it was opened on.
 */
import { describe, expect } from 'vitest';
import { e2eTest } from './fixtures.js';
import type { UI } from './ui.js';

const test = e2eTest();

const menuShown = (ui: UI) => ui.page.locator('.ase-menu-item').first().isVisible();

async function openMenu(ui: UI): Promise<void> {
  const box = (await ui.byTestId('canvas').boundingBox())!;
  // The empty canvas's bottom-left corner: no node or overlay there.
  await ui.page.mouse.click(box.x + 12, box.y + box.height - 12, { button: 'right' });
  await expect.poll(() => menuShown(ui)).toBe(true);
}

describe('editor feedback (issue 15)', { timeout: 90_000 }, () => {
  test('the canvas menu closes on Escape, and when another document is opened', async ({ ui }) => {
    await openMenu(ui);
    await ui.page.keyboard.press('Escape');
    await expect.poll(() => menuShown(ui)).toBe(false);

    await openMenu(ui);
    await ui.openExample('hopfield');
    await expect.poll(() => menuShown(ui)).toBe(false);
  });
});
