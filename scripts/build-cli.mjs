#!/usr/bin/env node
// Bundles the headless entries (CLI, benchmark, web host) into dist/ with esbuild.
//
// Why a bundle and not plain `node engine/cli/main.ts`: tfjs-core's
// `dist/register_all_gradients` (and chained ops) use extension-less ESM
// imports that Node's loader refuses; esbuild resolves them. Everything is
// bundled except the native tfjs-node packages, which must stay real
// node_modules (they load a .node binary next to their own files).
//
// An entry whose source does not exist yet is skipped with a note, so the
// build (and `npm ci`, which runs it as `prepare`) works while the engine is
// still being written. A build error exits non-zero.
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const entries = [
  { name: 'CLI', src: 'engine/cli/entry.ts', out: 'dist/attractor.mjs' },
  { name: 'benchmark', src: 'bench/main.ts', out: 'dist/bench.mjs' },
  { name: 'benchmark side', src: 'bench/side/main.ts', out: 'dist/bench-side.mjs' },
  { name: 'GPU check', src: 'bench/gpu-check/main.ts', out: 'dist/gpu-check.mjs' },
  { name: 'gradient worker', src: 'engine/parallel/worker.ts', out: 'dist/train-worker.mjs' },
  { name: 'engine server worker', src: 'engine/server/worker-main.ts', out: 'dist/engine-server.mjs' },
  { name: 'web host', src: 'app/web/main.ts', out: 'dist/web-server.mjs' },
  { name: 'graph check worker', src: 'app/services/check-worker.ts', out: 'dist/check-worker.mjs' },
];

// Bundled CommonJS (parts of tfjs, emscripten glue of the wasm backend) calls
// require('fs') and reads __dirname; an ESM bundle has neither, so define them.
const banner = [
  "import { createRequire as __cr } from 'module';",
  "import { fileURLToPath as __fu } from 'url';",
  "import { dirname as __dn } from 'path';",
  'const require = __cr(import.meta.url);',
  'const __filename = __fu(import.meta.url);',
  'const __dirname = __dn(__filename);',
].join(' ');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // Prefer each package's ESM build: tfjs ships a CJS node bundle as `main`
  // and ESM as `module`; mixing the two (the CJS core plus the ESM
  // register_all_gradients) would put two copies of tfjs-core in the bundle.
  mainFields: ['module', 'main'],
  banner: { js: banner },
  // ssh2 loads optional native crypto bindings when they built: it stays a real node_module.
  external: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', 'ssh2'],
  absWorkingDir: root,
  logLevel: 'warning',
  legalComments: 'none',
};

const started = performance.now();
let failed = false;
let built = 0;

for (const entry of entries) {
  if (!existsSync(join(root, entry.src))) {
    console.log(`build-cli: skipped the ${entry.name}: ${entry.src} does not exist yet`);
    continue;
  }
  try {
    const t0 = performance.now();
    await build({ ...common, entryPoints: [join(root, entry.src)], outfile: join(root, entry.out) });
    const ms = Math.round(performance.now() - t0);
    console.log(`build-cli: ${entry.src} -> ${relative(root, join(root, entry.out))} (${ms} ms)`);
    built++;
  } catch {
    // esbuild has already printed the errors with file and line.
    console.error(`build-cli: building the ${entry.name} (${entry.src}) failed`);
    failed = true;
  }
}

if (failed) process.exit(1);
if (built > 0) {
  console.log(`build-cli: done in ${Math.round(performance.now() - started)} ms`);
}
