/**
 * Running graphs end to end, in real Chromium against the real web-mode host and its
 * engine worker: settle an MNIST digit (energy chart, scrubbing frames), train the saved
 * graph (held-out loss falls), cancel and resume from the checkpoint, and an attention
 * block drawn as a graph. One page, steps in order, as one person's session.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SCREENSHOTS, startStudio, unexpectedErrors, type StudioSession } from '../helpers/browser.js';
import { UI, eventually } from './ui.js';

const EXPECTED_ERRORS: RegExp[] = [/directive 'frame-ancestors' is ignored when delivered via a <meta> element/];

let s: StudioSession;
let ui: UI;
const shot = (name: string) => ui.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
const attr = async (testId: string, name: string) => (await ui.byTestId(testId).getAttribute(name)) ?? '';
const num = async (testId: string, name: string) => Number(await attr(testId, name));
/** A canvas's pixels, to see that a drawing changed. */
const pixels = (testId: string) => ui.byTestId(testId).evaluate((c) => (c as HTMLCanvasElement).toDataURL());

async function openExample(id: string): Promise<void> {
  await ui.byTestId('tool-examples').click();
  await ui.byTestId(`example-${id}`).click();
  if (await ui.byTestId('confirm-dialog').isVisible().catch(() => false)) await ui.byTestId('confirm-discard').click();
  await ui.byTestId('examples-dialog').waitFor({ state: 'detached' });
  await eventually(async () => expect((await ui.doc()).graph.nodes.length).toBeGreaterThan(0));
  await ui.settled();
}

beforeAll(async () => {
  s = await startStudio();
  ui = new UI(s.page);
  await ui.open(s.url);
}, 120_000);

afterAll(async () => {
  await s?.close();
});

describe.sequential('running graphs (web mode, Chromium)', { timeout: 120_000 }, () => {
  test('settles one MNIST digit: the energy chart fills and falls, the scrubber moves through the layer images', async () => {
    await openExample('mnist-completion');
    await ui.byTestId('run-open').click();
    await ui.byTestId('run-dock').waitFor();
    await expect.poll(() => attr('engine-backend', 'data-name'), { timeout: 30_000 }).toMatch(/wasm|cpu|tensorflow/);

    await ui.byTestId('settle-index').fill('7');
    await ui.byTestId('run-settle').click();
    await expect.poll(() => attr('run-status', 'data-status'), { timeout: 30_000 }).toBe('done');
    const points = await num('energy-chart', 'data-points');
    const first = await num('energy-chart', 'data-first-energy');
    const last = await num('energy-chart', 'data-last-energy');
    expect(points).toBeGreaterThan(2);
    expect(last).toBeLessThan(first);
    expect(await attr('guarantee-chip', 'data-kind')).toBe('descent');
    expect(Number(await ui.byTestId('tstar').textContent())).toBe(points - 1);
    expect(await ui.byTestId('energy-alarm').count()).toBe(0);
    // uPlot drew the series: a canvas inside the chart.
    expect(await ui.byTestId('energy-chart').locator('canvas').count()).toBe(1);
    // SVG export next to each chart's PNG button.
    expect(await ui.byTestId('export-svg-energy').count()).toBe(1);
    expect(await ui.byTestId('export-svg-max-change').count()).toBe(1);

    // Scrub back to the start: the label and the visible layer's image change.
    const endLabel = await attr('iteration-label', 'data-iter');
    const endImage = await pixels('layer-image-visible');
    const scrub = ui.byTestId('iteration-scrubber');
    await scrub.focus();
    await s.page.keyboard.press('Home');
    await expect.poll(() => attr('iteration-label', 'data-iter')).toBe('0');
    expect(endLabel).not.toBe('0');
    const startImage = await pixels('layer-image-visible');
    expect(startImage).not.toBe(endImage);
    await s.page.keyboard.press('ArrowRight');
    await expect.poll(() => attr('iteration-label', 'data-iter')).toBe('1');
    expect(await pixels('layer-image-visible')).not.toBe(startImage);
    // The status bar shows the backend the engine reported.
    expect(await attr('status-backend', 'data-name')).toMatch(/wasm|cpu|tensorflow/);
    // The engine said how many held-out examples there are: a random pick stays within them.
    const size = await num('settle-random', 'data-size');
    expect(size).toBeGreaterThan(7);
    await ui.byTestId('settle-random').click();
    const picked = Number(await ui.byTestId('settle-index').inputValue());
    expect(picked).toBeGreaterThanOrEqual(0);
    expect(picked).toBeLessThan(size);
    await ui.byTestId('settle-index').fill('7');
    await shot('settle');
    console.log(`settle: ${points} iterations, energy ${first.toFixed(3)} → ${last.toFixed(3)}, t* ${points - 1}`);
  });

  test('trains the saved graph: held-out loss falls; cancel writes a checkpoint and resume continues from it', async () => {
    await ui.menu('file', 'saveAs');
    await ui.byTestId('saveas-name').fill('digits');
    await ui.byTestId('saveas-save').click();
    await expect.poll(async () => (await ui.doc()).path ?? '').toMatch(/digits\.attractor\.json$/);

    await ui.byTestId('run-tab-train').click();
    await ui.byTestId('train-batches').fill('150');
    await ui.byTestId('run-train').click();
    await expect.poll(() => attr('run-status', 'data-status'), { timeout: 90_000, interval: 500 }).toBe('done');
    const evals = await num('heldout-loss', 'data-evals');
    const firstLoss = await num('heldout-loss', 'data-first');
    const lastLoss = await num('heldout-loss', 'data-last');
    expect(evals).toBeGreaterThanOrEqual(5);
    expect(lastLoss).toBeLessThan(firstLoss);
    expect(await num('loss-chart', 'data-points')).toBe(150);
    expect(Number(await ui.byTestId('heldout-loss').textContent())).toBeCloseTo(lastLoss, 3);
    expect(await ui.byTestId('export-svg-loss').count()).toBe(1);
    await ui.byTestId('gallery-result').waitFor();
    await ui.byTestId('symmetry-W').count(); // a between-layer coupling: no symmetry error to show
    await shot('train');
    console.log(`train: held-out loss ${firstLoss.toFixed(4)} → ${lastLoss.toFixed(4)} over ${evals} evaluations`);

    // A second run (replacing the checkpoint), cancelled partway.
    await ui.byTestId('train-batches').fill('400');
    await ui.byTestId('train-replace').check();
    await ui.byTestId('run-train').click();
    // "step / total" of this run (400), not the 150/150 the previous run left on screen until this one starts.
    const stepOfNewRun = async () => {
      const [step, total] = ((await ui.byTestId('train-step').textContent()) ?? '0/0').split('/').map((t) => Number(t.trim()));
      return total === 400 ? step : -1;
    };
    await expect.poll(stepOfNewRun, { timeout: 60_000 }).toBeGreaterThanOrEqual(5);
    await ui.byTestId('run-cancel').click();
    await expect.poll(() => attr('run-status', 'data-status'), { timeout: 30_000 }).toBe('cancelled');
    const stoppedAt = Number(((await ui.byTestId('train-step').textContent()) ?? '').split('/')[0]);
    expect(stoppedAt).toBeGreaterThanOrEqual(5);
    await expect.poll(() => ui.byTestId('checkpoint-row').first().getAttribute('data-step'), { timeout: 15_000 }).toBe(String(stoppedAt));

    await ui.byTestId('train-batches').fill('10');
    await ui.byTestId('run-resume-checkpoint').click();
    await expect.poll(() => attr('run-status', 'data-status'), { timeout: 60_000 }).toBe('done');
    expect(((await ui.byTestId('train-step').textContent()) ?? '').replace(/\s/g, '')).toBe(`${stoppedAt + 10}/${stoppedAt + 10}`);
    console.log(`train: cancelled at batch ${stoppedAt}, resumed to ${stoppedAt + 10}`);
  });

  test('settles the saved graph with a trained checkpoint picked in the weights list', async () => {
    await ui.byTestId('run-tab-settle').click();
    await expect.poll(() => ui.byTestId('settle-weights').locator('option').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    const dir = (await ui.byTestId('settle-weights').locator('option').nth(1).getAttribute('value')) ?? '';
    expect(dir).toMatch(/digits\.weights$/);
    await ui.byTestId('settle-weights').selectOption(dir);
    await ui.byTestId('settle-index').fill('2');
    await ui.byTestId('run-settle').click();
    await expect.poll(() => attr('run-status', 'data-status'), { timeout: 30_000 }).toBe('done');
    expect(await ui.byTestId('settle-weights-from').textContent()).toMatch(/^weights from .*digits\.weights \(batch \d+\)$/);
    expect(await num('energy-chart', 'data-points')).toBeGreaterThan(1);
    // Back to the graph's own weights.
    await ui.byTestId('settle-weights').selectOption('');
    console.log(`settle with checkpoint: ${await ui.byTestId('settle-weights-from').textContent()}`);
  });

  test('an attention block as a graph: tokens as vertices, weights above the threshold as edges', async () => {
    await openExample('mnist-patches');
    await ui.byTestId('run-tab-settle').click();
    await ui.byTestId('settle-index').fill('3');
    await ui.byTestId('run-settle').click();
    await expect.poll(() => attr('run-status', 'data-status'), { timeout: 60_000 }).toMatch(/done|failed/);
    expect(await attr('run-status', 'data-status')).toBe('done');
    expect(await attr('guarantee-chip', 'data-kind')).toBe('none');

    await ui.byTestId('run-tab-attention').click();
    await ui.byTestId('attention-graph').waitFor();
    await ui.byTestId('attention-block').selectOption({ index: 0 });
    const edges = await num('attention-graph', 'data-edges');
    expect(edges).toBeGreaterThan(0);
    expect(await ui.byTestId('attention-graph').locator('line').count()).toBeGreaterThan(0);
    expect(await ui.byTestId('attention-heatmap').isVisible()).toBe(true);
    // A higher threshold keeps fewer edges.
    await ui.byTestId('attention-threshold').fill('0.5');
    await expect.poll(() => num('attention-graph', 'data-edges')).toBeLessThanOrEqual(edges);
    await ui.byTestId('attention-threshold').fill('0.05');
    await shot('attention');
    console.log(`attention: ${edges} edges ≥ 0.1 in block ${await ui.byTestId('attention-block').inputValue()}`);
    expect(unexpectedErrors(s.errors, EXPECTED_ERRORS)).toEqual([]);
  });

  test('settings: the engine backend chosen (from the menu or the status bar) is used by the next run and shown in the status bar', async () => {
    await ui.menu('file', 'settings');
    await ui.byTestId('settings-dialog').waitFor();
    await ui.byTestId('settings-backend').selectOption('cpu');
    await expect.poll(async () => (await ui.byTestId('settings-status').textContent()) ?? '').toMatch(/cpu/);
    expect(await s.page.evaluate(() => localStorage.getItem('attractor.engine.backend'))).toBe('cpu');
    await ui.byTestId('settings-close').click();
    await ui.byTestId('settings-dialog').waitFor({ state: 'detached' });

    await ui.byTestId('run-tab-settle').click();
    await ui.byTestId('settle-index').fill('1');
    await ui.byTestId('run-settle').click();
    await expect.poll(() => attr('run-status', 'data-status'), { timeout: 60_000 }).toBe('done');
    await expect.poll(() => attr('status-backend', 'data-name'), { timeout: 15_000 }).toBe('cpu');
    expect(await ui.byTestId('status-backend').textContent()).toMatch(/cpu/);
    expect(await attr('status-backend', 'title')).toMatch(/backend: cpu/);

    // A click on the backend opens the same dialog, showing the stored choice.
    await ui.byTestId('status-backend').click();
    await ui.byTestId('settings-dialog').waitFor();
    expect(await ui.byTestId('settings-backend').inputValue()).toBe('cpu');
    await ui.byTestId('settings-close').click();
    await shot('settings');
    expect(unexpectedErrors(s.errors, EXPECTED_ERRORS)).toEqual([]);
  });

  test('draws a digit into the clamped visible layer and settles from it: the stroke is held in the layer image', async () => {
    await openExample('mnist-completion');
    if (!(await ui.byTestId('run-dock').isVisible().catch(() => false))) await ui.byTestId('run-open').click();
    await ui.byTestId('run-tab-settle').click();
    await ui.byTestId('paint-toggle').check();
    const canvas = ui.byTestId('paint-canvas');
    await canvas.waitFor();
    expect(await attr('paint-canvas', 'data-layer')).toBe('visible');
    expect(await num('paint-canvas', 'data-held')).toBe(392); // top-half clamp of 28×28
    expect(await ui.byTestId('settle-index').isVisible()).toBe(false);

    // A "7": a bar across the top, then a diagonal down (in cell units of the 28×28 picture).
    const box = (await canvas.boundingBox())!;
    const to = (col: number, row: number) => [box.x + ((col + 0.5) / 28) * box.width, box.y + ((row + 0.5) / 28) * box.height] as const;
    await s.page.mouse.move(...to(7, 6));
    await s.page.mouse.down();
    await s.page.mouse.move(...to(20, 6), { steps: 12 });
    await s.page.mouse.move(...to(13, 24), { steps: 16 });
    await s.page.mouse.up();
    await expect.poll(() => num('paint-canvas', 'data-sum')).toBeGreaterThan(10);

    await ui.byTestId('run-settle').click();
    await expect.poll(() => attr('run-status', 'data-status'), { timeout: 60_000 }).toBe('done');
    expect(await num('energy-chart', 'data-points')).toBeGreaterThan(1);
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

    await shot('paint');
    // Clear empties the canvas; Draw off brings the example picker back.
    await ui.byTestId('paint-clear').click();
    await expect.poll(() => num('paint-canvas', 'data-sum')).toBe(0);
    await ui.byTestId('paint-toggle').uncheck();
    expect(await ui.byTestId('settle-index').isVisible()).toBe(true);
    expect(unexpectedErrors(s.errors, EXPECTED_ERRORS)).toEqual([]);
    console.log(`paint: ${await num('energy-chart', 'data-points')} iterations from a drawn 7; ${lit}/14 bar pixels white`);
  });
});
