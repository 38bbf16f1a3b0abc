import { describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import {
  describeBackend,
  parseBackendName,
  startBackend,
  type BackendName,
} from '../../../engine/backend/select.js';
import { bridgeMissingWasmKernels, missingWasmKernels } from '../../../engine/backend/cpu-bridge.js';
import { webGpuAdapter } from '../../../engine/backend/webgpu.js';
import { describeWebGpu, webGpuAvailability } from '../../helpers/backends.js';

/** Deterministic data so the two backends see identical inputs. */
function ramp(shape: number[], scale: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Float32Array.from({ length: n }, (_, i) => Math.sin(i * scale + 0.3));
  return tf.tensor(v, shape);
}

/** d/dw sum(conv2d(x, w)), 1×8×8×2 input, 3×3×2×4 filter, 'same'. */
function convFilterGrad(): Float32Array {
  return tf.tidy(() => {
    const x = ramp([1, 8, 8, 2], 0.37) as tf.Tensor4D;
    const w = ramp([3, 3, 2, 4], 0.71) as tf.Tensor4D;
    const g = tf.grad((wt: tf.Tensor) => tf.sum(tf.conv2d(x, wt as tf.Tensor4D, 1, 'same')))(w);
    return g.dataSync() as Float32Array;
  });
}

function matmul(): Float32Array {
  return tf.tidy(() => tf.matMul(ramp([5, 7], 0.13), ramp([7, 3], 0.29)).dataSync() as Float32Array);
}

async function on<T>(backend: BackendName, f: () => T): Promise<T> {
  await startBackend(backend);
  expect(tf.getBackend()).toBe(backend);
  return f();
}

describe('startBackend', () => {
  it('starts wasm and cpu and names them', async () => {
    const wasm = await startBackend('wasm');
    expect(wasm.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    // Node gives wasm one thread; the detail says how many.
    expect(wasm.detail).toMatch(/^wasm \((no )?SIMD, 1 thread\)$/);
    expect(wasm.skipped).toEqual([]);

    const cpu = await startBackend('cpu');
    expect(cpu).toEqual({ name: 'cpu', detail: 'cpu (JavaScript)', skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('refuses an explicit backend that cannot start, naming the reason', async () => {
    await expect(startBackend('tensorflow')).rejects.toThrow(
      /^backend "tensorflow" unavailable: GPU unavailable: @tensorflow\/tfjs-node-gpu is not installed$/,
    );
  });

  it('auto takes webgpu only on a hardware adapter, else wasm, and says why it skipped the others', async () => {
    // What webgpu by name finds here decides what auto must do.
    const gpu = await webGpuAvailability();
    const adapter = webGpuAdapter();
    const info = await startBackend('auto');
    expect(await startBackend()).toEqual(info);
    const tensorflow = { name: 'tensorflow', reason: 'GPU unavailable: @tensorflow/tfjs-node-gpu is not installed' };
    if (gpu.available && adapter?.software === false) {
      expect(info).toEqual({ name: 'webgpu', detail: gpu.detail, skipped: [tensorflow] });
      return;
    }
    const webgpu = gpu.available
      ? `software adapter (${adapter?.name}, ${adapter?.api}): slower than wasm, never chosen automatically; ask for webgpu by name to use it`
      : gpu.reason.replace('backend "webgpu" unavailable: ', '');
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.skipped).toEqual([tensorflow, { name: 'webgpu', reason: webgpu }]);
    expect(describeBackend(info)).toBe(
      `backend: ${info.detail.slice(0, -1)}; skipped tensorflow: ${tensorflow.reason}; skipped webgpu: ${webgpu})`,
    );
  });
});

await describeWebGpu('startBackend webgpu', () => {
  it('runs when asked for by name, on a software adapter too, and names the adapter', async () => {
    const info = await startBackend('webgpu');
    expect(info.name).toBe('webgpu');
    expect(info.skipped).toEqual([]);
    expect(tf.getBackend()).toBe('webgpu');
    expect(info.detail).toMatch(/^webgpu \((Vulkan|Metal|D3D12), [^,]+, [^,]+\)$/);
    // CI's device is Mesa's lavapipe (.ci/run installs it).
    if (process.env.CI) expect(info.detail).toBe('webgpu (Vulkan, mesa llvmpipe, software)');
    const sum = await tf.sum(tf.matMul(tf.ones([2, 3]), tf.ones([3, 4]))).data();
    expect(sum[0]).toBe(24);
  });
});

describe('parseBackendName', () => {
  it('accepts the names and auto, case and space insensitive', () => {
    expect(parseBackendName('auto')).toBe('auto');
    expect(parseBackendName(' WASM ')).toBe('wasm');
    expect(parseBackendName('tensorflow')).toBe('tensorflow');
    expect(parseBackendName('WebGPU')).toBe('webgpu');
    expect(parseBackendName('cpu')).toBe('cpu');
  });

  it('lists the valid names when the name is unknown', () => {
    expect(() => parseBackendName('webgl')).toThrow(
      'unknown backend "webgl": expected one of auto, tensorflow, webgpu, wasm, cpu',
    );
  });
});

describe('describeBackend', () => {
  it('is the detail alone when nothing was skipped', () => {
    expect(describeBackend({ name: 'cpu', detail: 'cpu (JavaScript)', skipped: [] })).toBe(
      'backend: cpu (JavaScript)',
    );
  });

  it('lists every skipped backend', () => {
    const line = describeBackend({
      name: 'cpu',
      detail: 'cpu',
      skipped: [
        { name: 'tensorflow', reason: 'a' },
        { name: 'wasm', reason: 'b' },
      ],
    });
    expect(line).toBe('backend: cpu (skipped tensorflow: a; skipped wasm: b)');
  });
});

describe('cpu bridge for kernels wasm lacks', () => {
  it('bridges Conv2DBackpropFilter and leaves nothing missing', async () => {
    await startBackend('wasm');
    expect(missingWasmKernels()).toEqual([]);
    const bridged = bridgeMissingWasmKernels();
    expect(bridged).toContain('Conv2DBackpropFilter');
    // Kernels wasm already has are not replaced.
    expect(bridged).not.toContain('Conv2D');
    expect(bridged).not.toContain('MatMul');
  });

  it('gives the conv2d filter gradient of cpu on wasm', async () => {
    const cpu = await on('cpu', convFilterGrad);
    const wasm = await on('wasm', convFilterGrad);
    expect(wasm.length).toBe(3 * 3 * 2 * 4);
    // A gradient of all zeros would hide a bridge that returns nothing useful.
    expect(Math.max(...cpu.map(Math.abs))).toBeGreaterThan(1);
    for (let i = 0; i < cpu.length; i++) expect(wasm[i]).toBeCloseTo(cpu[i], 5);
  });

  it('leaks no tensors through the bridge', async () => {
    await startBackend('wasm');
    const cpuBackend = tf.engine().findBackend('cpu');
    convFilterGrad();
    const tensors = tf.memory().numTensors;
    const cpuData = cpuBackend.numDataIds();
    const wasmData = tf.backend().numDataIds();
    for (let i = 0; i < 20; i++) convFilterGrad();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(cpuBackend.numDataIds()).toBe(cpuData);
    expect(tf.backend().numDataIds()).toBe(wasmData);
  });

  it('keeps int32 outputs intact (UnsortedSegmentSum)', async () => {
    const run = () =>
      tf.tidy(() =>
        Array.from(tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], 'int32'), tf.tensor1d([0, 1, 0, 1], 'int32'), 2).dataSync()),
      );
    expect(await on('wasm', run)).toEqual([4, 6]);
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });
});

describe('same numbers on both backends', () => {
  it('matMul', async () => {
    const cpu = await on('cpu', matmul);
    const wasm = await on('wasm', matmul);
    expect(wasm.length).toBe(15);
    for (let i = 0; i < cpu.length; i++) expect(wasm[i]).toBeCloseTo(cpu[i], 5);
  });
});
