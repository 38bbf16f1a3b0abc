#!/usr/bin/env node
// The `attractor` command: runs the esbuild bundle of engine/cli/main.ts.
// The bundle (not the .ts sources) is what runs, because tfjs-core's gradient
// registrations use import paths that Node's own ESM loader cannot resolve.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/attractor.mjs', import.meta.url);

if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write('attractor: the CLI is not built; run `npm run build`\n');
  process.exit(2);
}

// Stack traces point at engine/*.ts lines, through the bundle's source map.
process.setSourceMapsEnabled(true);
await import(bundle.href);
