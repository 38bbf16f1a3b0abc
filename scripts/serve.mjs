#!/usr/bin/env node
// `npm run serve`: Attractor Studio in a browser (the web mode), whether or not
// Electron could run here. Builds nothing: it runs the bundled host
// (dist/web-server.mjs, from `npm run build`), which serves the built UI
// (out/renderer) and prints its URL. Arguments and environment are the host's:
// `npm run serve -- --help`.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const hostBundle = join(root, 'dist', 'web-server.mjs');

/** Runs the web host in this process (it reads process.argv and the environment itself). */
export async function runWebHost() {
  if (!existsSync(hostBundle)) {
    console.error('serve: the web host is not built (dist/web-server.mjs is missing): run `npm run build` first.');
    process.exit(1);
  }
  await import(pathToFileURL(hostBundle).href);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await runWebHost();
}
