/**
 * Timing and memory helpers of the benchmark. Quantiles follow the PyTorch reference
 * (attractor_ref/completion.py) so the two are read the same way: the median averages
 * the two middle values, p10/p90 pick sorted[min(n − 1, ⌊q·n⌋)].
 */
import { tf } from '../engine/tf.js';

export interface TimingSummary {
  /** Batches timed (warmup excluded). */
  readonly count: number;
  readonly median: number;
  readonly p10: number;
  readonly p90: number;
  readonly mean: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The reference's quantile: sorted[min(n − 1, ⌊q·n⌋)]. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Summary of the samples after the first `warmup` (all of them when that would leave none, as the reference does). */
export function summarise(samples: readonly number[], warmup: number): TimingSummary {
  const timed = samples.length > warmup ? samples.slice(warmup) : [...samples];
  return { count: timed.length, median: median(timed), p10: quantile(timed, 0.1), p90: quantile(timed, 0.9), mean: mean(timed) };
}

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
  /** Largest resident set size of the process so far (getrusage maxrss). */
  readonly maxRssBytes: number;
}

export function processMemory(): ProcessMemory {
  return { rssBytes: process.memoryUsage().rss, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** Milliseconds of a synchronous call. */
export function timed<R>(fn: () => R): { ms: number; result: R } {
  const t0 = performance.now();
  const result = fn();
  return { ms: performance.now() - t0, result };
}
