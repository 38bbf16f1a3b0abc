/**
 * One engine, every backend: each example graph settles and takes a BPTT gradient on cpu
 * (the reference), wasm and webgpu (a real Vulkan device: Mesa's lavapipe here and on CI),
 * and every backend gives the same t*, the same 2-cycles, the same energies and the same
 * gradients within float32 tolerance (DESIGN §6: one conformance suite every backend re-runs).
 */
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { startBackend } from '../../../engine/backend/select.js';
import { compileGraph } from '../../../engine/compile/compile.js';
import type { Plan } from '../../../engine/compile/plan.js';
import type { Dataset } from '../../../engine/data/dataset.js';
import { loadGraphFile } from '../../../engine/format/load.js';
import { buildBatch, disposeBatch } from '../../../engine/runtime/batch.js';
import { Network } from '../../../engine/runtime/network.js';
import { loadPlanDatasets, pickExamples } from '../../../engine/runtime/prepare.js';
import { readValues } from '../../../engine/runtime/readback.js';
import { disposeState, settle } from '../../../engine/runtime/settle.js';
import { bpttGradients } from '../../../engine/train/methods.js';
import { webGpuAvailability } from '../../helpers/backends.js';

interface Outcome {
  readonly tStar: number[];
  readonly cycle2: boolean[];
  readonly energy: number[][];
  readonly finalState: Float32Array;
  /** The BPTT loss and gradient, when the graph has something to train. */
  readonly loss?: number;
  readonly gradient?: Float32Array;
}

/** At most this many iterations per settle: enough for every example's t* here, bounded for lavapipe. */
const STEPS = 150;
const BATCH = 2;

async function runOn(backend: string, plan: Plan, datasets: ReadonlyMap<string, Dataset>): Promise<Outcome> {
  await startBackend(backend as 'cpu' | 'wasm' | 'webgpu');
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const network = Network.create(plan, 7, datasets);
  const batch = buildBatch(plan, datasets, pickExamples(datasets, BATCH, 3, 'test'), 5);
  const bound = network.bind();
  const r = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps, dropout: batch.dropout }, { steps: Math.min(STEPS, plan.settle.steps), theta: plan.settle.theta, seed: 1 });
  const finalState = await readValues(tf.tidy(() => tf.concat(plan.layers.map((l) => tf.reshape(r.state.get(l.id)!, [-1])))), true);
  disposeState(r.state);
  bound.dispose();
  let loss: number | undefined;
  let gradient: Float32Array | undefined;
  if (plan.targets.length > 0 && plan.params.some((p) => p.trainable !== false)) {
    const g = await bpttGradients(network, batch, { steps: 20, theta: plan.settle.theta, seed: 2, adjoint: { tolerance: 1e-6, maxSteps: 200 } });
    loss = g.loss;
    gradient = await readValues(tf.tidy(() => tf.concat([...g.grads.values()].map((t) => tf.reshape(t, [-1])))), true);
    g.grads.forEach((t) => t.dispose());
  }
  disposeBatch(batch);
  network.dispose();
  expect(tf.memory().numTensors, `tensors left on ${backend}`).toBe(before);
  return { tStar: r.tStar, cycle2: r.cycle2, energy: r.energy, finalState, ...(loss !== undefined ? { loss, gradient } : {}) };
}

function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / (scale || 1);
}

function expectSame(got: Outcome, want: Outcome, where: string): void {
  expect(got.tStar, `${where}: t*`).toEqual(want.tStar);
  expect(got.cycle2, `${where}: 2-cycles`).toEqual(want.cycle2);
  expect(got.energy.length, `${where}: iterations`).toBe(want.energy.length);
  got.energy.forEach((row, i) => row.forEach((e, b) => expect(Math.abs(e - want.energy[i][b]), `${where}: energy of example ${b} at iteration ${i}`).toBeLessThan(1e-3 * (1 + Math.abs(want.energy[i][b])))));
  expect(maxRelative(got.finalState, want.finalState), `${where}: final state`).toBeLessThan(1e-3);
  if (want.gradient) {
    expect(Math.abs(got.loss! - want.loss!), `${where}: loss`).toBeLessThan(1e-4 * (1 + Math.abs(want.loss!)));
    expect(maxRelative(got.gradient!, want.gradient), `${where}: gradient`).toBeLessThan(1e-3);
  }
}

const EXAMPLES = readdirSync('examples').filter((f) => f.endsWith('.attractor.json'));

describe('every backend settles and trains every example alike', () => {
  let backends: string[] = ['cpu', 'wasm'];
  beforeAll(async () => {
    const webgpu = await webGpuAvailability();
    if (webgpu.available) backends = [...backends, 'webgpu'];
    // CI installs lavapipe for exactly this: a missing adapter there is a failure, not a skip.
    else if (process.env.CI) throw new Error(`webgpu cannot start on CI: ${webgpu.reason}`);
  });

  it('covers every example', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(11);
  });

  for (const file of EXAMPLES) {
    it(file, async () => {
      const loaded = await loadGraphFile(`examples/${file}`);
      if (!loaded.ok) throw new Error(`${file} does not load`);
      const { plan } = compileGraph(loaded.graph);
      if (!plan) throw new Error(`${file} does not compile`);
      const datasets = await loadPlanDatasets(plan, 'examples');
      const want = await runOn('cpu', plan, datasets);
      for (const backend of backends.slice(1)) expectSame(await runOn(backend, plan, datasets), want, `${file} on ${backend}`);
      console.log(`${file}: t* ${want.tStar.join(' ')} alike on ${backends.join(', ')}`);
    });
  }
});
