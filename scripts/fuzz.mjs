#!/usr/bin/env node
/**
 * `npm run fuzz`: the CI fuzz and fault tests (test/engine/cli/fuzz-run.test.ts,
 * fault.test.ts) at length, for occasional runs. Their summaries go to
 * test-artifacts/fuzz-summary.txt, quoted in the README's "Bad input" section.
 *
 *   npm run fuzz                      20,000 mutated graphs, 200 kills
 *   npm run fuzz -- --cases 5000 --kills 50 --seed 3
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '20000' }, kills: { type: 'string', default: '200' }, seed: { type: 'string', default: '1' } } });
const dir = 'test-artifacts';
mkdirSync(dir, { recursive: true });
const fuzz = join(dir, 'fuzz.txt');
const fault = join(dir, 'fault.txt');
for (const f of [fuzz, fault]) rmSync(f, { force: true });
const env = { ...process.env, FUZZ_CASES: values.cases, FUZZ_SEED: values.seed, FUZZ_SUMMARY: fuzz, FAULT_KILLS: values.kills, FAULT_SEED: values.seed, FAULT_SUMMARY: fault };
const vitest = join('node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', 'test/engine/cli/fuzz-run.test.ts', 'test/engine/cli/fault.test.ts'], { stdio: 'inherit', env });
const read = (f) => {
  try {
    return readFileSync(f, 'utf8').trim();
  } catch {
    return `${f}: no summary (the test failed before it was written)`;
  }
};
console.log(`\n${read(fuzz)}\n${read(fault)}`);
process.exit(r.status ?? 1);
