/**
 * Kernels tfjs-backend-webgpu 4.22 gets wrong for the engine, replaced for the webgpu
 * backend only (each has a case in test/engine/backend/webgpu-kernels.test.ts).
 *
 * - AddN binds every input as a storage buffer of one shader. Past the device's
 *   maxStorageBuffersPerShaderStage (8 by default, 16 on lavapipe when asked for) the
 *   pipeline is invalid and the sum comes out as zeros without an exception: every-step
 *   training sums one loss per iteration and lost its loss that way. Here wide sums are
 *   split into halves that fit.
 */
import { tf } from '../tf.js';

type AddNKernel = tf.KernelConfig['kernelFunc'];
type Info = tf.TensorInfo;

export function patchWebGpuKernels(maxStorageBuffers: number): void {
  const original = tf.getKernel('AddN', 'webgpu');
  if (!original) return;
  // One buffer holds the output.
  const fits = Math.max(2, maxStorageBuffers - 1);
  const addN: AddNKernel = ({ inputs, backend, attrs }) => {
    const sum = (tensors: Info[]): Info => {
      if (tensors.length <= fits) return original.kernelFunc({ inputs: tensors as unknown as tf.NamedTensorInfoMap, backend, attrs }) as Info;
      const half = Math.ceil(tensors.length / 2);
      const parts = [sum(tensors.slice(0, half)), sum(tensors.slice(half))];
      const out = original.kernelFunc({ inputs: parts as unknown as tf.NamedTensorInfoMap, backend, attrs }) as Info;
      parts.forEach((p) => (backend as tf.KernelBackend).disposeData(p.dataId));
      return out;
    };
    return sum(inputs as unknown as Info[]);
  };
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({ ...original, kernelFunc: addN });
}
