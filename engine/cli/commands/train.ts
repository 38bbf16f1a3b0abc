import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { METHODS } from '../../../nodes/config.js';
import { MANIFEST_FILE, sidecarDirFor } from '../../train/checkpoint.js';
import type { RunEvent } from '../../protocol/run.js';
import { RunControl } from '../../run/control.js';
import { backendSummary } from '../../run/context.js';
import { trainRun } from '../../run/train-run.js';
import type { OptionWords, TrainOverrides } from '../../run/train-setup.js';
import { choiceOption, intOption, numberOption, onePositional, options, parse } from '../args.js';
import { InputError } from '../errors.js';
import type { Interrupts } from '../interrupt.js';
import { openCommandRun, printWarnings } from '../open.js';
import { TrainReport } from '../train-report.js';
import type { Io } from '../io.js';
import type { RecordOptions } from '../../experiments/records.js';
import { RECORD_USAGE, recordFor, recordOptions, setValues } from '../record-option.js';

const USAGE =
  `attractor train FILE [--method ${METHODS.join('|')}] [--epochs N | --batches N] [--batch B] [--lr X] [--steps T] [--beta X] [--seed K] [--backend B] [--out DIR] [--resume | --resume-from DIR] [--workers N|auto] [--json] ${RECORD_USAGE}`;

/** Held-out examples scored after training (all of MNIST's 1,000; fewer keeps the summary quick elsewhere), 100 at a time. */
const HELD_OUT = { limit: 1000, chunk: 100 } as const;

const WORDS: OptionWords = {
  batch: 'use --batch',
  moreBatches: 'raise --batches or --epochs',
  occupied: 'pass --resume to continue it, or --out DIR to train into another folder',
};

export interface TrainDeps {
  /** Ctrl-C: the first finishes the batch in flight, writes a checkpoint and exits 130. */
  readonly interrupts?: Interrupts;
  /** A sweep's task: its run id and sweep, on top of what the command line says. */
  readonly record?: Partial<RecordOptions>;
}

export async function trainCommand(argv: string[], io: Io, deps: TrainDeps = {}): Promise<number> {
  const { values, positionals } = parse(argv, { ...options(['method', 'epochs', 'batches', 'batch', 'lr', 'steps', 'beta', 'seed', 'backend', 'out', 'workers', 'resume-from'], ['resume', 'json']), ...recordOptions() }, USAGE);
  const file = onePositional(positionals, 'graph file', USAGE);
  if (values.epochs !== undefined && values.batches !== undefined) throw new InputError(`give --epochs or --batches, not both\nusage: ${USAGE}`);
  if (values.resume && values['resume-from'] !== undefined) throw new InputError(`give --resume or --resume-from, not both\nusage: ${USAGE}`);
  const overrides: TrainOverrides = {
    method: choiceOption(values, 'method', METHODS),
    batch: intOption(values, 'batch', 1),
    steps: intOption(values, 'steps', 1),
    seed: intOption(values, 'seed', 0),
    epochs: intOption(values, 'epochs', 1),
    batches: intOption(values, 'batches', 1),
    lr: numberOption(values, 'lr', (n) => n > 0, 'a number > 0'),
    beta: numberOption(values, 'beta', (n) => n > 0, 'a number > 0'),
  };
  const workers = workersOption(values.workers);
  const out = typeof values.out === 'string' ? values.out : sidecarDirFor(file);
  const report = new TrainReport(io, Boolean(values.json) || !io.isTTY, out);
  const control = new RunControl('train', 'train', () => undefined);
  const release = deps.interrupts?.(() => control.cancel(), 'batch');
  try {
    const { opened, backend } = await openCommandRun(file, {}, values.backend, setValues(values));
    if (!values.json) printWarnings(io, file, opened.warnings);
    const resumeFrom = typeof values['resume-from'] === 'string' ? values['resume-from'] : values.resume ? out : null;
    if (resumeFrom !== null && !existsSync(join(resumeFrom, MANIFEST_FILE))) throw new InputError(`${values.resume ? '--resume' : '--resume-from'}: no checkpoint in ${resumeFrom}`);
    const outcome = await trainRun(
      opened,
      {
        overrides,
        checkpointDir: out,
        resumeFrom,
        overwrite: false,
        workers,
        words: WORDS,
        evaluation: HELD_OUT,
        onBatch: (r) => report.batch(r),
        runRecord: recordFor(file, argv, values, io, deps.record),
      },
      { control, emit: (ev: RunEvent) => report.take(ev), backend: backendSummary(backend), backendName: backend.name },
    );
    return report.end(outcome);
  } finally {
    release?.();
  }
}

function workersOption(raw: unknown): number | 'auto' {
  if (raw === undefined || raw === 'auto') return 'auto';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new InputError(`--workers: expected an integer ≥ 0 or "auto", got ${JSON.stringify(raw)}`);
  return n;
}

