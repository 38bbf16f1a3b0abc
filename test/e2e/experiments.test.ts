/**
 * The Runs and Sweep views in Chromium, on records the real CLI wrote and a sweep the
 * app runs with the local runner: runs listed with their results, curves overlaid,
 * settings that differ, a run's weights opened in Settle, a sweep built (one parameter
 * from the inspector's ⤳), run to the end, its best configuration marked.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { e2eTest } from './fixtures.js';

const ROOT = resolve(import.meta.dirname, '../..');
const GRAPH = 'bars-completion';
const test = e2eTest({ viewport: { width: 1500, height: 950 } });

function cli(cwd: string, ...args: string[]): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'attractor.mjs'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, ATTRACTOR_RUNS: 'on' }, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`attractor ${args.join(' ')}: ${r.stderr}`);
}

test('runs from the CLI: listed, compared, and their weights settled; a sweep built, run and ranked', async ({ ui, studio }) => {
  const file = `${GRAPH}.attractor.json`;
  copyFileSync(join(ROOT, 'test/fixtures/graphs', file), join(studio.workspace, file));
  cli(studio.workspace, 'train', file, '--batches', '30', '--set', 'training.optimizer.lr=0.003');
  cli(studio.workspace, 'train', file, '--resume', '--batches', '60');
  cli(studio.workspace, 'train', file, '--out', 'fast.weights', '--batches', '60', '--set', 'training.optimizer.lr=0.03');
  await ui.openFromWorkspace(GRAPH);

  await ui.byTestId('runs-open').click();
  await ui.byTestId('runs-dock').waitFor();
  await expect.poll(() => ui.page.locator('[data-testid="runs-row"]').count()).toBe(3);
  expect(await ui.page.locator('[data-testid="runs-row"][data-status="done"]').count()).toBe(3);
  // Compare the resumed run (its history reaches back to batch 1) with the fast one.
  const rows = ui.page.locator('[data-testid="runs-row"]');
  await rows.nth(1).locator('[data-testid="runs-pick"]').check();
  await expect.poll(() => ui.attr('runs-compare', 'data-runs')).toMatch(/,/);
  await expect.poll(() => ui.num('runs-chart-loss', 'data-points')).toBe(120);
  await expect.poll(() => ui.page.locator('[data-testid="runs-setting"][data-path="set.training.optimizer.lr"]').count()).toBe(1);
  await ui.shot('runs');

  // A run's weights in Settle: the run dock opens on Settle with that checkpoint chosen.
  await rows.nth(0).locator('[data-testid="runs-open-settle"]').click();
  await ui.byTestId('runs-close').click();
  await ui.byTestId('settle-view').waitFor();
  await expect.poll(() => ui.page.locator('[data-testid="settle-weights"]').inputValue()).toMatch(/bars-completion\.runs\/.*\/checkpoint$/);
  await ui.byTestId('run-close').click();

  // A sweep: learning rates typed, the gain sent from the inspector.
  await ui.select('W');
  await ui.byTestId('sweep-param-init.gain').click();
  await ui.byTestId('runs-tab-sweep').waitFor();
  await expect.poll(() => ui.page.locator('[data-testid="sweep-path"]').nth(1).inputValue()).toBe('W.init.gain');
  await ui.page.locator('[data-testid="sweep-values"]').nth(0).fill('0.003,0.03');
  await ui.page.locator('[data-testid="sweep-values"]').nth(1).fill('0.3,1');
  await ui.byTestId('sweep-jobs').fill('2');
  await ui.byTestId('sweep-start').click();
  await expect.poll(() => ui.attr('sweep-results', 'data-status'), { timeout: 120_000, interval: 500 }).toBe('done');
  expect(await ui.page.locator('[data-testid="sweep-row"][data-status="done"]').count()).toBe(4);
  expect(await ui.attr('sweep-results', 'data-best')).not.toBe('');
  expect(await ui.page.locator('[data-testid="sweep-best-point"]').count()).toBe(1);
  expect(await ui.num('sweep-scatter', 'data-points')).toBe(4);
  await ui.shot('sweep');
}, 240_000);
