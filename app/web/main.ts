/**
 * `npm run serve` (bundled to dist/web-server.mjs): the web mode of Attractor Studio.
 * Also what `npm start` falls back to where Electron cannot run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_BACKENDS } from '../shared/api.js';
import { parseHostConfig, USAGE } from './config.js';
import { startHost, type Host } from './server.js';

/** The project folder: the nearest one up from this file with our package.json (from dist/ once bundled). */
function projectRoot(): { root: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkgFile = join(dir, 'package.json');
    if (existsSync(pkgFile)) {
      try {
        const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === 'attractor-studio') return { root: dir, version: typeof pkg.version === 'string' ? pkg.version : 'dev' };
      } catch {
        // not ours (or broken): keep climbing
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the Attractor Studio folder (its package.json) above this script');
    dir = up;
  }
}

async function main(): Promise<number> {
  const parsed = parseHostConfig({
    argv: process.argv.slice(2),
    env: process.env,
    home: homedir(),
    // npm runs scripts from the project folder; INIT_CWD is where the user typed the command.
    cwd: process.env.INIT_CWD || process.cwd(),
    platform: process.platform,
  });
  if (parsed.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    console.error(`serve: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const { config } = parsed;
  const { root, version } = projectRoot();
  const rendererDir = join(root, 'out', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    console.error(`serve: the UI is not built (${join(rendererDir, 'index.html')} is missing): run \`npm run build\` first.`);
    return 1;
  }

  // The engine worker (dist/engine-server.mjs, next to this bundle) starts with the first run; ATTRACTOR_BACKEND picks its backend.
  const backend = process.env.ATTRACTOR_BACKEND ?? 'auto';
  const engine = ENGINE_BACKENDS.find((b) => b === backend) ?? 'auto';
  const options = { ...config, rendererDir, examplesDir: join(root, 'examples'), version, engine } as const;
  let host: Host;
  try {
    host = await startHost(options);
  } catch (err) {
    const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
    if (!inUse || config.portGiven) {
      const why = inUse ? `port ${config.port} is in use (set PORT to another port, or PORT=0 for any free one)` : (err as Error).message;
      console.error(`serve: cannot start: ${why}`);
      return 1;
    }
    host = await startHost({ ...options, port: 0 });
    console.log(`serve: port ${config.port} is in use; using ${host.port}`);
  }

  console.log(`Attractor Studio ${version} (web mode) at ${host.url}`);
  console.log(`workspace: ${config.workspace}`);
  console.log('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(0); // a second Ctrl-C does not wait
    stopping = true;
    void host.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return -1; // keep running
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(`serve: ${(err as Error).message}`);
    process.exit(1);
  },
);
