/**
 * Runs a bundle's `main` when that bundle is the program (dist/bench.mjs, dist/gpu-check.mjs),
 * not when a test or another entry imports the module: the exit code is main's, and an
 * exception that reaches here is a bug of ours, said as such.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function runIfEntry(moduleUrl: string, name: string, main: (argv: readonly string[]) => Promise<number>): void {
  const arg = process.argv[1];
  let entry = false;
  try {
    entry = arg !== undefined && realpathSync(arg) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    entry = false;
  }
  if (!entry) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${name}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
