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
    await ui.byTestId('gallery-result').waitFor();
    await ui.byTestId('symmetry-W').count(); // a between-layer coupling: no symmetry error to show
    await shot('train');
    console.log(`train: held-out loss ${firstLoss.toFixed(4)} → ${lastLoss.toFixed(4)} over ${evals} evaluations`);

    // A second run (replacing the checkpoint), cancelled partway.
    await ui.byTestId('train-batches').fill('400');
    await ui.byTestId('train-replace').check();
    await ui.byTestId('run-train').click();
    await expect.poll(async () => Number(((await ui.byTestId('train-step').textContent()) ?? '0').split('/')[0]), { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
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
});
