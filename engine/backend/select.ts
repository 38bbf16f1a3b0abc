/**
 * Chooses and starts the tfjs backend the engine computes on.
 *
 * Order for 'auto': tensorflow (tfjs-node-gpu, CUDA) where it loads, else
 * webgpu on a hardware adapter, else wasm, else cpu. A software WebGPU adapter
 * (lavapipe, SwiftShader) is slower than wasm, so 'auto' skips it; asked for by
 * name it runs. A backend that cannot start is never skipped silently: its
 * reason goes into `skipped`, which the CLI and the UI show. An explicitly
 * requested backend that cannot start is an error, not a fallback.
 */
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { tf } from '../tf.js';
import { bridgeMissingWasmKernels, cpuBackend } from './cpu-bridge.js';
import { prepareWebGpu } from './webgpu.js';

export type BackendName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

/** In 'auto' preference order. */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendInfo {
  name: BackendName;
  /** e.g. "wasm (SIMD, 1 thread)", "webgpu (Vulkan, mesa llvmpipe, software)" or "tensorflow (CUDA, tfjs-node-gpu 4.22.0)" */
  detail: string;
  /** Backends tried before this one, each with a one-line reason. */
  skipped: { name: BackendName; reason: string }[];
}

// Resolved from this file (or, once bundled, from dist/attractor.mjs); both sit
// above the project's node_modules, and esbuild leaves this require alone.
const nodeRequire = createRequire(import.meta.url);

export function parseBackendName(s: string): BackendName | 'auto' {
  const name = s.trim().toLowerCase();
  if (name === 'auto' || (BACKEND_NAMES as readonly string[]).includes(name)) {
    return name as BackendName | 'auto';
  }
  throw new Error(`unknown backend "${s}": expected one of auto, ${BACKEND_NAMES.join(', ')}`);
}

/** Starts one backend (auto order) or exactly the one asked for. */
export async function startBackend(prefer: BackendName | 'auto' = 'auto'): Promise<BackendInfo> {
  if (prefer !== 'auto') {
    try {
      return { name: prefer, detail: await STARTERS[prefer]('named'), skipped: [] };
    } catch (err) {
      throw new Error(`backend "${prefer}" unavailable: ${reasonOf(err)}`);
    }
  }
  const skipped: BackendInfo['skipped'] = [];
  for (const name of BACKEND_NAMES) {
    try {
      return { name, detail: await STARTERS[name]('auto'), skipped };
    } catch (err) {
      skipped.push({ name, reason: reasonOf(err) });
    }
  }
  throw new Error(`no backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/** One line for the CLI, e.g. "backend: wasm (SIMD, 1 thread; skipped tensorflow: GPU unavailable: ...)". */
export function describeBackend(info: BackendInfo): string {
  if (info.skipped.length === 0) return `backend: ${info.detail}`;
  const skipped = info.skipped.map((s) => `skipped ${s.name}: ${s.reason}`).join('; ');
  return info.detail.endsWith(')')
    ? `backend: ${info.detail.slice(0, -1)}; ${skipped})`
    : `backend: ${info.detail} (${skipped})`;
}

/** 'auto' when trying backends in order, 'named' when the user asked for this one. */
type Request = 'auto' | 'named';

const STARTERS: Record<BackendName, (request: Request) => Promise<string>> = {
  tensorflow: startTensorflow,
  webgpu: startWebGpu,
  wasm: startWasm,
  cpu: startCpu,
};

async function startTensorflow(): Promise<string> {
  const pkg = '@tensorflow/tfjs-node-gpu';
  try {
    nodeRequire.resolve(pkg);
  } catch {
    throw new Error(`GPU unavailable: ${pkg} is not installed`);
  }
  // TensorFlow otherwise reserves all GPU memory up front.
  process.env.TF_FORCE_GPU_ALLOW_GROWTH ??= 'true';
  try {
    // Loading it loads the CUDA libraries; a CUDA/cuDNN mismatch throws here.
    nodeRequire(pkg);
  } catch (err) {
    throw new Error(`GPU unavailable: ${pkg} failed to load: ${reasonOf(err)}`);
  }
  try {
    await activate('tensorflow');
  } catch (err) {
    throw new Error(`GPU unavailable: ${reasonOf(err)}`);
  }
  const version = (nodeRequire(`${pkg}/package.json`) as { version: string }).version;
  return `tensorflow (CUDA, tfjs-node-gpu ${version})`;
}

async function startWebGpu(request: Request): Promise<string> {
  const detail = await prepareWebGpu(request);
  await activate('webgpu');
  return detail;
}

let wasmPathsSet = false;

async function startWasm(): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!wasmPathsSet) {
    // Node reads the .wasm binaries from disk; point it at the package's dist/.
    const pkgJson = nodeRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json');
    wasm.setWasmPaths(join(dirname(pkgJson), 'dist') + sep);
    wasmPathsSet = true;
  }
  bridgeMissingWasmKernels();
  await activate('wasm');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = wasm.getThreadsCount();
  return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`;
}

async function startCpu(): Promise<string> {
  cpuBackend();
  await activate('cpu');
  return 'cpu (JavaScript)';
}

async function activate(name: BackendName): Promise<void> {
  // setBackend reports a failed initialisation only by returning false; the
  // cause goes to console.warn. Catch those warnings so the cause becomes the
  // one-line reason instead of a stack trace printed before a fallback.
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
  };
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } finally {
    console.warn = warn;
  }
  if (!ok) {
    const cause = warnings.find((w) => !w.startsWith('Initialization of backend'));
    throw new Error(`the ${name} backend failed to initialise${cause ? `: ${reasonOf(new Error(cause))}` : ''}`);
  }
  for (const w of warnings) console.warn(w);
  await tf.ready();
}

function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line.trim();
}
