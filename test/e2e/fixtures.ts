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
 * Console errors that are not the app's doing: none. (Chromium used to log one on every
 * load for `frame-ancestors` in the meta CSP; it now comes only as a header, where it
 * works, so every test's clean console also checks that.)
 */
export const EXPECTED_ERRORS: readonly RegExp[] = [];

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
