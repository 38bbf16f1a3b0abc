/**
 * What a new user tripped over in the run panel (issue 15), end to end in Chromium on the
 * web host's real engine: the example settled shown beside its target with its class,
 * a unit's activation and net input plotted, a start state edited, galleries of several digit classes, settings changed while paused, the warning when
 * most examples do not settle, one "Resume" while paused, a backend that cannot start
 * refused in Settings, and nothing left over from the previous graph.
 */
import { describe, expect } from 'vitest';
import { e2eTest } from './fixtures.js';
import type { UI } from './ui.js';

const test = e2eTest();

async function savedDigits(ui: UI, name: string): Promise<void> {
  await ui.openExample('mnist-completion');
  await ui.saveAs(name);
  await ui.openRunDock();
}

/** Buttons in the run panel whose text is exactly `text`. */
const buttonsNamed = (ui: UI, text: string) => ui.page.locator('[data-testid="run-dock"] button:visible', { hasText: new RegExp(`^\\s*${text}\\s*$`) }).count();

describe('run panel feedback (issue 15)', { timeout: 180_000 }, () => {
  test('settle shows the example beside its start, clamp and target, with its class; held-out positions are different digits; a clicked unit is plotted; an edited start is settled from', async ({ ui }) => {
    await ui.openExample('mnist-completion');
    await ui.openRunDock();
    const labels: string[] = [];
    for (const index of ['0', '1', '2']) {
      await ui.byTestId('settle-index').fill(index);
      expect(await ui.run('run-settle')).toBe('done');
      await ui.byTestId('example-card').waitFor();
      for (const part of ['start', 'clamp', 'now', 'target']) await ui.byTestId(`example-${part}-visible`).waitFor();
      labels.push(await ui.attr('example-card', 'data-label'));
      // Every iteration is recorded: the scrubber's last frame is the last iteration (none skipped).
      expect(await ui.attr('iteration-scrubber', 'max')).toBe(await ui.attr('iteration-label', 'data-iter'));
    }
    expect(labels.every((l) => /^\d$/.test(l))).toBe(true);
    // MNIST is stored class by class; positions 0, 1, 2 of the held-out part are three different digits.
    expect(new Set(labels).size).toBe(3);
    // Settled within T: no warning.
    expect(await ui.byTestId('unsettled-advice').count()).toBe(0);

    // Plot a unit: a click on a free pixel of the visible layer (bottom half, row 20, column 14).
    const image = (await ui.byTestId('layer-image-visible').boundingBox())!;
    await ui.page.mouse.click(image.x + (14.5 / 28) * image.width, image.y + (20.5 / 28) * image.height);
    await ui.byTestId('unit-plot').waitFor();
    expect(await ui.attr('unit-plot', 'data-layer')).toBe('visible');
    expect(await ui.num('unit-plot', 'data-unit')).toBe(20 * 28 + 14);
    // One point per recorded iteration, activation = tanh(net input) at the end (a free unit follows its net input).
    expect(await ui.num('unit-plot', 'data-points')).toBe(Number(await ui.attr('iteration-scrubber', 'max')) + 1);
    const activation = await ui.num('unit-plot', 'data-last-activation');
    expect(activation).toBeCloseTo(Math.tanh(await ui.num('unit-plot', 'data-last-net')), 4);
    await ui.shot('settle-side-by-side');

    // Edit the start: flip a held pixel (row 5, column 14) of the visible layer, settle from it; it stays flipped.
    // The image moves down once the unit plot shows: measured at each click.
    const at = async (row: number, col: number) => {
      const b = (await ui.byTestId('layer-image-visible').boundingBox())!;
      await ui.page.mouse.click(b.x + ((col + 0.5) / 28) * b.width, b.y + ((row + 0.5) / 28) * b.height);
    };
    await at(5, 14);
    await expect.poll(() => ui.num('unit-plot', 'data-unit')).toBe(5 * 28 + 14);
    const held = await ui.num('unit-plot', 'data-last-activation');
    await ui.byTestId('settle-edit').check();
    await at(5, 14);
    expect(await ui.attr('settle-edits', 'data-layers')).toBe('visible');
    await ui.byTestId('settle-edit').uncheck();
    expect(await ui.run('run-settle')).toBe('done');
    await at(5, 14);
    await expect.poll(() => ui.num('unit-plot', 'data-first-activation')).toBe(held === 0 ? 1 : -held);
    expect(await ui.num('unit-plot', 'data-last-activation')).toBe(held === 0 ? 1 : -held);
  });

  test('training: the gallery spans several classes; while paused one Resume, settings change and hold from the next batch, and the unsettled warning says what to change', async ({ ui }) => {
    await savedDigits(ui, 'live');
    await ui.byTestId('run-tab-train').click();
    await ui.byTestId('train-batches').fill('400');
    const id = await ui.startRun('run-train');
    // The first gallery comes at batch 25: six held-out digits of six different classes.
    await ui.byTestId('gallery-result').waitFor({ timeout: 120_000 });
    const classes = await ui.page.locator('[data-testid="gallery-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label')));
    expect(classes).toHaveLength(6);
    expect(new Set(classes).size).toBe(6);

    await ui.byTestId('run-pause').click();
    await expect.poll(() => ui.page.locator(`[data-testid="run-status"][data-run="${id}"]`).getAttribute('data-status')).toBe('paused');
    // One way to continue this run, and the checkpoint button named for what it does.
    expect(await buttonsNamed(ui, '▶ Resume')).toBe(1);
    expect(await ui.byTestId('run-resume-checkpoint').textContent()).toBe('⟲ From checkpoint');

    // The engine's settings as they start: lr 3e-3, T 20, θ 1e-3; T = 1 leaves every example unsettled.
    await ui.byTestId('live-settings').waitFor();
    expect(await ui.attr('live-settings', 'data-steps')).toBe('20');
    await ui.byTestId('live-steps').fill('1');
    await ui.byTestId('live-lr').fill('0.01');
    await ui.byTestId('live-apply').click();
    await expect.poll(() => ui.attr('live-settings', 'data-steps')).toBe('1');
    expect(await ui.attr('live-settings', 'data-lr')).toBe('0.01');
    expect(await ui.byTestId('unsettled-advice').count()).toBe(0);
    await ui.byTestId('run-step').click();
    const advice = ui.byTestId('unsettled-advice');
    await advice.waitFor({ timeout: 30_000 });
    expect(await advice.textContent()).toMatch(/^(\d+) of \1 examples did not settle within T = 1 iterations \(θ = 0\.001\): raise T \(settle steps in Graph settings, or T in the paused run’s settings\), lower the couplings' initial gain/);

    await ui.byTestId('run-cancel').click();
    expect(await ui.runEnded(id, 30_000)).toBe('cancelled');
  });

  test('a classifier’s label layer shows its predicted class beside the example’s class', async ({ ui }) => {
    await ui.openExample('mnist-classify');
    await ui.openRunDock();
    await ui.byTestId('settle-index').fill('4');
    expect(await ui.run('run-settle')).toBe('done');
    await ui.byTestId('predicted-label').waitFor();
    expect(await ui.attr('predicted-label', 'data-class')).toMatch(/^\d$/);
    expect(await ui.byTestId('predicted-label').textContent()).toMatch(/predicted \d \(\d+%\)/);
    expect(await ui.attr('example-card', 'data-label')).toMatch(/^\d$/);
  });

  test('Settings refuses a backend that cannot start here, with the reason, and keeps the one in use', async ({ ui }) => {
    await ui.openExample('mnist-completion');
    await ui.openRunDock();
    await expect.poll(() => ui.attr('status-backend', 'data-name'), { timeout: 30_000 }).toBe('wasm');
    await ui.menu('file', 'settings');
    await ui.byTestId('settings-dialog').waitFor();
    // tfjs-node-gpu never installs here.
    await ui.byTestId('settings-backend').selectOption('tensorflow');
    await expect.poll(async () => (await ui.byTestId('settings-status').textContent()) ?? '', { timeout: 60_000 }).toMatch(/^tensorflow cannot be used here: .*tfjs-node-gpu/);
    expect(await ui.attr('settings-status', 'role')).toBe('alert');
    expect(await ui.byTestId('settings-backend').inputValue()).not.toBe('tensorflow');
    expect(await ui.page.evaluate(() => localStorage.getItem('attractor.engine.backend'))).not.toBe('tensorflow');
    await ui.byTestId('settings-close').click();
    // The next settle runs, on the backend that was in use.
    expect(await ui.run('run-settle')).toBe('done');
    expect(await ui.attr('status-backend', 'data-name')).toBe('wasm');
    expect(await ui.byTestId('engine-error').count()).toBe(0);
  });

  test('opening another graph drops the last one’s settle results; Settle says why it is off while training runs', async ({ ui }) => {
    await savedDigits(ui, 'first');
    expect(await ui.run('run-settle')).toBe('done');
    expect(await ui.attr('guarantee-chip', 'data-kind')).toBe('descent');
    await ui.byTestId('layer-image-visible').waitFor();

    await ui.openExample('conv-completion');
    await expect.poll(() => ui.byTestId('tstar').count()).toBe(0);
    expect(await ui.byTestId('layer-image-visible').count()).toBe(0);
    expect(await ui.byTestId('example-card').count()).toBe(0);

    await ui.openFromWorkspace('first');
    await ui.byTestId('run-tab-train').click();
    await ui.byTestId('train-batches').fill('400');
    const id = await ui.startRun('run-train');
    await ui.byTestId('run-tab-settle').click();
    expect(await ui.byTestId('settle-blocked').textContent()).toMatch(/^Training is running: the engine runs one thing at a time/);
    expect(await ui.byTestId('run-settle').isDisabled()).toBe(true);
    await ui.byTestId('run-cancel').click();
    expect(await ui.runEnded(id, 30_000)).toBe('cancelled');
    expect(await ui.byTestId('settle-blocked').count()).toBe(0);
  });
});
