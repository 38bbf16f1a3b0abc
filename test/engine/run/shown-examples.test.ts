/**
 * Which examples the dashboards show and score, on the real MNIST digits (stored class by
 * class: the first 200 held-out digits are 0s and 1s): the held-out evaluation, the
 * completion gallery and the examples a settle browses are spread over all ten classes
 * (issue 15, item 1); the settle's side-by-side view names its example's class.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRun } from '../../../engine/run/open.js';
import { gallery } from '../../../engine/run/held-out.js';
import { exampleIndices } from '../../../engine/run/examples.js';
import { settleRun } from '../../../engine/run/settle-run.js';
import { heldOutIndices, heldOutSample } from '../../../engine/train/evaluate.js';
import { Network } from '../../../engine/runtime/network.js';
import { NO_FRAMES, runContext, wasmBackend } from './context.js';

const root = join(__dirname, '..', '..', '..');
const backend = wasmBackend();
const open = () => openRun({ path: join(root, 'examples/mnist-completion.attractor.json'), fallbackDir: root });

function classCounts(ids: readonly number[], labels: Int32Array): number[] {
  const out = new Array<number>(10).fill(0);
  for (const i of ids) out[labels[i]]++;
  return out;
}

describe('examples shown from a data set stored class by class', () => {
  it('the held-out evaluation scores 20 digits of each class, not the first 200 (0s and 1s)', async () => {
    const { datasets, plan } = await open();
    const labels = datasets.get('digits')!.labels!;
    expect(classCounts(heldOutIndices(datasets).slice(0, 200), labels).filter((n) => n > 0)).toHaveLength(2);
    expect(classCounts(heldOutSample(datasets, 200, plan.settle.seed), labels)).toEqual(new Array(10).fill(20));
    // Every held-out digit when the limit covers them all.
    expect(heldOutSample(datasets, 5000, 0)).toEqual(heldOutIndices(datasets));
  });

  it('a gallery of ten shows ten different digits, each item naming its class', async () => {
    const opened = await open();
    const network = Network.create(opened.plan, 0, opened.datasets);
    try {
      const items = await gallery(opened.plan, network, opened.datasets, 10);
      const labels = opened.datasets.get('digits')!.labels!;
      expect(items).toHaveLength(10);
      for (const item of items) expect(item.label).toBe(labels[item.example]);
      expect(new Set(items.map((i) => i.label)).size).toBe(10);
    } finally {
      network.dispose();
    }
  });

  it('held-out positions 0–9 are ten different digits, and settle count picks spread too', async () => {
    const { datasets, plan } = await open();
    const labels = datasets.get('digits')!.labels!;
    const refs = Array.from({ length: 10 }, (_, index) => ({ part: 'test' as const, index }));
    const browsed = exampleIndices(refs, datasets, plan.settle.seed);
    expect(new Set(browsed.map((i) => labels[i])).size).toBe(10);
    expect(browsed.every((i) => i % 10 === 9)).toBe(true); // all held out
    expect(new Set(exampleIndices({ count: 8 }, datasets, 0).map((i) => labels[i])).size).toBe(8);
  });

  it('a settle sends its example beside the layers: start, clamp mask and target of the scored layer, with its class', async () => {
    const opened = await open();
    const { ctx, rec } = runContext('s', 'settle', backend());
    await settleRun(opened, { examples: [{ part: 'test', index: 3 }], record: { ...NO_FRAMES, activations: true } }, ctx);
    const [shown] = rec.of('settle.example');
    const started = rec.of('run.started')[0];
    const example = started.kind === 'settle' ? started.totals.examples[0] : -1;
    expect(shown.items).toHaveLength(1);
    const item = shown.items[0];
    expect(item).toMatchObject({ example, label: opened.datasets.get('digits')!.labels![example], layerId: 'visible', dims: [784], range: [-1, 1] });
    // Top half clamped: held pixels start at the data, which is the target there.
    expect(Array.from(item.clamped.subarray(0, 392)).every((v) => v === 1)).toBe(true);
    expect(Array.from(item.clamped.subarray(392)).every((v) => v === 0)).toBe(true);
    expect(Array.from(item.input.subarray(0, 392))).toEqual(Array.from(item.target!.subarray(0, 392)));
  });
});
