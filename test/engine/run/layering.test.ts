/**
 * Imports flow one way around the run driver: engine/run/ imports neither the CLI nor the
 * run-protocol server, and nothing else in the engine imports them (they are adapters).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

const root = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
}

it('engine/run/ imports neither engine/cli/ nor engine/server/', () => {
  const bad = sources(join(root, 'engine', 'run')).flatMap((f) => importsOf(f).filter((i) => /(^|\/)(cli|server)\//.test(i)).map((i) => `${relative(root, f)}: ${i}`));
  expect(bad).toEqual([]);
});

it('nothing in the engine outside the CLI imports it, nothing outside the server imports the server', () => {
  const bad: string[] = [];
  for (const f of sources(join(root, 'engine'))) {
    const where = relative(join(root, 'engine'), f).split('/')[0];
    for (const i of importsOf(f)) {
      if (where !== 'cli' && /(^|\/)cli\//.test(i)) bad.push(`${relative(root, f)}: ${i}`);
      if (where !== 'server' && /(^|\/)server\//.test(i)) bad.push(`${relative(root, f)}: ${i}`);
    }
  }
  expect(bad).toEqual([]);
});
