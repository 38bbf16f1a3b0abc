import { configDefaults, defineConfig } from 'vitest/config';

/*
 * Test tiers, one Vitest project each (`vitest run --project unit`, or `npm run test:unit`):
 *
 *   unit         pure logic: no tensors, no child processes or worker threads, no
 *                servers, no browser. Every file not claimed below lands here, so a
 *                new test file always runs somewhere; keep this tier in seconds.
 *   integration  the real engine on real tensors, the CLI as a process, the engine
 *                worker, the web host.
 *   slow         long trainings and the full MNIST checks (many seconds a file).
 *                New ones: name them `*.slow.test.ts`.
 *   browser      the app end to end in Chromium (test/e2e).
 *
 * Each pattern list excludes the ones after it in this order — browser, slow,
 * integration, unit — so every file is in exactly one tier. `npm test` runs the tiers
 * one after another in the order of TIERS (fast feedback first).
 */
const BROWSER = ['test/e2e/**/*.test.ts'];

const SLOW = [
  'test/**/*.slow.test.ts',
  // ~20 s of training to a held-out accuracy.
  'test/engine/train/associative-recall.test.ts',
  // Reads all 10,000 digits several ways and converts the cache in a child process.
  'test/engine/data/mnist.test.ts',
  // Every example on cpu, wasm and webgpu (lavapipe is ~10× slower than wasm): ~40 s.
  'test/engine/conformance/**/*.test.ts',
  // 40 tfjs kernels on webgpu against cpu, conv gradients at the engine's shapes: ~45 s.
  'test/engine/backend/webgpu-kernels.test.ts',
  // Two MNIST-sized gradient checks in float32: ~15 s.
  'test/engine/train/gradcheck-float32.test.ts',
];

const INTEGRATION = [
  // Tensors on the wasm and cpu backends.
  'test/engine/runtime/**/*.test.ts',
  'test/engine/train/**/*.test.ts',
  // The run driver on real graphs.
  'test/engine/run/**/*.test.ts',
  // Stability, capacity and retrieval measured on settled nets.
  'test/engine/analysis/**/*.test.ts',
  'test/engine/backend/**/*.test.ts',
  'test/engine/catalog.test.ts',
  // The run-protocol server in-process and on its worker thread.
  'test/engine/server/**/*.test.ts',
  // The CLI in-process on tensors and as bin/attractor.mjs.
  'test/engine/cli/**/*.test.ts',
  // Run records, sweeps: the CLI as processes, a local Slurm, a local sshd.
  'test/engine/experiments/**/*.test.ts',
  // The web host: HTTP and WebSocket servers, its engine worker.
  'test/app/web/**/*.test.ts',
  // Child processes: a write under `ulimit -f`, a stand-in python.
  'test/engine/format/save.test.ts',
  'test/bench/reference.test.ts',
];

const ALL = ['test/**/*.test.ts'];

/** Tiers in the order the durations table lists them. */
export const TIERS = ['unit', 'integration', 'slow', 'browser'] as const;

/** Builds what the tests of the tier run (dist/ bundles, out/renderer) when stale; unit needs none. */
const BUILD_FIRST = ['test/global-setup.ts'];

export default defineConfig({
  test: {
    // tfjs backends are process-global: one test file per worker process.
    pool: 'forks',
    // Runs write run folders beside their graph (engine/experiments/records.ts): not beside
    // the repository's examples. Tests of the records turn them on for what they run.
    env: { ATTRACTOR_RUNS: 'off' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line at the end;
    // the durations reporter writes per-file and per-tier times next to it.
    reporters: ['default', 'json', ['./test/helpers/durations-reporter.ts', { tiers: TIERS }]],
    outputFile: { json: 'test-artifacts/vitest.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ALL,
          exclude: [...configDefaults.exclude, ...BROWSER, ...SLOW, ...INTEGRATION],
          // Pure logic touches no process-global state, so files share a worker's module
          // cache (zod, the catalog, the compiler load once, not once a file) and run on
          // both cores: ~3× faster. Vitest still restores mocks after each file.
          isolate: false,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          exclude: [...configDefaults.exclude, ...BROWSER, ...SLOW],
          globalSetup: BUILD_FIRST,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: { name: 'slow', include: SLOW, exclude: [...configDefaults.exclude, ...BROWSER], globalSetup: BUILD_FIRST, sequence: { groupOrder: 2 } },
      },
      {
        extends: true,
        test: { name: 'browser', include: BROWSER, exclude: [...configDefaults.exclude], globalSetup: BUILD_FIRST, sequence: { groupOrder: 3 } },
      },
    ],
  },
});
