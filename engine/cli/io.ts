/** Where a command writes: injectable so tests can run commands in-process. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** Rewrites the current terminal line (progress bars); absent where output is not a terminal. */
  outInPlace?(line: string): void;
  readonly isTTY: boolean;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  // Cut to the terminal's width so the line never wraps (a wrapped line cannot be rewritten in place).
  outInPlace: (line) => process.stdout.write(`\r${process.stdout.columns ? line.slice(0, process.stdout.columns - 1) : line}\x1b[K`),
  isTTY: Boolean(process.stdout.isTTY),
};
