/**
 * Running graphs end to end, in real Chromium against the real web-mode host and its
 * engine worker: settle an MNIST digit (energy chart, scrubbing frames), train a saved
 * graph (held-out loss falls), cancel and resume from the checkpoint, settle with a
 * trained checkpoint, the gradient check, an attention block drawn as a graph, the backend setting, and a
 * drawn digit. Each test starts from a fresh studio (see fixtures.ts): its own host,
 * workspace, engine and browser storage, so it passes alone and in any order.
 */
import { describe, expect } from 'vitest';
import { e2eTest } from './fixtures.js';
import type { UI } from './ui.js';

const test = e2eTest();

/** A canvas's pixels, to see that a drawing changed. */
const pixels = (ui: UI, testId: string) => ui.byTestId(testId).evaluate((c) => (c as HTMLCanvasElement).toDataURL());

/** "step / total" of the training run shown. */
async function trainStep(ui: UI): Promise<{ step: number; total: number }> {
  const [step, total] = ((await ui.byTestId('train-step').textContent()) ?? '0/0').split('/').map((t) => Number(t.trim()));
  return { step, total };
}

/** The MNIST completion example saved as `name` in the workspace (training needs a file), run panel open. */
async function savedDigits(ui: UI, name: string): Promise<void> {
  await ui.openExample('mnist-completion');
  await ui.saveAs(name);
  await ui.openRunDock();
}

describe('running graphs (web mode, Chromium)', { timeout: 120_000 }, () => {
  test('settles one MNIST digit: the energy chart fills and falls, the scrubber moves through the layer images', async ({ ui }) => {
    await ui.openExample('mnist-completion');
    await ui.openRunDock();
    await expect.poll(() => ui.attr('engine-backend', 'data-name'), { timeout: 30_000 }).toMatch(/^(wasm|cpu|tensorflow)$/);

    await ui.byTestId('settle-index').fill('7');
    expect(await ui.run('run-settle')).toBe('done');
    const points = await ui.num('energy-chart', 'data-points');
    const first = await ui.num('energy-chart', 'data-first-energy');
    const last = await ui.num('energy-chart', 'data-last-energy');
    expect(points).toBeGreaterThan(2);
    expect(last).toBeLessThan(first);
    expect(await ui.attr('guarantee-chip', 'data-kind')).toBe('descent');
    expect(Number(await ui.byTestId('tstar').textContent())).toBe(points - 1);
    expect(await ui.byTestId('energy-alarm').count()).toBe(0);
    // The fixed point's stability: the spectral radius of the settle step's Jacobian, below 1 for an attractor.
    const rho = Number(await ui.byTestId('stability').textContent());
    expect(rho).toBeGreaterThan(0);
    expect(rho).toBeLessThan(1);
    // uPlot drew the series: a canvas inside the chart.
    expect(await ui.byTestId('energy-chart').locator('canvas').count()).toBe(1);
    // SVG export next to each chart's PNG button.
    expect(await ui.byTestId('export-svg-energy').count()).toBe(1);
    expect(await ui.byTestId('export-svg-max-change').count()).toBe(1);

    // Scrub back to the start: the label and the visible layer's image change.
    const endLabel = await ui.attr('iteration-label', 'data-iter');
    const endImage = await pixels(ui, 'layer-image-visible');
    const scrub = ui.byTestId('iteration-scrubber');
    await scrub.focus();
    await ui.page.keyboard.press('Home');
    await expect.poll(() => ui.attr('iteration-label', 'data-iter')).toBe('0');
    expect(endLabel).not.toBe('0');
    const startImage = await pixels(ui, 'layer-image-visible');
    expect(startImage).not.toBe(endImage);
    await ui.page.keyboard.press('ArrowRight');
    await expect.poll(() => ui.attr('iteration-label', 'data-iter')).toBe('1');
    expect(await pixels(ui, 'layer-image-visible')).not.toBe(startImage);
    // The status bar shows the backend the engine reported.
    expect(await ui.attr('status-backend', 'data-name')).toMatch(/^(wasm|cpu|tensorflow)$/);
    // The engine said how many held-out examples there are: a random pick stays within them.
    const size = await ui.num('settle-random', 'data-size');
    expect(size).toBeGreaterThan(7);
    await ui.byTestId('settle-random').click();
    const picked = Number(await ui.byTestId('settle-index').inputValue());
    expect(picked).toBeGreaterThanOrEqual(0);
    expect(picked).toBeLessThan(size);
    await ui.byTestId('settle-index').fill('7');
    await ui.shot('settle');
    console.log(`settle: ${points} iterations, energy ${first.toFixed(3)} → ${last.toFixed(3)}, t* ${points - 1}`);
  });

  // 150 batches of MNIST take ~30 s here alone and twice that on a loaded machine.
  test('trains a saved graph: held-out loss falls; cancel writes a checkpoint and resume continues from it', { timeout: 240_000 }, async ({ ui }) => {
    await savedDigits(ui, 'digits');
    await ui.byTestId('run-tab-train').click();
    await ui.byTestId('train-batches').fill('150');
    expect(await ui.run('run-train', 180_000)).toBe('done');
    const evals = await ui.num('heldout-loss', 'data-evals');
    const firstLoss = await ui.num('heldout-loss', 'data-first');
    const lastLoss = await ui.num('heldout-loss', 'data-last');
    expect(evals).toBeGreaterThanOrEqual(5);
    expect(lastLoss).toBeLessThan(firstLoss);
    expect(await ui.num('loss-chart', 'data-points')).toBe(150);
    // Log scale: ticks only at multiples of powers of ten, never a 0; and back to linear.
    const plotOf = ui.byTestId('loss-chart').locator('.run-chart__plot');
    expect(await plotOf.getAttribute('data-y-ticks')).toBeNull();
    await ui.byTestId('loss-log').check();
    await expect.poll(() => ui.attr('loss-chart', 'data-log')).toBe('true');
    await expect.poll(() => plotOf.getAttribute('data-y-ticks')).not.toBeNull();
    const ticks = (await plotOf.getAttribute('data-y-ticks'))!.split(' ').map(Number);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    for (const t of ticks) {
      expect(t).toBeGreaterThan(0);
      const mantissa = t / 10 ** Math.floor(Math.log10(t) + 1e-9);
      expect(Math.abs(mantissa - Math.round(mantissa)), `tick ${t}`).toBeLessThan(1e-6);
    }
    expect(await ui.num('loss-chart', 'data-points')).toBe(150);
    await ui.byTestId('loss-log').uncheck();
    await expect.poll(() => ui.attr('loss-chart', 'data-log')).toBe('false');
    expect(await plotOf.getAttribute('data-y-ticks')).toBeNull();
    expect(Number(await ui.byTestId('heldout-loss').textContent())).toBeCloseTo(lastLoss, 3);
    expect(await ui.byTestId('export-svg-loss').count()).toBe(1);
    await ui.byTestId('gallery-result').waitFor();
    // The weights of the one coupling are drawn; it joins two layers, so no symmetry error is shown.
    await ui.byTestId('weights-W').waitFor();
    expect(await ui.byTestId('symmetry-W').count()).toBe(0);
    await ui.shot('train');
    console.log(`train: held-out loss ${firstLoss.toFixed(4)} → ${lastLoss.toFixed(4)} over ${evals} evaluations`);

    // A second run (replacing the checkpoint), cancelled partway.
    await ui.byTestId('train-batches').fill('400');
    await ui.byTestId('train-replace').check();
    const second = await ui.startRun('run-train');
    await expect.poll(async () => (await trainStep(ui)).step, { timeout: 60_000 }).toBeGreaterThanOrEqual(5);
    await ui.byTestId('run-cancel').click();
    expect(await ui.runEnded(second, 30_000)).toBe('cancelled');
    const stoppedAt = (await trainStep(ui)).step;
    expect(stoppedAt).toBeGreaterThanOrEqual(5);
    await expect.poll(() => ui.byTestId('checkpoint-row').first().getAttribute('data-step'), { timeout: 15_000 }).toBe(String(stoppedAt));

    await ui.byTestId('train-batches').fill('10');
    expect(await ui.run('run-resume-checkpoint')).toBe('done');
    expect(await trainStep(ui)).toEqual({ step: stoppedAt + 10, total: stoppedAt + 10 });
    console.log(`train: cancelled at batch ${stoppedAt}, resumed to ${stoppedAt + 10}`);
  });

  test('settles a saved graph with a trained checkpoint picked in the weights list', async ({ ui }) => {
    // A checkpoint of its own: a short training of the saved graph.
    await savedDigits(ui, 'digits');
    await ui.byTestId('run-tab-train').click();
    await ui.byTestId('train-batches').fill('3');
    expect(await ui.run('run-train')).toBe('done');

    await ui.byTestId('run-tab-settle').click();
    await expect.poll(() => ui.byTestId('settle-weights').locator('option').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    const dir = (await ui.byTestId('settle-weights').locator('option').nth(1).getAttribute('value')) ?? '';
    expect(dir).toMatch(/digits\.weights$/);
    await ui.byTestId('settle-weights').selectOption(dir);
    await ui.byTestId('settle-index').fill('2');
    expect(await ui.run('run-settle')).toBe('done');
    expect(await ui.byTestId('settle-weights-from').textContent()).toMatch(/^weights from .*digits\.weights \(batch 3\)$/);
    expect(await ui.num('energy-chart', 'data-points')).toBeGreaterThan(1);
    // Back to the graph's own weights.
    await ui.byTestId('settle-weights').selectOption('');
    console.log(`settle with checkpoint: ${await ui.byTestId('settle-weights-from').textContent()}`);
  });

  test('checks gradients in the Gradients tab: BPTT, recurrent backprop, equilibrium propagation and finite differences agree on every parameter', async ({ ui }) => {
    await ui.openExample('mnist-completion');
    await ui.openRunDock();
    await ui.byTestId('run-tab-gradients').click();
    await ui.byTestId('gradcheck-batch').fill('1');
    await ui.byTestId('gradcheck-per-param').fill('2');
    expect(await ui.run('run-gradcheck')).toBe('done');
    await ui.byTestId('gradcheck-report').waitFor();
    // Equilibrium propagation's estimate (β = 0.01 unless changed) sits beside them, as in the CLI.
    for (const row of ['gradcheck-bptt-fd', 'gradcheck-rbp-fd', 'gradcheck-bptt-rbp', 'gradcheck-eqprop-fd', 'gradcheck-eqprop-rbp']) {
      expect(await ui.num(row, 'data-cosine')).toBeGreaterThan(0.99);
    }
    expect(await ui.byTestId('gradcheck-eqprop-fd').textContent()).toContain('β = 0.01');
    // One row per trainable parameter of the example: the coupling's weights and both layers' biases.
    const params = await ui.byTestId('gradcheck-params').locator('tbody tr').count();
    expect(params).toBe(3);
    expect(await ui.num('gradcheck-tossed', 'data-tossed')).toBe(0);
    await ui.shot('gradcheck');
    console.log(`gradcheck: BPTT vs FD ${await ui.attr('gradcheck-bptt-fd', 'data-error')}, RBP vs FD ${await ui.attr('gradcheck-rbp-fd', 'data-error')}`);
  });

  test('an attention block as a graph: tokens as vertices, weights above the threshold as edges', async ({ ui }) => {
    await ui.openExample('mnist-patches');
    await ui.openRunDock();
    await ui.byTestId('run-tab-settle').click();
    await ui.byTestId('settle-index').fill('3');
    expect(await ui.run('run-settle')).toBe('done');
    expect(await ui.attr('guarantee-chip', 'data-kind')).toBe('none');

    await ui.byTestId('run-tab-attention').click();
    await ui.byTestId('attention-graph').waitFor();
    await ui.byTestId('attention-block').selectOption({ index: 0 });
    const edges = await ui.num('attention-graph', 'data-edges');
    expect(edges).toBeGreaterThan(0);
    expect(await ui.byTestId('attention-graph').locator('path.run-attn-edge').count()).toBeGreaterThan(0);
    expect(await ui.byTestId('attention-heatmap').isVisible()).toBe(true);
    // Weights are probabilities: a fixed 0…1 scale with its colour bar, and a cell's value on hover (issue 15, item 6).
    await ui.byTestId('attention-colorbar').waitFor();
    await ui.byTestId('attention-heatmap').hover({ position: { x: 5, y: 5 } });
    await expect.poll(async () => (await ui.byTestId('attention-readout').textContent()) ?? '').toMatch(/^query 0 → (key|pattern) 0: [\d.e-]+$/);
    const w = await ui.num('attention-readout', 'data-value');
    expect(w).toBeGreaterThanOrEqual(0);
    expect(w).toBeLessThanOrEqual(1);
    // A higher threshold keeps fewer edges.
    await ui.byTestId('attention-threshold').fill('0.5');
    await expect.poll(() => ui.num('attention-graph', 'data-edges')).toBeLessThanOrEqual(edges);
    await ui.byTestId('attention-threshold').fill('0.05');
    await ui.shot('attention');
    console.log(`attention: ${edges} edges ≥ 0.1 in block ${await ui.byTestId('attention-block').inputValue()}`);
  });

  test('settings: the engine backend chosen (from the menu or the status bar) is used by the next run and shown in the status bar', async ({ ui }) => {
    await ui.openExample('mnist-completion');
    await ui.openRunDock();
    // The host's default first (auto: wasm here), so the change below is seen to happen.
    await expect.poll(() => ui.attr('status-backend', 'data-name'), { timeout: 30_000 }).toMatch(/^(wasm|tensorflow)$/);

    await ui.menu('file', 'settings');
    await ui.byTestId('settings-dialog').waitFor();
    await ui.byTestId('settings-backend').selectOption('cpu');
    await expect.poll(async () => (await ui.byTestId('settings-status').textContent()) ?? '', { timeout: 60_000 }).toMatch(/runs on cpu now/);
    expect(await ui.page.evaluate(() => localStorage.getItem('attractor.engine.backend'))).toBe('cpu');
    await ui.byTestId('settings-close').click();
    await ui.byTestId('settings-dialog').waitFor({ state: 'detached' });

    await ui.byTestId('run-tab-settle').click();
    await ui.byTestId('settle-index').fill('1');
    expect(await ui.run('run-settle')).toBe('done');
    await expect.poll(() => ui.attr('status-backend', 'data-name'), { timeout: 15_000 }).toBe('cpu');
    expect(await ui.byTestId('status-backend').textContent()).toMatch(/cpu/);
    expect(await ui.attr('status-backend', 'title')).toMatch(/backend: cpu/);

    // A click on the backend opens the same dialog, showing the stored choice.
    await ui.byTestId('status-backend').click();
    await ui.byTestId('settings-dialog').waitFor();
    expect(await ui.byTestId('settings-backend').inputValue()).toBe('cpu');
    await ui.byTestId('settings-close').click();
    await ui.shot('settings');
  });

  test('draws a digit into the clamped visible layer and settles from it: the stroke is held in the layer image', async ({ ui }) => {
    await ui.openExample('mnist-completion');
    await ui.openRunDock();
    await ui.byTestId('run-tab-settle').click();
    await ui.byTestId('paint-toggle').check();
    const canvas = ui.byTestId('paint-canvas');
    await canvas.waitFor();
    expect(await ui.attr('paint-canvas', 'data-layer')).toBe('visible');
    expect(await ui.num('paint-canvas', 'data-held')).toBe(392); // top-half clamp of 28×28
    expect(await ui.byTestId('settle-index').isVisible()).toBe(false);

    // A "7": a bar across the top, then a diagonal down (in cell units of the 28×28 picture).
    const box = (await canvas.boundingBox())!;
    const to = (col: number, row: number) => [box.x + ((col + 0.5) / 28) * box.width, box.y + ((row + 0.5) / 28) * box.height] as const;
    await ui.page.mouse.move(...to(7, 6));
    await ui.page.mouse.down();
    await ui.page.mouse.move(...to(20, 6), { steps: 12 });
    await ui.page.mouse.move(...to(13, 24), { steps: 16 });
    await ui.page.mouse.up();
    await expect.poll(() => ui.num('paint-canvas', 'data-sum')).toBeGreaterThan(10);

    expect(await ui.run('run-settle')).toBe('done');
    expect(await ui.num('energy-chart', 'data-points')).toBeGreaterThan(1);
    expect(await ui.byTestId('energy-alarm').count()).toBe(0);

    // The visible layer's image (one canvas pixel per unit, tanh range → gray): white on the stroke, mid-gray beside it.
    const brightness = (col: number, row: number) =>
      ui.byTestId('layer-image-visible').evaluate(
        (c, [x, y]) => {
          const cv = c as HTMLCanvasElement;
          const d = cv.getContext('2d')!.getImageData(x, y, 1, 1).data;
          return { rgb: (d[0] + d[1] + d[2]) / 3, size: `${cv.width}x${cv.height}` };
        },
        [col, row] as const,
      );
    const onStroke = await brightness(14, 6);
    const beside = await brightness(2, 2);
    expect(onStroke.size).toBe('28x28');
    expect(onStroke.rgb).toBeGreaterThan(200);
    expect(beside.rgb).toBeLessThan(160);
    let lit = 0;
    for (let col = 7; col <= 20; col++) if ((await brightness(col, 6)).rgb > 180) lit++;
    expect(lit).toBeGreaterThanOrEqual(12);

    await ui.shot('paint');
    // Clear empties the canvas; Draw off brings the example picker back.
    await ui.byTestId('paint-clear').click();
    await expect.poll(() => ui.num('paint-canvas', 'data-sum')).toBe(0);
    await ui.byTestId('paint-toggle').uncheck();
    expect(await ui.byTestId('settle-index').isVisible()).toBe(true);
    console.log(`paint: ${await ui.num('energy-chart', 'data-points')} iterations from a drawn 7; ${lit}/14 bar pixels white`);
  });
});
