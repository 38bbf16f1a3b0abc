#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run, else the web mode.
//
// Electron runs only when its binary has been downloaded, a display exists and
// the desktop app has been built (package.json "main"). Otherwise this serves
// the UI over http on localhost and says why Electron was not launched. Until
// the editor lands (app/README.md) the web UI is a single page that says what
// Attractor Studio is and lists the CLI's commands.
//
// Environment: PORT (default 5173; a free port if taken), HOST (default
// 127.0.0.1; set 0.0.0.0 to reach a display-less GPU box from another
// machine), ATTRACTOR_WEB=1 to skip Electron.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** @returns {{ binary: string, main: string } | { reason: string }} */
function findElectron() {
  if (process.env.ATTRACTOR_WEB === '1') return { reason: 'ATTRACTOR_WEB=1 asks for the web mode' };
  try {
    require.resolve('electron');
  } catch {
    return { reason: 'Electron is not installed (no `electron` package in node_modules)' };
  }
  let binary;
  try {
    // The electron package exports the path of its binary; it throws or
    // points at a missing file when the binary was never downloaded.
    binary = require('electron');
  } catch {
    binary = undefined;
  }
  if (typeof binary !== 'string' || !existsSync(binary)) {
    return { reason: 'Electron binary not available (no display build downloaded)' };
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'No display for Electron (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  const main = typeof pkg.main === 'string' ? resolve(root, pkg.main) : undefined;
  if (!main || !existsSync(main)) {
    return { reason: 'The desktop app is not built yet (package.json "main" is missing or not built)' };
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

// ---- web mode ------------------------------------------------------------

const escapeHtml = (s) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/**
 * The CLI's own --help, so the page never lists commands that do not exist.
 * Cached until the bundle changes (a rebuild shows up on reload).
 */
let helpCache = { stamp: NaN, help: { ok: false, text: '' } };
function cliHelp() {
  const bundle = join(root, 'dist', 'attractor.mjs');
  const stamp = existsSync(bundle) ? statSync(bundle).mtimeMs : -1;
  if (stamp !== helpCache.stamp) helpCache = { stamp, help: runHelp(stamp >= 0) };
  return helpCache.help;
}

function runHelp(built) {
  if (!built) {
    return { ok: false, text: 'The CLI is not built yet: run `npm run build`, then reload this page.' };
  }
  const run = spawnSync(process.execPath, [join(root, 'bin', 'attractor.mjs'), '--help'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 20_000,
  });
  const text = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
  if (run.error || !text) {
    return { ok: false, text: `\`attractor --help\` did not answer (${run.error?.message ?? `exit code ${run.status}`}).` };
  }
  return { ok: true, text };
}

function page(reason) {
  const help = cliHelp();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Attractor Studio</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; color: #1d2330; }
  h1 { margin-bottom: 0.25rem; }
  .note { color: #5a6275; }
  pre, code { font: 14px/1.45 ui-monospace, monospace; background: #f2f4f8; border-radius: 4px; }
  pre { padding: 0.75rem 1rem; overflow-x: auto; }
  code { padding: 0 0.2rem; }
</style>
</head>
<body>
<h1>Attractor Studio</h1>
<p class="note">Design, settle and train attractor networks as node graphs.</p>
<p>Wire layers, symmetric couplings (dense and convolutional), clamps, data and
attention blocks as nodes of a graph. The engine compiles the graph into an
update schedule, tells you which convergence guarantee it has, settles it,
trains it and shows what happens inside. Graphs are files
(<code>*.attractor.json</code>): saved, shared, reopened and run headless.</p>
<p>The graph editor is not here yet; it comes with the editor issue. Until then
the engine runs from the command line.</p>
<h2>Command line</h2>
<p>Run <code>npx attractor &lt;command&gt;</code> inside the project
(or <code>node bin/attractor.mjs</code>), and <code>npm run bench</code> for the benchmark.
${help.ok ? 'Its commands, from <code>attractor --help</code>:' : ''}</p>
<pre>${escapeHtml(help.text)}</pre>
<h2>Why this page and not the desktop app</h2>
<p>${escapeHtml(reason)}.</p>
</body>
</html>
`;
}

function parsePort(text) {
  if (text === undefined || text === '') return 5173;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`start: PORT=${text} is not a port number (0-65535)`);
    process.exit(2);
  }
  return n;
}

function listen(server, port, host) {
  return new Promise((ok, fail) => {
    const onError = (err) => {
      server.off('listening', onListening);
      fail(err);
    };
    const onListening = () => {
      server.off('error', onError);
      ok(server.address().port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

async function serveWeb(reason) {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : page(reason));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  });

  const host = process.env.HOST || '127.0.0.1';
  const wanted = parsePort(process.env.PORT);
  let port;
  try {
    port = await listen(server, wanted, host);
  } catch (err) {
    if (err.code !== 'EADDRINUSE') throw err;
    port = await listen(server, 0, host);
    console.log(`start: port ${wanted} is in use; using ${port}`);
  }

  const shown = host === '127.0.0.1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  console.log(`${reason}: serving the UI at http://${shown}:${port}`);
  console.log('Press Ctrl-C to stop.');

  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const electron = findElectron();
if ('binary' in electron) {
  console.log(`start: launching Electron (${electron.binary})`);
  launchElectron(electron.binary);
} else {
  await serveWeb(electron.reason);
}
