/**
 * Dawn (Chromium's WebGPU) in the engine's Node process, through the optional
 * npm package `webgpu` (its dawn.node binaries ship inside the package).
 *
 * `probeDawn` asks a short-lived child process which adapter Dawn would give:
 * 'auto' uses it, so that merely considering webgpu never loads a GPU driver
 * into the engine's process (a faulty driver cannot crash it, and lavapipe's
 * native warnings on stderr stay in the child). `openDawn` loads the binding
 * here, installs the globals tfjs-backend-webgpu expects (GPUBufferUsage & co.,
 * `navigator.gpu`), requests an adapter and a device; `close` undoes it: the
 * device is destroyed and `navigator.gpu` dropped (see STACK.md: Dawn may
 * crash at exit otherwise). Every failure is an Error whose message says which
 * step failed and why, for the backend's skip reason.
 */
/// <reference types="@webgpu/types" />
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { summariseAdapter, type AdapterFacts, type AdapterSummary } from './adapter.js';

const PACKAGE = 'webgpu';

/**
 * GPUAdapter as Dawn has it. The GPU types come from @webgpu/types 0.1.38 (tfjs-core's
 * pin), from before `info` replaced `requestAdapterInfo()`; Dawn has `info`.
 */
type DawnAdapter = GPUAdapter & { readonly info?: GPUAdapterInfo };

/** The `webgpu` package's exports (its own types.d.ts types `globals` as Object). */
interface DawnBinding {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

export interface Dawn {
  adapter: AdapterSummary;
  /** GPUAdapterInfo as Dawn gave it, for tfjs-backend-webgpu (it tunes kernels by vendor). */
  adapterInfo: GPUAdapterInfo;
  device: GPUDevice;
  /**
   * The first error the device reported since the last call (a pipeline or a command it
   * refused), if any. Dawn reports them asynchronously and carries on: the results of the
   * refused work are zeros, so a caller that reads results must ask.
   */
  takeFailure(): string | undefined;
  /** Destroys the device and removes `navigator.gpu`. Idempotent. */
  close(): void;
}

/**
 * The native API per platform. Asked for explicitly so the name the engine
 * shows is the one Dawn uses, not a guess.
 */
const NATIVE_API: Partial<Record<NodeJS.Platform, { option: string; name: string }>> = {
  linux: { option: 'vulkan', name: 'Vulkan' },
  darwin: { option: 'metal', name: 'Metal' },
  win32: { option: 'd3d12', name: 'D3D12' },
};

const nodeRequire = createRequire(import.meta.url);

/** The package's index.js as a file URL: imported by URL, bundlers leave it alone (it finds dawn.node next to itself). */
function bindingUrl(): string {
  try {
    return pathToFileURL(nodeRequire.resolve(PACKAGE)).href;
  } catch {
    throw new Error(`the optional package "${PACKAGE}" (Dawn for Node) is not installed`);
  }
}

function loadFailure(cause: string): Error {
  return new Error(`the package "${PACKAGE}" failed to load (${process.platform}-${process.arch}): ${cause}`);
}

async function loadBinding(): Promise<DawnBinding> {
  const url = bindingUrl();
  let mod: Partial<DawnBinding>;
  try {
    mod = (await import(url)) as Partial<DawnBinding>;
  } catch (err) {
    throw loadFailure(firstLine(err));
  }
  if (typeof mod.create !== 'function' || typeof mod.globals !== 'object' || mod.globals === null) {
    throw new Error(`the package "${PACKAGE}" does not export create() and globals`);
  }
  return mod as DawnBinding;
}

/** Dawn's constructors and constants (GPUBufferUsage, GPUMapMode, ...), where the host has none of its own. */
function installGlobals(globals: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in globalThis)) {
      Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
    }
  }
}

/**
 * Puts `gpu` at navigator.gpu and returns how to take it away again. Node 20
 * has no navigator; Node 21+ (and Electron) have one without `gpu`, which we
 * extend rather than replace.
 */
function installNavigatorGpu(gpu: GPU): () => void {
  const host = globalThis as { navigator?: object };
  if (host.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    return () => {
      delete host.navigator;
    };
  }
  const navigator = host.navigator;
  const previous = Object.getOwnPropertyDescriptor(navigator, 'gpu');
  Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  return () => {
    if (previous) Object.defineProperty(navigator, 'gpu', previous);
    else delete (navigator as { gpu?: GPU }).gpu;
  };
}

function factsOf(info: GPUAdapterInfo): AdapterFacts {
  const fallback = (info as { isFallbackAdapter?: unknown }).isFallbackAdapter;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    ...(typeof fallback === 'boolean' ? { isFallbackAdapter: fallback } : {}),
  };
}

/** The limits tfjs-backend-webgpu asks for when it creates its own device: the adapter's maxima. */
function deviceDescriptor(adapter: GPUAdapter): GPUDeviceDescriptor {
  const l = adapter.limits;
  return {
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      // tfjs binds one storage buffer per input of a kernel; the default of 8 is too few for wide kernels (AddN).
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  };
}

function noAdapter(api: { name: string } | undefined): Error {
  const driver = api ? `no ${api.name} driver with a usable device` : 'no usable GPU driver';
  return new Error(`no WebGPU adapter: Dawn found ${driver}`);
}

/**
 * Run by probeDawn as `node --input-type=module -e PROBE -- <binding url> <backend option>`:
 * prints the adapter's facts as JSON ({ facts: null } when there is none, { stage, error }
 * when loading the binding or asking for an adapter threw). Plain JavaScript, as it runs
 * unbundled; a raw string, so its '\n' reaches the child as written.
 */
const PROBE = String.raw`
const [url, option] = process.argv.slice(1);
const done = (result) => process.stdout.write(JSON.stringify(result), () => process.exit(0));
let stage = 'load';
try {
  const { create } = await import(url);
  stage = 'adapter';
  const adapter = await create(option ? ['backend=' + option] : []).requestAdapter({ powerPreference: 'high-performance' });
  const info = adapter && (adapter.info ?? (await adapter.requestAdapterInfo()));
  done({ facts: info ? {
    vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '',
    description: info.description ?? '', isFallbackAdapter: info.isFallbackAdapter,
  } : null });
} catch (err) {
  done({ stage, error: String((err && err.message) || err).split('\n')[0] });
}
`;

type ProbeResult = { facts: AdapterFacts | null } | { stage: 'load' | 'adapter'; error: string };

/** The adapter Dawn would give this process, found by a child process; throws the reason when there is none. */
export async function probeDawn(): Promise<AdapterSummary> {
  const url = bindingUrl();
  const api = NATIVE_API[process.platform];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', PROBE, '--', url, api?.option ?? ''],
      // ELECTRON_RUN_AS_NODE: in Electron's utility process execPath is Electron itself.
      { env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? tmpdir(), ELECTRON_RUN_AS_NODE: '1' }, timeout: 30_000 },
      (err, out) => {
        if (err) {
          const how = err.killed ? `was stopped after 30 s` : err.signal ? `died of ${err.signal}` : `failed (exit code ${String(err.code)})`;
          reject(new Error(`looking for a WebGPU adapter, Dawn ${how}: a GPU driver problem`));
        } else resolve(out);
      },
    );
  });
  let result: ProbeResult;
  try {
    result = JSON.parse(stdout) as ProbeResult;
  } catch {
    throw new Error(`looking for a WebGPU adapter, Dawn printed no answer: ${stdout.slice(0, 100)}`);
  }
  if ('error' in result) {
    throw result.stage === 'load' ? loadFailure(result.error) : new Error(`Dawn could not look for an adapter: ${result.error}`);
  }
  if (result.facts === null) throw noAdapter(api);
  return summariseAdapter(result.facts, api?.name ?? 'Dawn');
}

export interface OpenOptions {
  /**
   * Called with the adapter before a device is created; throwing here (e.g. "a
   * software adapter is not chosen automatically") closes Dawn again.
   */
  accept?: (adapter: AdapterSummary) => void;
}

export async function openDawn(options: OpenOptions = {}): Promise<Dawn> {
  const binding = await loadBinding();
  // Without it Dawn's Vulkan loader complains on stderr about a missing runtime dir.
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  installGlobals(binding.globals);
  const api = NATIVE_API[process.platform];
  let gpu: GPU;
  try {
    gpu = binding.create(api ? [`backend=${api.option}`] : []);
  } catch (err) {
    throw new Error(`Dawn could not start: ${firstLine(err)}`);
  }
  const removeNavigatorGpu = installNavigatorGpu(gpu);
  let device: GPUDevice | undefined;
  const close = () => {
    device?.destroy();
    device = undefined;
    removeNavigatorGpu();
  };
  try {
    const adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) as DawnAdapter | null;
    if (adapter === null) throw noAdapter(api);
    const info = adapter.info ?? (await adapter.requestAdapterInfo());
    const summary = summariseAdapter(factsOf(info), api?.name ?? 'Dawn');
    options.accept?.(summary);
    try {
      device = await adapter.requestDevice(deviceDescriptor(adapter));
    } catch (err) {
      throw new Error(`the adapter (${summary.name}) refused a device: ${firstLine(err)}`);
    }
    let failure: string | undefined;
    device.onuncapturederror = (ev) => {
      failure ??= firstLine(ev.error.message);
    };
    const takeFailure = () => {
      const f = failure;
      failure = undefined;
      return f;
    };
    return { adapter: summary, adapterInfo: info, device, takeFailure, close };
  } catch (err) {
    close();
    throw err;
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}
