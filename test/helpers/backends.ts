/**
 * Runs a block of numeric tests once per backend (like tfjs's
 * describeWithFlags), so a kernel that differs on wasm shows up as a failure
 * tagged with its backend.
 */
import { beforeAll, describe } from 'vitest';
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
