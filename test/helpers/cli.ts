/** Running the CLI in-process (fast) or as the real `bin/attractor.mjs` process. */
import { spawnSync } from 'node:child_process';
import { run } from '../../engine/cli/main.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function cli(...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * The built command, as a user runs it: bin/attractor.mjs on dist/attractor.mjs. The
 * bundle is built once per test run by test/global-setup.ts, never here: test files run
 * in parallel, and rebuilding would rewrite a bundle another test is loading.
 */
export function cliProcess(...argv: string[]): CliResult {
  const r = spawnSync(process.execPath, ['bin/attractor.mjs', ...argv], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
