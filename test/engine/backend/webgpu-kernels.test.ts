/**
 * Kernel conformance of tfjs's webgpu backend against cpu, on the real device
 * (Mesa's lavapipe here and on CI). Outputs are read with await data(): a
 * synchronous read throws on webgpu in Node.
 */
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { describeWebGpu } from '../../helpers/backends.js';
import { readValues } from '../../../engine/runtime/readback.js';
import { compareOutputs, KERNEL_CASES, runCase, type KernelCase, type Output } from '../../../bench/conformance/kernel-cases.js';

async function on(backend: 'cpu' | 'webgpu', c: KernelCase): Promise<Output[]> {
  await tf.setBackend(backend);
  return runCase(c);
}

/** A few steps of what training does to Variables: variableGrads, then an SGD update by assign. */
async function trainVariables(): Promise<Float32Array[]> {
  const [w, b, x] = tf.tidy(() => [
    tf.variable(tf.reshape(tf.sin(tf.range(0, 784 * 32)), [784, 32]), true, 'w'),
    tf.variable(tf.zeros([32]), true, 'b'),
    tf.reshape(tf.cos(tf.range(0, 64 * 784)), [64, 784]),
  ]);
  try {
    for (let step = 0; step < 3; step++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.tanh(tf.add(tf.matMul(x, w), b)))) as tf.Scalar);
        for (const v of [w, b] as tf.Variable[]) v.assign(tf.sub(v, tf.mul(0.5, grads[v.name])));
      });
    }
    return [(await w.data()) as Float32Array, (await b.data()) as Float32Array];
  } finally {
    tf.dispose([w, b, x]);
  }
}

await describeWebGpu('webgpu kernels match cpu', () => {
  for (const c of KERNEL_CASES) {
    it(c.name, async () => {
      const want = await on('cpu', c);
      const got = await on('webgpu', c);
      expect(compareOutputs(got, want, c.tol ?? 1e-4)).toBeUndefined();
    });
  }

  it('Variables: variableGrads and assign over training steps', async () => {
    await tf.setBackend('cpu');
    const want = await trainVariables();
    await tf.setBackend('webgpu');
    const got = await trainVariables();
    const asOutputs = (vs: Float32Array[]) => vs.map((values) => ({ shape: [values.length], dtype: 'float32', values }));
    expect(compareOutputs(asOutputs(got), asOutputs(want), 1e-4)).toBeUndefined();
  });

  it('work the device refuses fails the next read instead of leaving zeros behind', async () => {
    await tf.setBackend('webgpu');
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    device.createShaderModule({ code: 'not a shader' });
    const t = tf.ones([4]);
    await expect(readValues(t, true)).rejects.toThrow(/the GPU refused work/);
    // The failure is reported once: the next read goes through.
    expect(Array.from(await readValues(tf.ones([2]), true))).toEqual([1, 1]);
  });

  it('keeps tf.memory().numTensors flat over repeated loops', async () => {
    await tf.setBackend('webgpu');
    const loop = async () => {
      for (const c of KERNEL_CASES) await runCase(c);
      await trainVariables();
    };
    await loop();
    const tensors = tf.memory().numTensors;
    const dataIds = tf.backend().numDataIds();
    await loop();
    await loop();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().numDataIds()).toBe(dataIds);
  });
});
