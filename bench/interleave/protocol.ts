/**
 * What the coordinator and a side say to each other: one JSON object per line, requests
 * on the side's stdin, replies on its stdout (anything else a side prints goes to stderr).
 * A side answers every request in order with `{ ok: true, result }` or
 * `{ ok: false, error }`, and starts with an unrequested `ready` reply.
 *
 * Two programs speak it: our engine (bench/side/main.ts, bundled to dist/bench-side.mjs)
 * and the PyTorch reference (bench/side/ref_side.py, a driver that imports the
 * reference's own modules). The Python side mirrors these types by hand.
 */

export type Request =
  /** `batches` more training batches, timed one by one. */
  | { readonly op: 'train'; readonly batches: number }
  /** `settles` settles of held-out batches (training batch size), timed one by one. */
  | { readonly op: 'settle'; readonly settles: number }
  /** Held-out masked MSE at T of the net as trained so far (untimed). */
  | { readonly op: 'quality' }
  /** Memory: the process's peak, and ours the tensors' peak over one more batch (untimed, after quality). */
  | { readonly op: 'memory' }
  /** Ours: peak tensor memory of one batch versus T (suite.ts memoryTable), last: the wasm heap only grows. */
  | { readonly op: 'memory-table' }
  | { readonly op: 'close' };

export interface SideInfo {
  /** e.g. "wasm (SIMD, 1 thread)", "webgpu (Vulkan, mesa llvmpipe, software)", "torch 1.13.0a0, 2 threads". */
  readonly detail: string;
  readonly batchSize: number;
  readonly steps: number;
  readonly theta: number;
  /** Gradient workers beside the main thread (ours, batch split across cores). */
  readonly workers?: number;
  /** The reference's intra-op threads and device. */
  readonly threads?: number;
  readonly device?: string;
  /** A software GPU adapter (lavapipe, SwiftShader): a correctness device, not a speed one. */
  readonly softwareAdapter?: boolean;
}

export interface BatchSample {
  readonly ms: number;
  /** Iterations the settle/unroll ran (the reference always runs T). */
  readonly iterations: number;
  readonly adjointSteps: number;
  /** Reads off the device during the batch (engine/runtime/readback.ts); the reference does not count them. */
  readonly reads: number | null;
  readonly loss: number;
  readonly tossed: number;
}

export interface SettleSample {
  readonly ms: number;
  readonly iterations: number;
  readonly reads: number | null;
  /** Examples that met θ, and those that did not within the step budget. */
  readonly settled: number;
  readonly unsettled: number;
}

/** Live tensors after a turn: flat across turns unless something leaks. */
export interface TensorCount {
  readonly numTensors: number;
  readonly numBytes: number;
  /** tfjs-webgpu's bytes in GPU buffers (tf.memory().numBytesInGPU); absent on other backends. */
  readonly gpuBytes?: number;
}

export interface TrainResult {
  readonly samples: BatchSample[];
  /** Batches trained so far, warm-up included. */
  readonly trained: number;
  readonly tensors?: TensorCount;
}

export interface SettleResult {
  readonly samples: SettleSample[];
  readonly tensors?: TensorCount;
}

export interface QualityResult {
  /** Held-out masked MSE at T (unclamped units, pixels in [0, 1]). */
  readonly mse: number;
  readonly examples: number;
  readonly trained: number;
}

export interface MemoryResult {
  /** Largest resident set of the side's process (threads included). */
  readonly maxRssBytes: number;
  /** Ours: tf.profile's peak tensor bytes over one more training batch (weights and optimiser state included). */
  readonly peakTensorBytes?: number;
  /** Peak device memory where the side can tell (torch.cuda.max_memory_allocated). */
  readonly peakDeviceBytes?: number;
  readonly tensors?: TensorCount;
}

export type Reply<R = unknown> = { readonly ok: true; readonly result: R } | { readonly ok: false; readonly error: string };

/** The first line a side prints: ready with what it runs on, or why it cannot run. */
export type Ready = Reply<SideInfo>;

/** One reply line → a Reply, or an Error naming what is wrong with it. */
export function parseReply(line: string): Reply {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    throw new Error(`not a JSON reply: ${line.slice(0, 120)}`);
  }
  if (typeof doc !== 'object' || doc === null || typeof (doc as { ok?: unknown }).ok !== 'boolean') {
    throw new Error(`a reply needs "ok": ${line.slice(0, 120)}`);
  }
  const r = doc as { ok: boolean; result?: unknown; error?: unknown };
  if (r.ok) return { ok: true, result: r.result };
  return { ok: false, error: typeof r.error === 'string' ? r.error : 'the side failed without saying why' };
}
