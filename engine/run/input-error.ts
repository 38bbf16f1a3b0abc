/**
 * Failures of the user's input (the graph, its data, its weights, the options of a run):
 * one class that says what and where, whoever started the run. The CLI prints `message`
 * and then `details` one per line (exit 2); the run-protocol server sends `oneLine` with
 * the `problems` as a run.error that ends the run.
 */
import { problemLine, type Problem } from '../../nodes/problems.js';
import { LimitError } from '../compile/limits.js';
import { OutsideWorkspaceError } from '../format/confine.js';
import { CheckpointError } from '../train/checkpoint.js';

export class RunInputError extends Error {
  constructor(
    message: string,
    /** Further lines, one problem or one misfit each, printed after the message. */
    readonly details: readonly string[] = [],
    /** Problems that point into the graph (path, node, port), when the graph is what is wrong. */
    readonly problems: readonly Problem[] = [],
  ) {
    super(message);
    this.name = 'RunInputError';
  }

  /** The whole failure on one line, for transports that carry one message. */
  get oneLine(): string {
    if (this.problems.length > 1) {
      const more = this.problems.length - 1;
      return `${this.message} (and ${more} more problem${more > 1 ? 's' : ''})`;
    }
    return [this.message, ...this.details.map((d) => d.trim())].join(' ');
  }
}

/** One line per problem, each naming the graph; a problem with the file as a whole (missing, not JSON) has no path to show. */
export function problemLines(source: string, problems: readonly Problem[]): string[] {
  return problems.map((p) => `${source}: ${p.path.length === 0 ? p.message : problemLine(p)}`);
}

/** The graph does not load or compile: the first problem as the message, the rest as details. */
export function graphProblems(source: string, problems: readonly Problem[]): RunInputError {
  const lines = problemLines(source, problems);
  return new RunInputError(lines[0] ?? `${source}: the graph does not compile`, lines.slice(1), problems);
}

/**
 * The user's input behind a failure, as a RunInputError, or undefined when the failure is
 * the engine's own (a bug: reported as such). Besides RunInputError itself: a size refused
 * at the point of allocation, a path outside the web mode's workspace, a checkpoint folder
 * that is broken or foreign — each carries a message that names what and where.
 */
export function asInputError(err: unknown): RunInputError | undefined {
  if (err instanceof RunInputError) return err;
  if (err instanceof LimitError || err instanceof OutsideWorkspaceError || err instanceof CheckpointError) return new RunInputError(err.message);
  return undefined;
}
