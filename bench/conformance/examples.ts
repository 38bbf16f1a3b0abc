/**
 * One engine, every backend, on the example graphs: each settles a small held-out batch and
 * takes a BPTT gradient, and a backend conforms when it gives cpu's t*, 2-cycles, energies,
 * final state, loss and gradient within float32 tolerance (DESIGN §6: one conformance
 * suite every backend re-runs). Run by test/engine/conformance/backends.test.ts (cpu, wasm,
 * webgpu) and by `npm run gpu-check` (webgpu and tensorflow on a GPU machine).
 */
import { dirname } from 'node:path';
import { tf } from '../../engine/tf.js';
import { startBackend, type BackendName } from '../../engine/backend/select.js';
import { compileGraph } from '../../engine/compile/compile.js';
import type { Plan } from '../../engine/compile/plan.js';
import type { Dataset } from '../../engine/data/dataset.js';
import { loadGraphFile } from '../../engine/format/load.js';
import { buildBatch, disposeBatch } from '../../engine/runtime/batch.js';
import { Network } from '../../engine/runtime/network.js';
import { loadPlanDatasets, pickExamples } from '../../engine/runtime/prepare.js';
import { readValues } from '../../engine/runtime/readback.js';
import { disposeState, settle } from '../../engine/runtime/settle.js';
import { bpttGradients } from '../../engine/train/methods.js';
import { flopsPerIteration } from '../flops.js';

export interface Outcome {
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

/**
 * Examples whose iteration costs more than this at the conformance batch are left to their
 * own tests: the cpu reference computes in plain JavaScript (conv-large: 157 MFLOP per
 * iteration, minutes on cpu and lavapipe; test/engine/conformance/large-net.slow.test.ts).
 */
export const CONFORMANCE_FLOP_LIMIT = 20e6;

export interface ConformanceExample {
  readonly file: string;
  readonly plan: Plan;
  readonly datasets: Map<string, Dataset>;
  /** Why the example is not run (too large), if it is not. */
  readonly skip?: string;
}

export async function loadConformanceExample(file: string): Promise<ConformanceExample> {
  const loaded = await loadGraphFile(file);
  if (!loaded.ok) throw new Error(`${file} does not load: ${loaded.problems.map((p) => p.message).join('; ')}`);
  const { plan } = compileGraph(loaded.graph);
  if (!plan) throw new Error(`${file} does not compile`);
  const flops = flopsPerIteration(plan, BATCH);
  const skip =
    flops > CONFORMANCE_FLOP_LIMIT
      ? `${(flops / 1e6).toFixed(0)} MFLOP per iteration at batch ${BATCH}, past the ${CONFORMANCE_FLOP_LIMIT / 1e6} MFLOP the cpu reference computes in reasonable time`
      : undefined;
  return { file, plan, datasets: skip ? new Map() : await loadPlanDatasets(plan, dirname(file)), ...(skip ? { skip } : {}) };
}

/** Settles and differentiates the example on `backend`; `leaked` counts tensors left behind (0 when none). */
export async function exampleOutcome(backend: BackendName, plan: Plan, datasets: ReadonlyMap<string, Dataset>): Promise<{ outcome: Outcome; leaked: number }> {
  await startBackend(backend);
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
  const outcome = { tStar: r.tStar, cycle2: r.cycle2, energy: r.energy, finalState, ...(loss !== undefined ? { loss, gradient } : {}) };
  return { outcome, leaked: tf.memory().numTensors - before };
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

/** Where `got` differs from `want` beyond float32 tolerance, one line each; empty when it conforms. */
export function outcomeDifferences(got: Outcome, want: Outcome): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(got.tStar, want.tStar)) out.push(`t*: ${got.tStar.join(' ')}, expected ${want.tStar.join(' ')}`);
  if (!same(got.cycle2, want.cycle2)) out.push(`2-cycles: ${got.cycle2.join(' ')}, expected ${want.cycle2.join(' ')}`);
  if (got.energy.length !== want.energy.length) out.push(`iterations: ${got.energy.length - 1}, expected ${want.energy.length - 1}`);
  else {
    got.energy.forEach((row, i) =>
      row.forEach((e, b) => {
        const w = want.energy[i][b];
        if (!(Math.abs(e - w) < 1e-3 * (1 + Math.abs(w)))) out.push(`energy of example ${b} at iteration ${i}: ${e}, expected ${w}`);
      }),
    );
  }
  const state = maxRelative(got.finalState, want.finalState);
  if (!(state < 1e-3)) out.push(`final state: largest difference ${state.toExponential(2)} of its scale (tolerance 1e-3)`);
  if (want.gradient) {
    if (!(Math.abs(got.loss! - want.loss!) < 1e-4 * (1 + Math.abs(want.loss!)))) out.push(`loss: ${got.loss}, expected ${want.loss}`);
    const grad = got.gradient ? maxRelative(got.gradient, want.gradient) : Infinity;
    if (!(grad < 1e-3)) out.push(`gradient: largest difference ${grad.toExponential(2)} of its scale (tolerance 1e-3)`);
  }
  return out;
}
