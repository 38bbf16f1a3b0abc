/**
 * Associative recall (issue 4, item 7): the example graph trains, with its own settings,
 * to > 90 % held-out accuracy — the argmax of the query token's value slot after settling
 * equals the value stored with the query's key.
 *
 * Setting (examples/associative-recall.attractor.json): 2 pairs over 4 symbols, tokens
 * [3 × 8] tanh, self-attention (1 head, key width 8, β 8, α 0.8) and a learned Hopfield
 * memory of 4 patterns (β 2), BPTT with T = 30, 400 batches of 64, Adam 3e-3, seed 0.
 * Measured here (wasm, one core): 99.75 % of the 400 held-out sequences after ≈ 29 s of
 * training (other init seeds, 400 batches: 96.25 %, 98 %, 92.5 %).
 * Copying the values of the other tokens without matching keys scores ≈ 75 % on this
 * setting (two pairs often share a value), so > 90 % needs the key match.
 *
 * Runs on wasm only: the training run is the budget of a whole test, and the kernels are
 * the ones the attention-blocks tests already compare across backends.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { startBackend } from '../../../engine/backend/select.js';
import { loadGraphFile } from '../../../engine/format/load.js';
import { compileGraph } from '../../../engine/compile/compile.js';
import type { Plan } from '../../../engine/compile/plan.js';
import type { Dataset } from '../../../engine/data/dataset.js';
import { Network } from '../../../engine/runtime/network.js';
import { buildBatch, disposeBatch } from '../../../engine/runtime/batch.js';
import { disposeState, settle } from '../../../engine/runtime/settle.js';
import { loadPlanDatasets } from '../../../engine/runtime/prepare.js';
import { heldOutIndices } from '../../../engine/train/evaluate.js';
import { createOptimizer } from '../../../engine/train/optimizers.js';
import { trainBatch } from '../../../engine/train/trainer.js';
import { trainingConfigSchema } from '../../../nodes/config.js';

const FILE = 'examples/associative-recall.attractor.json';

interface Recall {
  accuracy: number;
  unsettled: number;
  /** Mean of the answer unit and mean of the largest other unit of the query's value slot. */
  answer: number;
  rival: number;
}

/** Settles every held-out sequence and reads the answer from the query token's value slot. */
async function recall(plan: Plan, network: Network, datasets: ReadonlyMap<string, Dataset>, symbols: number): Promise<Recall> {
  const data = datasets.get('sequences')!;
  const held = heldOutIndices(datasets);
  const bound = network.bind();
  const batch = buildBatch(plan, datasets, held, 0);
  const r = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps }, { steps: plan.settle.steps, theta: plan.settle.theta, seed: 0, energy: 'none' });
  const x = r.state.get('tokens')!.arraySync() as number[][][];
  let correct = 0;
  let answer = 0;
  let rival = 0;
  held.forEach((ex, b) => {
    const slot = x[b].at(-1)!.slice(symbols);
    const label = data.labels![ex];
    if (slot.indexOf(Math.max(...slot)) === label) correct++;
    answer += slot[label];
    rival += Math.max(...slot.filter((_, i) => i !== label));
  });
  const unsettled = r.tStar.filter((t) => t < 0).length;
  disposeState(r.state);
  disposeBatch(batch);
  bound.dispose();
  return { accuracy: correct / held.length, unsettled, answer: answer / held.length, rival: rival / held.length };
}

// ≈ 35 s alone; four times that on a loaded machine.
describe('associative recall [wasm]', { timeout: 400_000 }, () => {
  beforeAll(async () => {
    await startBackend('wasm');
    await tf.setBackend('wasm');
  });

  it('the example trains to > 90 % held-out accuracy with its own settings', async () => {
    const loaded = await loadGraphFile(FILE);
    if (!loaded.ok) throw new Error(`${FILE} does not load`);
    const { plan } = compileGraph(loaded.graph);
    if (!plan) throw new Error(`${FILE} does not compile`);
    const source = plan.datasets[0].params.source;
    if (source.kind !== 'associative-recall') throw new Error('expected an associative-recall dataset');
    const datasets = await loadPlanDatasets(plan, 'examples');
    const network = Network.create(plan, 0);
    const config = trainingConfigSchema.parse(loaded.graph.training);
    const input = { plan, network, optimizer: createOptimizer(config.optimizer), datasets, config, theta: plan.settle.theta };

    const before = await recall(plan, network, datasets, source.symbols);
    // Untrained, the slot is near chance (1/V = 25 %): the accuracy below is learned.
    expect(before.accuracy).toBeLessThan(0.45);

    const started = performance.now();
    const losses: number[] = [];
    for (let step = 0; step < config.batches!; step++) losses.push((await trainBatch(input, step)).loss);
    const seconds = (performance.now() - started) / 1000;

    const after = await recall(plan, network, datasets, source.symbols);
    console.log(
      `associative recall ${source.pairs} pairs × ${source.symbols} symbols: held-out accuracy ${before.accuracy} → ${after.accuracy} ` +
        `after ${config.batches} batches (${seconds.toFixed(1)} s); answer unit ${after.answer.toFixed(2)}, best rival ${after.rival.toFixed(2)}, unsettled ${after.unsettled}`,
    );
    expect(after.accuracy).toBeGreaterThan(0.9);
    // Settled, not caught mid-way: the accuracy is the fixed point's.
    expect(after.unsettled).toBeLessThanOrEqual(4);
    // The memory lifts the answer well clear of the rest (≈ 0.6 against ≈ 0.2), not just the largest of small values.
    expect(after.answer - after.rival).toBeGreaterThan(0.3);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(losses.slice(-20))).toBeLessThan(0.5 * mean(losses.slice(0, 20)));

    input.optimizer.dispose();
    network.dispose();
  });
});
