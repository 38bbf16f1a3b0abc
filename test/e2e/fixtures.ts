/**
 * Vitest fixtures for the end-to-end tests. Each test gets its own studio (a fresh host,
 * workspace, data folder, engine and browser context, the app loaded and settled), so it
 * sets up what it needs and passes alone (`-t`) and in any order. Chromium itself is
 * launched once per file. After each test, the page's console must hold no errors
 * besides the expected ones.
 *
 *   const test = e2eTest({ autosaveMs: 500 });
 *   test('…', async ({ ui, studio }) => { … });
 */
import { test as base } from 'vitest';
import { launchChromium, openStudio, unexpectedErrors, type StudioOptions } from '../helpers/browser.js';
import { UI } from './ui.js';

/**
 * Console errors that are not the app's doing. Chromium ignores `frame-ancestors` in a
 * <meta> CSP and says so on every load; the web host sends it as a header, where it
 * works, and Electron loads from file:// where framing does not arise.
 */
export const EXPECTED_ERRORS: readonly RegExp[] = [/directive 'frame-ancestors' is ignored when delivered via a <meta> element/];

export function e2eTest(options: StudioOptions = {}) {
  return (
    base
      // eslint-disable-next-line no-empty-pattern -- Vitest reads a fixture's dependencies from this pattern.
      .extend('chromium', { scope: 'file' }, async ({}, { onCleanup }) => {
        const browser = await launchChromium();
        onCleanup(() => browser.close());
        return browser;
      })
      .extend('studio', async ({ chromium }, { onCleanup }) => {
        const studio = await openStudio(chromium, options);
        onCleanup(() => studio.close());
        return studio;
      })
      .extend('ui', async ({ studio }, { onCleanup }) => {
        const ui = new UI(studio.page);
        await ui.open(studio.url);
        onCleanup(() => {
          const errors = unexpectedErrors(studio.errors, EXPECTED_ERRORS);
          if (errors.length > 0) throw new Error(`the browser console reported errors:\n${errors.join('\n')}`);
        });
        return ui;
      })
  );
}
