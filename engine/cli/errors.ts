/** Exit codes and the error a command throws for bad input: printed as one line, exit 2, no stack. */
export const EXIT = { ok: 0, failure: 1, badInput: 2, interrupted: 130 } as const;

export class InputError extends Error {
  constructor(
    message: string,
    /** Extra lines (one problem each) printed after the message. */
    readonly lines: readonly string[] = [],
  ) {
    super(message);
    this.name = 'InputError';
  }
}
