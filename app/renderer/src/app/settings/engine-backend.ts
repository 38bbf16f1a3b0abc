/**
 * The engine backend chosen in Settings: kept in localStorage (per browser profile / per
 * desktop install) and sent with `engine.configure` when the app starts and whenever it
 * changes. Only a stored choice is sent at start: without one the host keeps its own
 * default (ATTRACTOR_BACKEND, else auto).
 *
 * The engine always runs in a Node process (the desktop app's utility process, the web
 * host's worker thread), not in a renderer Web Worker on WebGPU/WebGL: datasets,
 * checkpoints and tfjs-node-gpu live on the file-system side.
 */
import { ENGINE_BACKENDS, type AttractorApi, type EngineBackend } from '../../../../shared/api.js';
import type { BackendSummary } from '../../../../../engine/protocol/run.js';

export const BACKEND_KEY = 'attractor.engine.backend';

export const BACKEND_LABELS: Record<EngineBackend, string> = {
  auto: 'Automatic (GPU if available, else WebAssembly, else CPU)',
  tensorflow: 'TensorFlow native (tfjs-node-gpu, CUDA)',
  webgpu: 'WebGPU (Dawn: Vulkan, Metal or D3D12)',
  wasm: 'WebAssembly (SIMD)',
  cpu: 'Plain JavaScript CPU',
};

export function storedBackend(): EngineBackend | null {
  try {
    const v = localStorage.getItem(BACKEND_KEY);
    return (ENGINE_BACKENDS as readonly string[]).includes(v ?? '') ? (v as EngineBackend) : null;
  } catch {
    return null;
  }
}

export function storeBackend(backend: EngineBackend): void {
  try {
    localStorage.setItem(BACKEND_KEY, backend);
  } catch {
    // Storage refused (private mode): the choice holds for this session only.
  }
}

/** At start: tell the host the stored choice, if any. Quiet on failure (a host without an engine). */
export async function sendStoredBackend(api: AttractorApi): Promise<void> {
  const backend = storedBackend();
  if (!backend) return;
  try {
    await api.call('engine.configure', { backend });
  } catch {
    // The status bar shows what the engine reports; the Settings dialog shows errors when the user acts.
  }
}

/** The status bar's tooltip: the CLI's line, and why a backend was skipped (e.g. "GPU unavailable: …"). */
export function backendTooltip(backend: BackendSummary): string {
  const lines = [backend.description];
  // The tensorflow reason reads "GPU unavailable: …" (engine/backend/select.ts).
  for (const s of backend.skipped) lines.push(`skipped ${s.name}: ${s.reason}`);
  lines.push('Click to choose the backend');
  return lines.join('\n');
}
