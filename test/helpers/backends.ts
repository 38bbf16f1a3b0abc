/**
 * Runs a block of numeric tests once per backend (like tfjs's
 * describeWithFlags), so a kernel that differs on wasm shows up as a failure
 * tagged with its backend.
 */
import { beforeAll, describe, it } from 'vitest';
import { tf } from '../../engine/tf.js';
import { startBackend, type BackendName } from '../../engine/backend/select.js';

/** The backends every numeric test runs on here (tensorflow needs CUDA, absent on CI). */
export const TEST_BACKENDS: BackendName[] = ['wasm', 'cpu'];

export function describeEachBackend(title: string, body: (backend: BackendName) => void): void {
  for (const backend of TEST_BACKENDS) {
    describe(`${title} [${backend}]`, () => {
      // Blocks run one after another in a file, and the active backend is
      // process-global: each block switches to its own before its tests.
      beforeAll(async () => {
        await startBackend(backend);
        await tf.setBackend(backend);
      });
      body(backend);
    });
  }
}

/** Whether webgpu starts here (any adapter, software included), and if not why. */
export type WebGpuAvailability = { available: true; detail: string } | { available: false; reason: string };

let webGpu: Promise<WebGpuAvailability> | undefined;

/**
 * Starts webgpu once per test process and says whether it runs. The backend
 * stays registered (Dawn is opened once per process); the caller's active
 * backend is restored.
 */
export function webGpuAvailability(): Promise<WebGpuAvailability> {
  webGpu ??= (async () => {
    const active = tf.getBackend();
    try {
      const info = await startBackend('webgpu');
      return { available: true as const, detail: info.detail };
    } catch (err) {
      return { available: false as const, reason: err instanceof Error ? err.message : String(err) };
    } finally {
      if (active) await tf.setBackend(active);
    }
  })();
  return webGpu;
}

/**
 * A block of webgpu tests. Where no adapter exists: on CI (process.env.CI set)
 * that is a failure, because .ci/run installs Mesa's lavapipe for exactly these
 * tests; elsewhere (a developer machine without Vulkan) the block is skipped,
 * its title giving the reason.
 */
export async function describeWebGpu(title: string, body: (detail: string) => void): Promise<void> {
  const availability = await webGpuAvailability();
  if (availability.available) {
    describe(`${title} [${availability.detail}]`, () => {
      beforeAll(async () => {
        await startBackend('webgpu');
      });
      body(availability.detail);
    });
    return;
  }
  if (process.env.CI) {
    describe(title, () => {
      it('has a WebGPU adapter (CI installs Mesa lavapipe)', () => {
        throw new Error(
          `webgpu cannot start on CI: ${availability.reason}. .ci/run installs Mesa's lavapipe ` +
            '(mesa-vulkan-drivers from bookworm-backports) for these tests: check that step.',
        );
      });
    });
    return;
  }
  describe.skip(`${title} [webgpu skipped: ${availability.reason}]`, () => body(''));
}
