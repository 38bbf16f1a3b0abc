/** The CLI bundle's entry (dist/attractor.mjs): run the command line, set the exit code. */
import { run } from './main.js';
import { EXIT } from './errors.js';
import { visible } from './terminal-text.js';

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`attractor: internal error (a bug in Attractor Studio): ${visible(String(err))}\n`);
    process.exitCode = EXIT.failure;
  },
);
