/**
 * webgpu in whole Node processes: the engine is bundled with esbuild (as the
 * CLI is) from fixtures/webgpu-process.ts and run as a child process. A process
 * that computed on webgpu exits with code 0 and no crash from Dawn; where Dawn
 * cannot run, 'auto' says precisely why.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWebGpu } from '../../helpers/backends.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
// Inside the project, so the bundle resolves node_modules (the `webgpu` package stays a real package).
const bundle = join(root, 'test-artifacts', 'webgpu-process', 'webgpu-process.mjs');

/** What a crashing Dawn or N-API teardown prints. */
const CRASH = /system_error|terminate called|FATAL ERROR|Aborted|Segmentation fault|core dumped|Promise not resolved/i;

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(script: string, mode: string, env: NodeJS.ProcessEnv = process.env): Run {
  const r = spawnSync(process.execPath, [script, mode], { encoding: 'utf8', timeout: 60_000, env });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The last stdout line as JSON, with the run in the message if there is none. */
function output<T>(r: Run): T {
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`no JSON line (status ${r.status}, signal ${r.signal}); stderr:\n${r.stderr}`);
  }
}

function expectCleanExit(r: Run): void {
  expect(r.stderr).not.toMatch(CRASH);
  expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
}

beforeAll(async () => {
  mkdirSync(dirname(bundle), { recursive: true });
  await build({
    entryPoints: [join(root, 'test/engine/backend/fixtures/webgpu-process.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // tfjs's ESM builds, as scripts/build-cli.mjs; `require` for the CommonJS parts. Not its
    // __dirname, which only wasm's glue reads: the probes look at webgpu's skip reason alone.
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" },
    logLevel: 'silent',
  });
});

await describeWebGpu('a process that used webgpu', (detail) => {
  for (const mode of ['natural', 'exit'] as const) {
    it(`exits with code 0 and no crash (${mode === 'natural' ? 'event loop drains' : 'process.exit(0)'})`, () => {
      const r = run(bundle, mode);
      expectCleanExit(r);
      const out = output<{ backend: string; detail: string; hSum: number; gSum: number }>(r);
      expect(out.backend).toBe('webgpu');
      expect(out.detail).toBe(detail);
      expect(Number.isFinite(out.hSum) && out.gSum > 0).toBe(true);
    });
  }

  // worker.terminate() while GPU reads are in flight can abort the whole process (napi_throw
  // in dawn.node): a worker must end itself, or close webgpu before it is terminated.
  it('a worker thread that calls process.exit(0) mid-loop ends cleanly (the exit hook closes webgpu)', () => {
    const r = run(bundle, 'worker-exit');
    expectCleanExit(r);
    expect(output<{ workerExit: number }>(r)).toEqual({ workerExit: 0 });
  });

  it('a worker thread that calls closeWebGpu() before it is terminated ends cleanly', () => {
    const r = run(bundle, 'worker-close');
    expectCleanExit(r);
    expect(output<{ workerExit: number }>(r)).toEqual({ workerExit: 1 });
  });
});

describe("'auto' says why webgpu was skipped", () => {
  const away = mkdtempSync(join(tmpdir(), 'attractor-no-webgpu-'));
  afterAll(() => rmSync(away, { recursive: true, force: true }));

  it('when the webgpu package is not installed', () => {
    // A copy outside the project resolves no node_modules: as if npm had dropped the optional package.
    const copy = join(away, 'webgpu-process.mjs');
    copyFileSync(bundle, copy);
    const out = output<{ skipped: { name: string; reason: string }[] }>(run(copy, 'probe'));
    expect(out.skipped.find((s) => s.name === 'webgpu')?.reason).toBe(
      'GPU unavailable: the optional package "webgpu" (Dawn for Node) is not installed',
    );
  });

  it.runIf(process.platform === 'linux')('when no Vulkan driver exists', () => {
    // The Vulkan loader reads its driver list from these (the older and the newer name).
    const none = join(away, 'no-driver.json');
    const r = run(bundle, 'probe', { ...process.env, VK_ICD_FILENAMES: none, VK_DRIVER_FILES: none });
    const out = output<{ skipped: { name: string; reason: string }[] }>(r);
    expect(out.skipped.find((s) => s.name === 'webgpu')?.reason).toBe(
      'GPU unavailable: no WebGPU adapter: Dawn found no Vulkan driver with a usable device',
    );
  });
});
