import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // tfjs backends are process-global: one test file per worker process.
    pool: 'forks',
    testTimeout: 60_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line at the end.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest.json' },
    hookTimeout: 60_000,
  },
});
