/**
 * Our engine as one side of the interleaved benchmark: one backend, one example graph,
 * one network and optimiser that live for the whole run (warm-up is paid once), trained
 * and settled a few batches at a time when the coordinator asks. With workers, each
 * training batch is split across cores (trainStep with a GradientPool), as `attractor
 * train --workers` does.
 */
import { dirname } from 'node:path';
import { tf } from '../../engine/tf.js';
import type { TrainingMethod } from '../../nodes/config.js';
import { startBackend, type BackendName } from '../../engine/backend/select.js';
import { probeDawn } from '../../engine/backend/dawn.js';
import { webGpuAdapter } from '../../engine/backend/webgpu.js';
import { GradientPool } from '../../engine/parallel/pool.js';
import { buildBatch, disposeBatch } from '../../engine/runtime/batch.js';
import { Network } from '../../engine/runtime/network.js';
import { pickExamples } from '../../engine/runtime/prepare.js';
import { readCount } from '../../engine/runtime/readback.js';
import { disposeState, settle } from '../../engine/runtime/settle.js';
import { createOptimizer, type Optimizer } from '../../engine/train/optimizers.js';
import { trainStep, type TrainerInput } from '../../engine/train/trainer.js';
import { peakMemoryOf, processMemory, tensorCount } from '../measure.js';
import { heldOutQuality, loadExample, memoryTable, type Example, type MemoryTable } from '../suite.js';
import type { BatchSample, MemoryResult, QualityResult, SettleResult, SettleSample, SideInfo, TrainResult } from '../interleave/protocol.js';

export interface EngineSideOptions {
  readonly file: string;
  readonly backend: BackendName;
  /** webgpu only on a hardware adapter (the benchmark's automatic choice): a software one is refused with its name. */
  readonly hardwareOnly: boolean;
  /** Gradient workers beside this thread (0: the batch stays on one core). */
  readonly workers: number;
  readonly method?: TrainingMethod;
  readonly batch?: number;
  readonly steps?: number;
  /** Most iterations of a timed settle. */
  readonly settleSteps: number;
}

/** Settles draw held-out examples from seeds past those of anything else in the run. */
const SETTLE_SEED = 1000;

export class EngineSide {
  private trained = 0;
  private settled = 0;

  private constructor(
    private readonly ex: Example,
    private readonly network: Network,
    private readonly optimizer: Optimizer,
    private readonly pool: GradientPool | undefined,
    private readonly detail: string,
    private readonly settleSteps: number,
  ) {}

  static async open(opts: EngineSideOptions): Promise<EngineSide> {
    if (opts.backend === 'webgpu' && opts.hardwareOnly) {
      const adapter = await probeDawn();
      if (adapter.software) throw new Error(`software adapter (${adapter.name}, ${adapter.api}): timed only when asked for with --backend webgpu`);
    }
    const backend = await startBackend(opts.backend);
    const overrides = {
      ...(opts.method ? { method: opts.method } : {}),
      ...(opts.batch ? { batch: opts.batch } : {}),
      ...(opts.steps ? { steps: opts.steps } : {}),
    };
    const ex = await loadExample(opts.file, overrides);
    const network = Network.create(ex.plan, ex.training.seed, ex.datasets);
    const optimizer = createOptimizer(ex.training.optimizer, ex.training.weightDecay);
    let pool: GradientPool | undefined;
    try {
      if (opts.workers > 0) {
        pool = await GradientPool.start(opts.workers, { graph: ex.graph, baseDir: dirname(ex.file), backend: opts.backend, config: ex.training, theta: ex.theta });
      }
    } catch (err) {
      network.dispose();
      optimizer.dispose();
      throw err;
    }
    return new EngineSide(ex, network, optimizer, pool, backend.detail, opts.settleSteps);
  }

  info(): SideInfo {
    return {
      detail: this.pool ? `${this.detail}, batch split over ${this.pool.size + 1} cores` : this.detail,
      batchSize: this.ex.training.batch,
      steps: this.ex.training.steps,
      theta: this.ex.theta,
      workers: this.pool?.size ?? 0,
      ...(tf.getBackend() === 'webgpu' ? { softwareAdapter: webGpuAdapter()?.software ?? false } : {}),
    };
  }

  private trainerInput(): TrainerInput {
    return { plan: this.ex.plan, network: this.network, optimizer: this.optimizer, datasets: this.ex.datasets, config: this.ex.training, theta: this.ex.theta };
  }

  async train(batches: number): Promise<TrainResult> {
    const samples: BatchSample[] = [];
    for (let b = 0; b < batches; b++) {
      const reads = readCount();
      const r = await trainStep(this.trainerInput(), this.trained, this.pool);
      this.trained++;
      samples.push({ ms: r.ms, iterations: r.iterations, adjointSteps: r.adjointSteps, reads: readCount() - reads, loss: r.loss, tossed: r.tossed });
    }
    return { samples, trained: this.trained, tensors: tensorCount() };
  }

  /** Held-out batches of the training batch size, settled without a tape (energy off) up to `settleSteps`. */
  async settle(settles: number): Promise<SettleResult> {
    const samples: SettleSample[] = [];
    const { plan, datasets, training, theta } = this.ex;
    for (let s = 0; s < settles; s++) {
      const n = SETTLE_SEED + this.settled++;
      const batch = buildBatch(plan, datasets, pickExamples(datasets, training.batch, n, 'test'), n);
      const reads = readCount();
      const t0 = performance.now();
      const bound = this.network.bind();
      try {
        const r = await settle({ net: bound, initial: batch.initial, clamps: batch.clamps }, { steps: this.settleSteps, theta, seed: n, energy: 'none' });
        const ms = performance.now() - t0;
        disposeState(r.state);
        const settled = r.tStar.filter((t) => t >= 0).length;
        samples.push({ ms, iterations: r.iterations, reads: readCount() - reads, settled, unsettled: r.tStar.length - settled });
      } finally {
        bound.dispose();
        disposeBatch(batch);
      }
    }
    return { samples, tensors: tensorCount() };
  }

  async quality(): Promise<QualityResult> {
    const q = await heldOutQuality(this.ex, this.network);
    return { mse: q.mse, examples: q.examples, trained: this.trained };
  }

  /** The process's peak, and the tensors' peak over one more (untimed) training batch. */
  async memory(): Promise<MemoryResult> {
    const { memory } = await peakMemoryOf(() => trainStep(this.trainerInput(), this.trained, this.pool));
    this.trained++;
    return { maxRssBytes: processMemory().maxRssBytes, peakTensorBytes: memory.peakBytes, tensors: tensorCount() };
  }

  memoryTable(): Promise<MemoryTable> {
    return memoryTable(this.ex);
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.optimizer.dispose();
    this.network.dispose();
  }
}
