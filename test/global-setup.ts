/**
 * Vitest global setup of the tiers that run built code (integration, slow, browser):
 * builds what those tests run, once per test run, before any test starts.
 *
 * Tests never build: the CLI tests run dist/attractor.mjs, parallel training loads
 * dist/train-worker.mjs, the engine worker tests and the web host load
 * dist/engine-server.mjs, the browser tests serve out/renderer. Vitest runs test files
 * in parallel processes, so a test that rebuilt a bundle would rewrite it under another
 * test that is loading it. Here, in the main process and before the pool starts, a
 * target is rebuilt only when an output is missing or older than any of its inputs
 * (`npm test` right after `npm ci` builds nothing; after an edit to engine/ it rebuilds
 * the bundles once). The unit tier has no global setup: it needs no build.
 *
 * Vitest initialises the projects' global setups one after another, so when several
 * tiers run, the first builds and the others find the outputs fresh.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

const ROOT = resolve(import.meta.dirname, '..');

interface Target {
  /** What a person reads in the "building …" line. */
  readonly what: string;
  /** The package.json script that builds it. */
  readonly script: string;
  /** Files the tests load; the oldest of them is compared with the inputs. */
  readonly outputs: readonly string[];
  /** Files and folders (scanned recursively, folders' own times included) it is built from. */
  readonly inputs: readonly string[];
}

/** Shared by both targets: the lockfile (a changed dependency) and the TypeScript options. */
const TOOLING = ['package.json', 'package-lock.json', 'tsconfig.json'];

const BUNDLES: Target = {
  what: 'the CLI, worker and host bundles (dist/)',
  script: 'build:bundles',
  outputs: ['dist/attractor.mjs', 'dist/train-worker.mjs', 'dist/engine-server.mjs', 'dist/check-worker.mjs', 'dist/bench.mjs', 'dist/bench-side.mjs', 'dist/gpu-check.mjs'],
  inputs: ['engine', 'nodes', 'app', 'bench', 'scripts/build-cli.mjs', ...TOOLING],
};

const RENDERER: Target = {
  what: 'the app (out/)',
  script: 'build:app',
  outputs: ['out/renderer/index.html'],
  inputs: ['app', 'nodes', 'engine', 'electron.vite.config.ts', ...TOOLING],
};

/** What each tier's tests load. A tier missing here builds everything (safe default). */
const NEEDS: Record<string, readonly Target[]> = {
  integration: [BUNDLES],
  slow: [BUNDLES],
  browser: [BUNDLES, RENDERER],
};

interface Newest {
  readonly path: string;
  readonly mtimeMs: number;
}

/**
 * The most recently modified file or folder under `path`. Folders count themselves too:
 * deleting or renaming a source changes only its folder's time.
 */
function newest(path: string): Newest | undefined {
  let info;
  try {
    info = statSync(path);
  } catch {
    return undefined;
  }
  let best: Newest = { path, mtimeMs: info.mtimeMs };
  if (info.isDirectory()) {
    for (const entry of readdirSync(path)) {
      const found = newest(join(path, entry));
      if (found && found.mtimeMs > best.mtimeMs) best = found;
    }
  }
  return best;
}

/** Why the target must be built, or undefined when its outputs are newer than every input. */
export function staleReason(target: Target, root = ROOT): string | undefined {
  let oldest = Infinity;
  for (const out of target.outputs) {
    const t = newest(join(root, out))?.mtimeMs;
    if (t === undefined) return `${out} is missing`;
    oldest = Math.min(oldest, t);
  }
  for (const input of target.inputs) {
    const found = newest(join(root, input));
    if (found && found.mtimeMs > oldest) return `${relative(root, found.path)} changed after the last build`;
  }
  return undefined;
}

function build(target: Target): void {
  const reason = staleReason(target);
  if (!reason) return;
  const started = Date.now();
  console.log(`global setup: building ${target.what} with \`npm run ${target.script}\` (${reason})`);
  // stdout stays quiet (the build lists every file); errors pass through.
  const run = spawnSync('npm', ['run', '--silent', target.script], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`global setup: \`npm run ${target.script}\` failed (exit ${run.status ?? run.signal}):\n${run.stdout}`);
  console.log(`global setup: built ${target.what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export default function setup(project: TestProject): void {
  for (const target of NEEDS[project.name] ?? [BUNDLES, RENDERER]) build(target);
}
