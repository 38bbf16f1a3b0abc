/**
 * `attractor`: validate, compile and settle graph files from a terminal.
 * Bad input of any kind ends with one clear line (or one per problem) and exit 2; a bug in
 * the engine ends with one line saying so (exit 1), and its stack trace with `--debug`.
 * Every line printed goes through `visible`: text from files cannot drive the terminal.
 */
import { HelpRequested } from './args.js';
import { compileCommand } from './commands/compile.js';
import { settleCommand } from './commands/settle.js';
import { validateCommand } from './commands/validate.js';
import { kindsCommand } from './commands/kinds.js';
import { trainCommand } from './commands/train.js';
import { evalCommand } from './commands/eval.js';
import { gradcheckCommand } from './commands/gradcheck.js';
import { weightsCommand } from './commands/weights.js';
import { capacityCommand } from './commands/capacity.js';
import { METHODS } from '../../nodes/config.js';
import { runsCommand } from './commands/runs.js';
import { sweepCommand } from './commands/sweep.js';
import { EXIT } from './errors.js';
import { asInputError } from '../run/input-error.js';
import { visible } from './terminal-text.js';
import { ctrlC } from './interrupt.js';
import { processIo, type Io } from './io.js';

const COMMANDS: Record<string, { run: (argv: string[], io: Io) => Promise<number>; summary: string }> = {
  validate: { run: validateCommand, summary: 'check a graph file: schema, wiring and shapes' },
  compile: { run: compileCommand, summary: 'print the update schedule and its convergence guarantee' },
  settle: { run: (argv, io) => settleCommand(argv, io, { interrupts: ctrlC }), summary: 'settle the network on a batch: energy, max change, t*, 2-cycles' },
  train: { run: (argv, io) => trainCommand(argv, io, { interrupts: ctrlC }), summary: `train the weights (${METHODS.join(', ')}), with checkpoints` },
  eval: { run: evalCommand, summary: 'held-out loss, accuracy, t* and 2-cycles of trained weights' },
  gradcheck: { run: (argv, io) => gradcheckCommand(argv, io, { interrupts: ctrlC }), summary: 'compare bptt, recurrent backprop, equilibrium propagation and finite-difference gradients' },
  weights: { run: weightsCommand, summary: 'export weights to NumPy .npz, or import them from one into a checkpoint' },
  capacity: { run: (argv, io) => capacityCommand(argv, io, { interrupts: ctrlC }), summary: 'capacity and basins of a memory net: retrieval vs load α (or β) and corruption, with the textbook values' },
  kinds: { run: kindsCommand, summary: 'list the node kinds with their ports and parameters' },
  runs: { run: runsCommand, summary: "list a graph's recorded runs and sweeps, show or compare them" },
  sweep: { run: (argv, io) => sweepCommand(argv, io, { interrupts: ctrlC }), summary: 'train over combinations of parameter values and seeds, locally or on Slurm' },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['usage: attractor COMMAND [options] [--debug]   (attractor COMMAND --help for its options)', '', ...lines, '', '--debug: with a failure that is a bug in the engine, print its stack trace'].join('\n');
}

/** `io` with every line made safe for a terminal (terminal-text.ts). */
function safeIo(io: Io): Io {
  const inPlace = io.outInPlace;
  return {
    out: (line) => io.out(visible(line)),
    err: (line) => io.err(visible(line)),
    ...(inPlace ? { outInPlace: (line: string) => inPlace(visible(line)) } : {}),
    isTTY: io.isTTY,
  };
}

export async function run(argv: string[], rawIo: Io = processIo): Promise<number> {
  const io = safeIo(rawIo);
  // --debug anywhere: stack traces for engine failures (a bug report wants them; a user does not).
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv.filter((a) => a !== '--debug');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? EXIT.ok : EXIT.badInput;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`attractor: unknown command "${name}"\n${usage()}`);
    return EXIT.badInput;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof HelpRequested) {
      io.out(`usage: ${err.usage}`);
      return EXIT.ok;
    }
    const input = asInputError(err);
    if (input) {
      io.err(`attractor ${name}: ${input.message}`);
      input.details.forEach((l) => io.err(l));
      return EXIT.badInput;
    }
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    io.err(`attractor ${name}: internal error (a bug in Attractor Studio): ${debug && err instanceof Error && err.stack ? err.stack : `${message.split('\n')[0]} (run with --debug for the stack trace)`}`);
    return EXIT.failure;
  }
}
