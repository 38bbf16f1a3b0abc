#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run, else the web mode.
//
// Electron runs only when its binary has been downloaded, a display exists and
// the desktop app has been built (package.json "main"). Otherwise this says
// why Electron was not launched and starts the web host (dist/web-server.mjs, the
// same as `npm run serve`), which serves the UI to a browser and prints its URL.
//
// Environment (read by the web host): PORT (default 5173; a free port if
// taken), HOST (default 127.0.0.1; set 0.0.0.0 to reach a display-less GPU
// box from another machine), ATTRACTOR_DATA_DIR; ATTRACTOR_WEB=1 skips
// Electron. `npm start -- --workspace DIR` picks the folder of graphs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWebHost } from './serve.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * Where the electron package keeps its binary: `path.txt` names it inside
 * `dist/`. Electron 45 fetches the binary the first time something asks for
 * it (`require('electron')` would start that download and print a stack trace
 * when offline), so look at the files instead and download deliberately.
 */
function electronBinary(pkgDir) {
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/** One quiet download attempt; returns why it failed, or undefined. */
function downloadElectron(pkgDir) {
  console.log('start: the Electron binary is not here yet; downloading it once (needs internet)...');
  const run = spawnSync(process.execPath, [join(pkgDir, 'install.js')], { cwd: pkgDir, encoding: 'utf8', timeout: 180_000 });
  if (run.status === 0) return undefined;
  const text = `${run.stderr ?? ''}\n${run.stdout ?? ''}`;
  const line = text.split('\n').map((l) => l.trim()).find((l) => /error|fail/i.test(l));
  return line ?? (run.error?.message || `exit code ${run.status}`);
}

/** @returns {{ binary: string, main: string } | { reason: string }} */
function findElectron() {
  if (process.env.ATTRACTOR_WEB === '1') return { reason: 'ATTRACTOR_WEB=1 asks for the web mode' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'No display for Electron (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'Electron is not installed (no `electron` package in node_modules)' };
  }
  const main = typeof pkg.main === 'string' ? resolve(root, pkg.main) : undefined;
  if (!main || !existsSync(main)) {
    return { reason: 'The desktop app is not built yet (run `npm run build`)' };
  }
  let binary = electronBinary(pkgDir);
  if (!binary) {
    const failed = downloadElectron(pkgDir);
    binary = electronBinary(pkgDir);
    if (!binary) return { reason: `The Electron binary is not available and could not be downloaded (${failed ?? 'no binary after the download'})` };
  }
  return { binary, main };
}

function launchElectron(binary) {
  const child = spawn(binary, [root], { stdio: 'inherit', cwd: root });
  const forward = (signal) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(signal ? 0 : (code ?? 0)));
}

const electron = findElectron();
if ('binary' in electron) {
  console.log(`start: launching Electron (${electron.binary})`);
  launchElectron(electron.binary);
} else {
  console.log(`start: ${electron.reason}; starting the web mode instead (open the URL below in a browser).`);
  await runWebHost();
}
