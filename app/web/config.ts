/**
 * The web host's command line and environment, parsed without side effects so
 * it can be tested: `--workspace DIR`, PORT, HOST, ATTRACTOR_DATA_DIR.
 */
import { isAbsolute, join, resolve } from 'node:path';

export const DEFAULT_PORT = 5173;

export const USAGE = `Usage: npm run serve -- [--workspace DIR]

Serves Attractor Studio to a browser: the built UI over http and its services
over a WebSocket. Open and Save As work on the graph files in the workspace.

  --workspace DIR   the folder with your graphs (default: the current folder)
  --help            this text

Environment:
  PORT                default ${DEFAULT_PORT}; a free port is used when it is taken
  HOST                default 127.0.0.1; 0.0.0.0 lets other machines connect
                      (anyone who can reach it can then read and write graphs in the workspace)
  ATTRACTOR_DATA_DIR  where recent files and autosaves live
                      (default $XDG_CONFIG_HOME/attractor-studio or ~/.config/attractor-studio)`;

export interface HostConfig {
  readonly port: number;
  /** False when PORT was not set: only then may a taken default port be swapped for a free one silently. */
  readonly portGiven: boolean;
  readonly host: string;
  readonly workspace: string;
  readonly dataDir: string;
}

export type ParsedConfig = { kind: 'run'; config: HostConfig } | { kind: 'help' } | { kind: 'error'; message: string };

export interface ConfigEnv {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  /** Where relative paths start: the folder the user ran the command in. */
  readonly cwd: string;
  readonly platform: string;
}

export function defaultDataDir(env: ConfigEnv['env'], home: string, platform: string): string {
  if (env.ATTRACTOR_DATA_DIR) return resolve(env.ATTRACTOR_DATA_DIR);
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'attractor-studio');
  // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(config, 'attractor-studio');
}

export function parseHostConfig({ argv, env, home, cwd, platform }: ConfigEnv): ParsedConfig {
  let workspace: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--workspace' || arg === '-w') {
      const value = argv[++i];
      if (value === undefined || value === '') return { kind: 'error', message: `${arg} needs a folder` };
      workspace = value;
    } else if (arg.startsWith('--workspace=')) {
      workspace = arg.slice('--workspace='.length);
      if (workspace === '') return { kind: 'error', message: '--workspace needs a folder' };
    } else {
      return { kind: 'error', message: `unknown argument ${JSON.stringify(arg)}` };
    }
  }

  const portText = env.PORT ?? '';
  const port = portText === '' ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return { kind: 'error', message: `PORT=${portText} is not a port number (0-65535)` };
  }
  return {
    kind: 'run',
    config: {
      port,
      portGiven: portText !== '',
      host: env.HOST || '127.0.0.1',
      workspace: resolve(cwd, workspace ?? '.'),
      dataDir: defaultDataDir(env, home, platform),
    },
  };
}
