/**
 * Exit codes, and the error a command throws for bad input: printed as one line (and one
 * per further problem), exit 2, no stack. It is the run driver's RunInputError, so a bad
 * option and a bad graph, data or weights folder end the same way.
 */
export const EXIT = { ok: 0, failure: 1, badInput: 2, interrupted: 130 } as const;

export { RunInputError as InputError } from '../run/input-error.js';
