/** Memory helpers of the benchmark (statistics are in stats.ts). */
import { readFileSync } from 'node:fs';
import { tf } from '../engine/tf.js';
import type { TensorCount } from './interleave/protocol.js';

export interface PeakMemory {
  /** tf.profile's peakBytes: the most tensor bytes alive at any kernel of the run (weights and optimiser state included). */
  readonly peakBytes: number;
  /** Tensor bytes alive just before the run (weights, optimiser state, kept data). */
  readonly baseBytes: number;
  /** peakBytes − baseBytes: what the run itself needed at its worst moment. */
  readonly runBytes: number;
}

/** Peak tensor memory of `fn` (tf.profile), with its result. */
export async function peakMemoryOf<R>(fn: () => Promise<R>): Promise<{ memory: PeakMemory; result: R }> {
  const baseBytes = tf.memory().numBytes;
  let result: R | undefined;
  const info = await tf.profile(async () => {
    result = await fn();
  });
  const peak = Number.isFinite(info.peakBytes) ? info.peakBytes : baseBytes;
  return { memory: { peakBytes: peak, baseBytes, runBytes: Math.max(0, peak - baseBytes) }, result: result as R };
}

export interface ProcessMemory {
  /** Resident set size now. */
  readonly rssBytes: number;
  /** Largest resident set size of the process so far. */
  readonly maxRssBytes: number;
}

/**
 * Linux's VmHWM: the high-water mark of this process's own memory. getrusage's maxrss is not
 * that for a spawned side: exec carries the parent's high-water mark over, so every side
 * started by a large coordinator would report at least the coordinator's size.
 */
function highWaterBytes(): number | undefined {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

export function processMemory(): ProcessMemory {
  return { rssBytes: process.memoryUsage().rss, maxRssBytes: highWaterBytes() ?? process.resourceUsage().maxRSS * 1024 };
}

/** Live tensors now, and on webgpu the bytes held in GPU buffers (tfjs-webgpu's numBytesInGPU). */
export function tensorCount(): TensorCount {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
  return { numTensors: m.numTensors, numBytes: m.numBytes, ...(typeof m.numBytesInGPU === 'number' ? { gpuBytes: m.numBytesInGPU } : {}) };
}
