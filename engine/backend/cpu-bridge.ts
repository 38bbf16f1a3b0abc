/**
 * Runs, on the cpu backend, the kernels the wasm backend does not have.
 *
 * The wasm backend lacks a few kernels the engine needs (Conv2DBackpropFilter,
 * the conv weight gradient, above all) and tfjs never falls back on its own. For
 * each kernel registered for 'cpu' but not for 'wasm' we register a 'wasm'
 * kernel that copies its inputs to the cpu backend, runs the cpu kernel there
 * and copies the outputs back. Everything happens at the backend level (no
 * engine tensors), so the engine's tensor count is untouched and every cpu copy
 * is released before the kernel returns.
 */
import { tf } from '../tf.js';

type KernelBackend = ReturnType<typeof tf.findBackend>;
type TensorInfo = { dataId: object; shape: number[]; dtype: tf.DataType };
type CpuBackend = KernelBackend & {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: unknown): TensorInfo;
};
type WasmBackend = KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: unknown): TensorInfo;
};

/**
 * Kernels left out on purpose: wasm cannot store complex64 or string tensors,
 * so a bridge could never hand their inputs or outputs over.
 */
const UNBRIDGEABLE = new Set([
  'Complex', 'ComplexAbs', 'Real', 'Imag', 'FFT', 'IFFT', 'RFFT', 'IRFFT',
  'StringNGrams', 'StringSplit', 'StringToHashBucketFast', 'StaticRegexReplace',
]);

const bridged = new Set<string>();

/** The cpu backend instance, started if it was not yet. */
export function cpuBackend(): CpuBackend {
  // findBackend initialises a registered but not yet started backend.
  const cpu = tf.engine().findBackend('cpu') as (CpuBackend & { firstUse?: boolean }) | null;
  if (cpu == null) throw new Error('the cpu backend is not registered');
  // Its first write prints a multi-line "install tfjs-node" banner; the engine
  // already reports which backend runs and why, and the bridge is no choice of
  // the user's, so silence it.
  cpu.firstUse = false;
  return cpu;
}

function values(from: KernelBackend, info: TensorInfo): tf.TypedArray {
  if (info.dtype === 'string' || info.dtype === 'complex64') {
    throw new Error(`cpu bridge cannot move a ${info.dtype} tensor between backends`);
  }
  const v = from.readSync(info.dataId) as tf.TypedArray;
  // wasm copies raw bytes, so the array type must match the dtype exactly (a cpu
  // kernel may hand back, say, a Float32Array for an int32 result).
  if (info.dtype === 'int32') return v instanceof Int32Array ? v : Int32Array.from(v);
  if (info.dtype === 'bool') return v instanceof Uint8Array ? v : Uint8Array.from(v);
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

/** Releases a cpu kernel output, whether a bare TensorInfo or (Abs-style) an engine tensor. */
function release(cpu: CpuBackend, info: TensorInfo): void {
  if (info instanceof tf.Tensor) info.dispose();
  else cpu.disposeData(info.dataId);
}

function bridgeKernel(kernelName: string): tf.KernelFunc {
  const cpuKernel = tf.getKernel(kernelName, 'cpu').kernelFunc;
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as WasmBackend;
    const cpu = cpuBackend();
    const cpuInputs: Record<string, TensorInfo> = {};
    const created: TensorInfo[] = [];
    try {
      for (const [name, info] of Object.entries(inputs)) {
        if (info == null) continue;
        const t = info as TensorInfo;
        const copy = cpu.makeTensorInfo(t.shape, t.dtype, values(wasm, t));
        cpuInputs[name] = copy;
        created.push(copy);
      }
      const out = cpuKernel({ inputs: cpuInputs, backend: cpu, attrs });
      const outs = (Array.isArray(out) ? out : [out]) as TensorInfo[];
      // An output may share its data with an input (Reshape, Identity); the cpu
      // kernel then raised its refCount, so one dispose per handle is right.
      created.push(...outs);
      const back = outs.map((o) => wasm.makeOutput(o.shape, o.dtype, undefined, values(cpu, o)));
      return Array.isArray(out) ? back : back[0];
    } finally {
      for (const info of created) release(cpu, info);
    }
  };
}

/** Names of the kernels registered for 'cpu' that 'wasm' lacks and the bridge could take. */
export function missingWasmKernels(): string[] {
  const onWasm = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  return tf
    .getKernelsForBackend('cpu')
    .map((k) => k.kernelName)
    .filter((name) => !onWasm.has(name) && !UNBRIDGEABLE.has(name))
    .sort();
}

/**
 * Registers a cpu-backed 'wasm' kernel for every kernel wasm lacks. Call after
 * the wasm backend package has registered its own kernels. Idempotent: returns
 * every kernel name bridged so far, sorted.
 */
export function bridgeMissingWasmKernels(): string[] {
  for (const kernelName of missingWasmKernels()) {
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: bridgeKernel(kernelName) });
    bridged.add(kernelName);
  }
  return [...bridged].sort();
}
