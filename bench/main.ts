/**
 * `npm run bench` (dist/bench.mjs): the interleaved benchmark of bench/run.ts from the
 * command line. Exit 0 whatever the numbers, 2 on bad options.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BenchUsageError, USAGE, parseBenchOptions, type BenchOptions } from './options.js';
import { runBench, strictJson } from './run.js';

export async function main(argv: readonly string[]): Promise<number> {
  let opts: BenchOptions | null;
  try {
    opts = parseBenchOptions(argv);
  } catch (err) {
    if (!(err instanceof BenchUsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (opts === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const say = opts.json ? () => {} : (line: string) => process.stdout.write(`${line}\n`);
  const doc = await runBench(opts, say, (line) => process.stderr.write(`bench: ${line}\n`));
  if (opts.json) process.stdout.write(`${strictJson(doc)}\n`);
  return 0;
}

// The bundle's entry runs the benchmark; importing this module (a test, gpu-check) does not.
function isEntry(): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(arg) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // Every side catches its own errors; reaching this is a bug in the benchmark.
      process.stderr.write(`bench: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
