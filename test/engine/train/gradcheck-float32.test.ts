/**
 * gradcheck at float32 resolution (issue 13, bug 4): with θ = 1e-7 a net of MNIST size whose
 * weights have grown (here: the example's, doubled, as training does) circles its fixed
 * point in float32 and never settles, so recurrent backprop tossed every example and the
 * report read "cosine 0" without a word. The defaults now fit float32, and a report with
 * tossed examples says how many and why.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { buildBatch, disposeBatch } from '../../../engine/runtime/batch.js';
import { gradcheck, GRADCHECK_DEFAULTS } from '../../../engine/train/gradcheck.js';
import { loadPlanDatasets, pickExamples } from '../../../engine/runtime/prepare.js';
import { Network } from '../../../engine/runtime/network.js';
import { compileGraph } from '../../../engine/compile/compile.js';
import { loadGraphFile } from '../../../engine/format/load.js';
import { startBackend } from '../../../engine/backend/select.js';

// wasm only: its float32 sums show the problem (the cpu backend rounds products in float64 and lands on the
// fixed point), and an MNIST-sized gradcheck on cpu adds half a minute.
describe('gradcheck in float32 [wasm]', () => {
  beforeAll(() => startBackend('wasm'));

  it('settles and keeps every example with the default θ; says why when a finer θ tosses them', async () => {
    const loaded = await loadGraphFile('examples/mnist-completion.attractor.json');
    if (!loaded.ok) throw new Error('the example does not load');
    const plan = compileGraph(loaded.graph).plan!;
    const datasets = await loadPlanDatasets(plan, 'examples');
    const net = Network.create(plan, 0, datasets);
    for (const v of net.params.values()) tf.tidy(() => v.assign(tf.mul(v, 2)));
    const batch = buildBatch(plan, datasets, pickExamples(datasets, 4, 1, 'train'), 2);

    const fine = await gradcheck(net, batch, { coordinates: 4, longSteps: 400, theta: 1e-7 });
    expect(fine.tossed).toBeGreaterThan(0);
    expect(fine.tossedWhy.notSettled).toBe(fine.tossed);
    expect(fine.notes.join('\n')).toMatch(/did not settle within 400 iterations at θ = 1e-7.*float32/);

    const defaults = await gradcheck(net, batch, { coordinates: 4, longSteps: 400 });
    expect(defaults.theta).toBe(GRADCHECK_DEFAULTS.theta);
    expect(defaults.tossed).toBe(0);
    expect(defaults.notes).toEqual([]);
    expect(defaults.bpttVsRbp.maxRelError).toBeLessThan(1e-3);
    expect(defaults.rbpVsFd.cosine).toBeGreaterThan(0.99);
    disposeBatch(batch);
    net.dispose();
  });
});
