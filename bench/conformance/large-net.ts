/**
 * A net too big for comfortable CPU work (examples/conv-large: 3×64×64 ↔ 64×64×64, kernel 5,
 * batch 256) on a GPU backend: does it settle and train without a read per iteration, and
 * without growing tensors or GPU buffers from batch to batch? Measured here, judged by
 * test/engine/conformance/large-net.slow.test.ts (lavapipe, reduced size) and reported by
 * `npm run gpu-check` (full size on a hardware adapter).
 */
import { startBackend, type BackendName } from '../../engine/backend/select.js';
import { buildBatch, disposeBatch } from '../../engine/runtime/batch.js';
import { Network } from '../../engine/runtime/network.js';
import { pickExamples } from '../../engine/runtime/prepare.js';
import { readCadence, readCount } from '../../engine/runtime/readback.js';
import { disposeState, settle } from '../../engine/runtime/settle.js';
import { createOptimizer } from '../../engine/train/optimizers.js';
import { trainBatch } from '../../engine/train/trainer.js';
import type { TensorCount } from '../interleave/protocol.js';
import { tensorCount } from '../measure.js';
import { loadExample, type Example } from '../suite.js';

export interface LargeNetOptions {
  readonly batch: number;
  /** T of training. */
  readonly steps: number;
  readonly batches: number;
  /** Iterations of the settle, all run (no early stop), so the reads per iteration show. */
  readonly settleSteps: number;
}

export interface LargeNetReport {
  readonly backend: string;
  readonly options: LargeNetOptions;
  /** Iterations between reads the settle loop uses on this backend. */
  readonly readCadence: number;
  readonly settle: { readonly iterations: number; readonly reads: number; readonly ms: number };
  /** Per training batch, the live tensors and GPU bytes after it. */
  readonly batches: { readonly ms: number; readonly iterations: number; readonly reads: number; readonly loss: number; readonly after: TensorCount }[];
}

export async function runLargeNet(file: string, backend: BackendName, opts: LargeNetOptions): Promise<LargeNetReport> {
  const info = await startBackend(backend);
  const ex = await loadExample(file, { batch: opts.batch, steps: opts.steps });
  const network = Network.create(ex.plan, ex.training.seed, ex.datasets);
  const optimizer = createOptimizer(ex.training.optimizer, ex.training.weightDecay);
  try {
    const input = { plan: ex.plan, network, optimizer, datasets: ex.datasets, config: ex.training, theta: ex.theta };
    const settled = await timedSettle(network, ex, opts);
    const batches: LargeNetReport['batches'][number][] = [];
    for (let step = 0; step < opts.batches; step++) {
      const reads = readCount();
      const r = await trainBatch(input, step);
      batches.push({ ms: r.ms, iterations: r.iterations, reads: readCount() - reads, loss: r.loss, after: tensorCount() });
    }
    return { backend: info.detail, options: opts, readCadence: readCadence(), settle: settled, batches };
  } finally {
    optimizer.dispose();
    network.dispose();
  }
}

async function timedSettle(network: Network, ex: Example, opts: LargeNetOptions): Promise<LargeNetReport['settle']> {
  const held = buildBatch(ex.plan, ex.datasets, pickExamples(ex.datasets, opts.batch, 1, 'test'), 1);
  const bound = network.bind();
  const reads = readCount();
  const t0 = performance.now();
  try {
    const s = await settle({ net: bound, initial: held.initial, clamps: held.clamps }, { steps: opts.settleSteps, theta: ex.theta, seed: 1, energy: 'none', stopWhen: 'never' });
    disposeState(s.state);
    return { iterations: s.iterations, reads: readCount() - reads, ms: performance.now() - t0 };
  } finally {
    bound.dispose();
    disposeBatch(held);
  }
}
