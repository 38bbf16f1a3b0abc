/**
 * `npm run bench` (dist/bench.mjs): the interleaved benchmark of bench/run.ts from the
 * command line. Exit 0 whatever the numbers, 2 on bad options.
 */
import { BenchUsageError, USAGE, parseBenchOptions, type BenchOptions } from './options.js';
import { runBench, strictJson } from './run.js';
import { runIfEntry } from './entry.js';

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

runIfEntry(import.meta.url, 'bench', main);
