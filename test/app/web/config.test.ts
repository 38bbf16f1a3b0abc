import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, parseHostConfig, type ConfigEnv } from '../../../app/web/config.js';

const base: ConfigEnv = { argv: [], env: {}, home: '/home/ada', cwd: '/work/graphs', platform: 'linux' };
const run = (over: Partial<ConfigEnv>) => {
  const r = parseHostConfig({ ...base, ...over });
  if (r.kind !== 'run') throw new Error(`expected a config, got ${JSON.stringify(r)}`);
  return r.config;
};

describe('the web host command line', () => {
  it('defaults: port 5173, loopback only, the current folder, ~/.config/attractor-studio', () => {
    expect(run({})).toEqual({ port: DEFAULT_PORT, portGiven: false, host: '127.0.0.1', workspace: '/work/graphs', dataDir: '/home/ada/.config/attractor-studio' });
  });

  it('takes --workspace in both spellings, relative to where the command ran', () => {
    expect(run({ argv: ['--workspace', 'nets'] }).workspace).toBe('/work/graphs/nets');
    expect(run({ argv: ['--workspace=/srv/nets'] }).workspace).toBe('/srv/nets');
    expect(run({ argv: ['-w', '..'] }).workspace).toBe('/work');
  });

  it('reads PORT, HOST and the data folder from the environment', () => {
    const c = run({ env: { PORT: '8080', HOST: '0.0.0.0', XDG_CONFIG_HOME: '/cfg' } });
    expect(c).toMatchObject({ port: 8080, portGiven: true, host: '0.0.0.0', dataDir: '/cfg/attractor-studio' });
    expect(run({ env: { ATTRACTOR_DATA_DIR: '/data/as', XDG_CONFIG_HOME: '/cfg' } }).dataDir).toBe('/data/as');
    expect(run({ env: { XDG_CONFIG_HOME: 'relative' } }).dataDir).toBe('/home/ada/.config/attractor-studio');
    expect(run({ env: { PORT: '0' } }).port).toBe(0);
  });

  it('refuses what it does not understand', () => {
    expect(parseHostConfig({ ...base, env: { PORT: 'http' } })).toEqual({ kind: 'error', message: 'PORT=http is not a port number (0-65535)' });
    expect(parseHostConfig({ ...base, env: { PORT: '70000' } }).kind).toBe('error');
    expect(parseHostConfig({ ...base, argv: ['--workspace'] })).toEqual({ kind: 'error', message: '--workspace needs a folder' });
    expect(parseHostConfig({ ...base, argv: ['--port', '3'] })).toEqual({ kind: 'error', message: 'unknown argument "--port"' });
    expect(parseHostConfig({ ...base, argv: ['--help'] })).toEqual({ kind: 'help' });
  });
});
