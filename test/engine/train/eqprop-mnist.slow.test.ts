/**
 * Equilibrium propagation at MNIST size. Its gradient, at the example's own θ = 10⁻³, is
 * within a few percent of recurrent backprop's (settled to 10⁻⁶) at the default β = 0.05,
 * closer as β shrinks (the β² bias) and further for the one-sided estimate. And it trains the MNIST completion example as well as BPTT does: the
 * same graph, seed, batches and optimiser (the example's Adam at 0.003), β = 0.05 symmetric
 * (the defaults). BPTT unrolls the example's T = 20; eqprop's free phase must reach a fixed
 * point, and at 20 iterations ≈5% of the early batches' examples have not (tossed), so it
 * gets 50 (it stops at each example's t*, ≈8 on average). After 30 batches of 64 the
 * held-out masked MSE of eqprop is within 10% of BPTT's. README "Methods" quotes the numbers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGraphFile } from '../../../engine/format/load.js';
import { compileGraph } from '../../../engine/compile/compile.js';
import type { Plan } from '../../../engine/compile/plan.js';
import { Network } from '../../../engine/runtime/network.js';
import { loadPlanDatasets } from '../../../engine/runtime/prepare.js';
import type { Dataset } from '../../../engine/data/dataset.js';
import { createOptimizer } from '../../../engine/train/optimizers.js';
import { trainBatch } from '../../../engine/train/trainer.js';
import { evaluate } from '../../../engine/train/evaluate.js';
import { trainingConfigSchema, type TrainingMethod } from '../../../nodes/config.js';
import { startBackend } from '../../../engine/backend/select.js';
import { flattenGrads, gradientGap } from '../../helpers/grad-compare.js';
import { buildBatch, disposeBatch } from '../../../engine/runtime/batch.js';
import { pickExamples } from '../../../engine/runtime/prepare.js';
import { eqpropGradients, recurrentBackpropGradients } from '../../../engine/train/methods.js';

const BATCHES = 30;

async function example() {
  const loaded = await loadGraphFile('examples/mnist-completion.attractor.json');
  if (!loaded.ok) throw new Error('the example does not load');
  const plan = compileGraph(loaded.graph).plan!;
  return { graph: loaded.graph, plan, datasets: await loadPlanDatasets(plan, 'examples') };
}
/** All 1,000 held-out digits, scored 100 at a time with the graph's own settle. */
const heldOut = (plan: Plan, network: Network, datasets: ReadonlyMap<string, Dataset>) =>
  evaluate(plan, network, datasets, { batch: 100, steps: plan.settle.steps, theta: plan.settle.theta, seed: 0, limit: 1000 });

describe('equilibrium propagation on MNIST completion [wasm]', () => {
  beforeAll(() => startBackend('wasm'));

  it('the gradient is within 2% of recurrent backprop at β = 0.05, closer as β shrinks; one-sided is further', async () => {
    const { plan, datasets } = await example();
    const network = Network.create(plan, 0, datasets);
    const batch = buildBatch(plan, datasets, pickExamples(datasets, 16, 1, 'train'), 2);
    const exact = await flattenGrads((await recurrentBackpropGradients(network, batch, { steps: 3000, theta: 1e-6, seed: 0, adjoint: { tolerance: 1e-6, maxSteps: 3000 } })).grads);
    const error = async (beta: number, symmetric: boolean) => {
      const r = await eqpropGradients(network, batch, { steps: 1000, theta: plan.settle.theta, seed: 0, adjoint: { tolerance: 1e-4, maxSteps: 500 }, eqprop: { beta, symmetric } });
      expect(r.tossed).toBe(0);
      return gradientGap(await flattenGrads(r.grads), exact).error;
    };
    const sym = [await error(0.1, true), await error(0.05, true), await error(0.02, true)];
    const one = [await error(0.1, false), await error(0.05, false), await error(0.02, false)];
    console.log(`relative error against recurrent backprop at β = 0.1, 0.05, 0.02: symmetric ${sym.map((e) => e.toFixed(4))}, one-sided ${one.map((e) => e.toFixed(4))}`);
    expect(sym[1]).toBeLessThan(0.02);
    // Halving β and more: the symmetric error falls at least 3× a step, the one-sided one at least 1.5×.
    expect(sym[1]).toBeLessThan(sym[0] / 3);
    expect(sym[2]).toBeLessThan(sym[1] / 3);
    expect(one[1]).toBeLessThan(one[0] / 1.5);
    expect(one[2]).toBeLessThan(one[1] / 1.5);
    sym.forEach((e, k) => expect(e).toBeLessThan(one[k] / 3));
    disposeBatch(batch);
    network.dispose();
  }, 120_000);

  it(`reaches a held-out masked MSE within 10% of BPTT's after ${BATCHES} batches`, async () => {
    const { graph, plan, datasets } = await example();

    const untrained = Network.create(plan, 0, datasets);
    const start = (await heldOut(plan, untrained, datasets)).loss!;
    untrained.dispose();

    const train = async (method: TrainingMethod, steps?: number) => {
      const config = trainingConfigSchema.parse({ ...graph.training, method, batches: BATCHES, ...(steps ? { steps } : {}) });
      const network = Network.create(plan, 0, datasets);
      const optimizer = createOptimizer(config.optimizer);
      const input = { plan, network, optimizer, datasets, config, theta: plan.settle.theta };
      let tossed = 0;
      for (let step = 0; step < BATCHES; step++) tossed += (await trainBatch(input, step)).tossed;
      const report = await heldOut(plan, network, datasets);
      optimizer.dispose();
      network.dispose();
      return { tossed, loss: report.loss!, unsettled: report.unsettled };
    };
    const bptt = await train('bptt');
    const eqprop = await train('equilibrium-propagation', 50);
    console.log(`held-out masked MSE: untrained ${start.toFixed(4)}, bptt ${bptt.loss.toFixed(4)}, equilibrium propagation ${eqprop.loss.toFixed(4)} (tossed ${eqprop.tossed})`);

    // Both learned (a fifth off the untrained loss at least), and eqprop as well as BPTT.
    expect(bptt.loss).toBeLessThan(0.8 * start);
    expect(eqprop.loss).toBeLessThan(0.8 * start);
    expect(eqprop.loss).toBeLessThan(1.1 * bptt.loss);
    expect(eqprop.tossed).toBeLessThan(BATCHES * 64 * 0.01);
    expect(eqprop.unsettled).toBe(0);
  }, 240_000);
});
