/**
 * The Capacity panel in real Chromium against the web-mode host and its engine worker: a
 * sweep on a built classic net (cells stream in, the curves are drawn, retrieval falls
 * through ½ between the loads), the same on the classic example graph (its N = 100 and
 * asynchronous schedule), and a mistyped field named before anything runs.
 */
import { describe, expect } from 'vitest';
import { e2eTest } from './fixtures.js';

const test = e2eTest();

describe('capacity and basins (web mode, Chromium)', { timeout: 120_000 }, () => {
  test('a built classic net: cells, curves and the ½ crossing between a light and a heavy load', async ({ ui }) => {
    await ui.openExample('hopfield');
    await ui.openRunDock();
    await ui.byTestId('run-tab-capacity').click();
    await ui.byTestId('capacity-sizes').fill('60');
    await ui.byTestId('capacity-load').fill('0.05,0.4');
    await ui.byTestId('capacity-trials').fill('2');
    await ui.byTestId('capacity-probes').fill('10');
    expect(await ui.run('run-capacity')).toBe('done');
    expect(await ui.num('capacity-progress', 'data-done')).toBe(2);
    const rows = ui.byTestId('capacity-cell');
    expect(await rows.count()).toBe(2);
    expect(Number(await rows.nth(0).getAttribute('data-retrieved'))).toBe(1);
    expect(Number(await rows.nth(1).getAttribute('data-retrieved'))).toBeLessThan(0.5);
    const at = Number(await ui.byTestId('capacity-crossings').locator('li').first().getAttribute('data-at'));
    expect(at).toBeGreaterThan(0.05);
    expect(at).toBeLessThan(0.4);
    // Both charts drawn from the cells: one line each, the α_c marker on the retrieval chart.
    expect(await ui.byTestId('capacity-chart-retrieved').locator('svg polyline').count()).toBe(1);
    expect(await ui.byTestId('capacity-chart-overlap').locator('svg polyline').count()).toBe(1);
    expect(await ui.byTestId('capacity-chart-retrieved').textContent()).toContain('α_c ≈ 0.138');
    await ui.shot('capacity');
  });

  test('the graph on the canvas: N and the schedule come from the example; a bad corruption is named before a run', async ({ ui }) => {
    await ui.openExample('hopfield');
    await ui.openRunDock();
    await ui.byTestId('run-tab-capacity').click();
    await ui.byTestId('capacity-source').selectOption('graph');
    await ui.byTestId('capacity-corrupt').fill('blur:0.1');
    await expect.poll(() => ui.byTestId('run-error').textContent()).toMatch(/corruption: expected KIND:LEVEL/);
    expect(await ui.byTestId('run-capacity').isDisabled()).toBe(true);
    await ui.byTestId('capacity-corrupt').fill('flip:0.1');
    await ui.byTestId('capacity-by').selectOption('patterns');
    await ui.byTestId('capacity-load').fill('3,40');
    await ui.byTestId('capacity-trials').fill('2');
    await ui.byTestId('capacity-probes').fill('10');
    expect(await ui.run('run-capacity')).toBe('done');
    expect(await ui.byTestId('capacity-totals').textContent()).toMatch(/asynchronous \(unit-wise\)/);
    const rows = ui.byTestId('capacity-cell');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).locator('td').first().textContent()).toBe('100');
    expect(Number(await rows.nth(0).getAttribute('data-retrieved'))).toBe(1);
  });
});
