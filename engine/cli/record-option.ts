/**
 * What the commands that run the engine (train, settle, eval) share about experiments:
 * `--set PATH=VALUE` (repeatable) overrides graph parameters for this run, and every run
 * writes a run folder beside the graph (`NAME.runs/`) unless `--no-record` is given or
 * ATTRACTOR_RUNS=off is set.
 */
import { resolve } from 'node:path';
import type { GraphDoc } from '../../nodes/graph.js';
import { applyOverrides, OverrideError, parseValue, splitAssignment } from '../experiments/overrides.js';
import { runsDirFor } from '../experiments/paths.js';
import { recordsDisabled, type RecordOptions } from '../experiments/records.js';
import type { Options } from './args.js';
import { InputError } from './errors.js';
import type { Io } from './io.js';

export const RECORD_USAGE = '[--set PATH=VALUE …] [--no-record]';

/** The options to add to a command's own. */
export function recordOptions(): Options {
  return { set: { type: 'string', multiple: true }, 'no-record': { type: 'boolean' } };
}

/** `--set` values by path; a path given twice is refused. */
export function setValues(values: Record<string, unknown>): Record<string, unknown> {
  const raw = values.set;
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  const out: Record<string, unknown> = {};
  for (const text of list) {
    let a: { path: string; raw: string };
    try {
      a = splitAssignment(text);
    } catch (err) {
      throw new InputError((err as Error).message);
    }
    if (a.path in out) throw new InputError(`--set ${a.path}: given twice`);
    out[a.path] = parseValue(a.raw);
  }
  return out;
}

/** The graph with the `--set` values applied; a bad path or value is the user's input error. */
export function withOverrides(graph: GraphDoc, set: Record<string, unknown>, file: string): GraphDoc {
  try {
    return applyOverrides(graph, set, file);
  } catch (err) {
    if (err instanceof OverrideError) throw new InputError(`--set: ${err.message}`);
    throw err;
  }
}

/** Where this command's run is recorded, or undefined when it is not. */
export function recordFor(file: string, argv: readonly string[], values: Record<string, unknown>, io: Io, extra: Partial<RecordOptions> = {}): RecordOptions | undefined {
  if (values['no-record'] || recordsDisabled()) return undefined;
  return {
    runsDir: runsDirFor(resolve(file)),
    origin: 'cli',
    command: ['attractor', ...argv],
    set: setValues(values),
    warn: (m) => io.err(`warning: ${m}`),
    ...extra,
  };
}
