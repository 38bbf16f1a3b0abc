/**
 * Problems, the Plan and the weights name nodes by the labels users type (issue 15, item 7),
 * with the id beside it in grey; nodes without a label keep their id. Engine messages carry
 * ids; the renderer maps them (app/renderer/src/app/node-names.tsx).
 */
import { describe, expect } from 'vitest';
import { e2eTest } from './fixtures.js';

const test = e2eTest();

describe('names users type', () => {
  test('the Plan table and a problem row show the label with the id beside it; unlabelled nodes their id', async ({ ui }) => {
    await ui.openExample('mnist-classify');
    await ui.byTestId('tab-plan').click();
    // The class layer is labelled "digit class"; the hidden layer has no label.
    await expect.poll(() => ui.byTestId('plan-layer-label').locator('td').first().textContent()).toBe('digit class label');
    expect(await ui.byTestId('plan-layer-label').locator('.node-name__id').textContent()).toBe('label');
    expect(await ui.byTestId('plan-layer-hidden').locator('td').first().textContent()).toBe('hidden');
    // Above the compiler's text (by id, as the CLI prints it): the labelled ids, named.
    expect(await ui.byTestId('plan-labels').textContent()).toContain('label = digit class');
    expect(await ui.byTestId('plan-labels').textContent()).toContain('class = name the digit');

    await ui.select('label');
    await ui.setParam('shape.size', '0');
    await ui.byTestId('tab-problems').click();
    const row = ui.page.locator('[data-testid="problem"][data-node="label"]').first();
    await row.waitFor();
    expect(await row.locator('.problems__node').textContent()).toBe('digit class label');
    // A problem still leads to its node.
    await ui.select('hidden');
    await row.click();
    await expect.poll(() => ui.byTestId('inspector-node-id').textContent()).toBe('label');
  });
});
