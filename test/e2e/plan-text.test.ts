/**
 * The Plan panel's text wraps (issue 15, item 5: "the plan text is cut off"): every line
 * stays inside its box at 1280×800 and in a narrow window, long lines wrap under
 * themselves with a hanging indent, and the text reads as the compiler wrote it.
 */
import { describe, expect } from 'vitest';
import { e2eTest } from './fixtures.js';
import type { UI } from './ui.js';

const test = e2eTest();

/** Per plan line: how far it overflows its box (0 when it fits) and how many rows it takes. */
function planLines(ui: UI) {
  return ui.page.evaluate(() => {
    const box = document.querySelector('[data-testid="plan-text"]') as HTMLElement;
    const lineHeight = parseFloat(getComputedStyle(box).lineHeight) || 16;
    return {
      boxOverflow: box.scrollWidth - box.clientWidth,
      lines: [...box.querySelectorAll<HTMLElement>('.plan__line')].map((l) => ({
        text: l.textContent ?? '',
        overflow: Math.max(0, l.scrollWidth - l.clientWidth, l.getBoundingClientRect().right - box.getBoundingClientRect().right),
        rows: Math.round(l.getBoundingClientRect().height / lineHeight),
        indent: parseFloat(getComputedStyle(l).paddingLeft),
      })),
    };
  });
}

describe('Plan text', () => {
  for (const size of [
    { width: 1280, height: 800 },
    { width: 1024, height: 700 },
  ]) {
    test(`wraps within its box at ${size.width}×${size.height}`, async ({ ui }) => {
      await ui.page.setViewportSize(size);
      await ui.openExample('mnist-completion');
      await ui.byTestId('tab-plan').click();
      await ui.byTestId('plan-text').waitFor();
      const { boxOverflow, lines } = await planLines(ui);
      expect(lines.length).toBeGreaterThan(10);
      expect(boxOverflow).toBeLessThanOrEqual(1);
      for (const l of lines) expect(l.overflow, l.text).toBeLessThanOrEqual(1);
      // The guarantee's reason is one long line: it wraps rather than running off.
      const reason = lines.find((l) => l.text.startsWith('chromatic:'))!;
      expect(reason.rows).toBeGreaterThan(1);
      // Indentation is kept: a term under its phase sits further right than the phase.
      const phase = lines.find((l) => l.text.startsWith('phase 1'))!;
      const term = lines.find((l) => l.text.startsWith('z['))!;
      expect(term.indent).toBeGreaterThan(phase.indent);
      const text = await ui.page.evaluate(() => (document.querySelector('[data-testid="plan-text"]') as HTMLElement).innerText);
      expect(text).toMatch(/^schedule: +chromatic/m);
    });
  }
});
