/**
 * The one way the settle and train loops read values off the device: asynchronously, so a
 * GPU backend is never stalled mid-loop (synchronous reads are forbidden there by lint), and
 * counted, so the benchmark can report reads per settle and per training batch.
 */
import { tf } from '../tf.js';

let reads = 0;
let afterRead: (() => void) | undefined;

/**
 * A check run after every read, installed by a backend that can fail without throwing
 * (webgpu: a refused pipeline leaves zeros behind and carries on); it throws to stop the
 * loop that would use the wrong numbers.
 */
export function checkEachRead(check: () => void): void {
  afterRead = check;
}

/** The values of `t` (a fresh copy the caller owns); `t` is disposed when `dispose` is set. */
export async function readValues(t: tf.Tensor, dispose = false): Promise<Float32Array> {
  reads++;
  const values = (await t.data()) as Float32Array;
  if (dispose) t.dispose();
  afterRead?.();
  return values;
}

/** Reads so far in this process (the benchmark takes differences). */
export function readCount(): number {
  return reads;
}

/** Backends where a read is a sync point with a device: there the loop reads every few iterations. */
const DEVICE_BACKENDS = new Set(['webgpu', 'tensorflow', 'webgl']);

/**
 * Iterations between reads on the active backend: 1 where a read is a copy in memory (cpu,
 * wasm), 8 on a GPU, where each read waits for the device. Up to 7 iterations may run past
 * the end there, as exact no-ops.
 */
export function readCadence(): number {
  return DEVICE_BACKENDS.has(tf.getBackend()) ? 8 : 1;
}
