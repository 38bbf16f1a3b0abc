/**
 * tfjs's `webgpu` backend on a device the engine opened itself through Dawn.
 *
 * tfjs-backend-webgpu would register its own backend at import when it sees
 * navigator.gpu, picking the adapter itself. The engine registers the backend
 * instead, on the adapter it has read and classified, so it can refuse a
 * software adapter in 'auto', name the adapter in the detail, and destroy the
 * device when the process ends.
 */
import { tf } from '../tf.js';
import { describeAdapter, type AdapterSummary } from './adapter.js';
import { openDawn, probeDawn, type Dawn } from './dawn.js';
import { patchWebGpuKernels } from './webgpu-kernels.js';
import { checkEachRead } from '../runtime/readback.js';

/** 'auto': only a hardware adapter will do; 'named': the user asked for webgpu, any adapter. */
export type WebGpuRequest = 'auto' | 'named';

let dawn: Dawn | undefined;

/** 'auto' met a software adapter: it runs, but slower than wasm. Not a failure of the GPU stack. */
class SoftwareAdapterRefused extends Error {}

function refuseSoftware(adapter: AdapterSummary): void {
  if (adapter.software) {
    throw new SoftwareAdapterRefused(
      `software adapter (${adapter.name}, ${adapter.api}): slower than wasm, never chosen automatically; ask for webgpu by name to use it`,
    );
  }
}

/**
 * Opens Dawn once per process and registers the `webgpu` backend on its device.
 * Returns the backend detail; activating the backend is the caller's job. Every
 * error message is a one-line reason: "GPU unavailable: ..." when Dawn or its
 * adapter is missing, "software adapter (...)" when 'auto' declines lavapipe.
 */
export async function prepareWebGpu(request: WebGpuRequest): Promise<string> {
  if (dawn === undefined) {
    let opened: Dawn;
    let WebGPUBackend: typeof import('@tensorflow/tfjs-backend-webgpu').WebGPUBackend;
    try {
      // 'auto' decides on a child process's answer before loading any GPU driver here.
      if (request === 'auto') refuseSoftware(await probeDawn());
      // Imported before navigator.gpu exists, so the package registers its kernels but not a backend of its own.
      ({ WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu'));
      opened = await openDawn({ accept: request === 'auto' ? refuseSoftware : undefined });
    } catch (err) {
      if (err instanceof SoftwareAdapterRefused) throw err;
      throw new Error(`GPU unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
    dawn = opened;
    if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
    // Priority 0: the engine always sets its backend by name; this must never win tfjs's own pick.
    tf.registerBackend('webgpu', () => new WebGPUBackend(opened.device, opened.adapterInfo), 0);
    patchWebGpuKernels(opened.device.limits.maxStorageBuffersPerShaderStage);
    // Work the device refused has left zeros behind: the next read says so instead of using them.
    checkEachRead(() => {
      const failure = tf.getBackend() === 'webgpu' ? dawn?.takeFailure() : undefined;
      if (failure) throw new Error(`the GPU refused work, so the values just read are not valid: ${failure}`);
    });
    void opened.device.lost.then((info) => {
      if (info.reason !== 'destroyed') process.stderr.write(`webgpu: the device was lost: ${info.message}\n`);
    });
    // A live device at exit: a worker thread ending with GPU reads in flight leaves dawn.node
    // reporting unsettled mapAsync promises (tested), and STACK.md saw crashes at process exit.
    process.once('exit', closeWebGpu);
  } else if (request === 'auto') {
    refuseSoftware(dawn.adapter);
  }
  return describeAdapter(dawn.adapter);
}

/** The adapter webgpu runs on, once prepareWebGpu has succeeded. */
export function webGpuAdapter(): AdapterSummary | undefined {
  return dawn?.adapter;
}

/**
 * Removes the backend (its tensors become invalid), destroys the device and
 * drops navigator.gpu. Runs at process exit; call it earlier where a thread is
 * about to be terminated with GPU work in flight. Idempotent.
 */
export function closeWebGpu(): void {
  if (dawn === undefined) return;
  if (tf.findBackendFactory('webgpu') != null) tf.removeBackend('webgpu');
  dawn.close();
  dawn = undefined;
  process.removeListener('exit', closeWebGpu);
}
