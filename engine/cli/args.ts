/** Command-line options: parsed strictly, every mistake an InputError that says which option and what it takes. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from './errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** A command's options: those that take a value (`--steps 5`), then switches (`--json`). */
export function options(withValue: readonly string[], switches: readonly string[] = []): Options {
  const out: Options = {};
  for (const name of withValue) out[name] = { type: 'string' };
  for (const name of switches) out[name] = { type: 'boolean' };
  return out;
}

/** `COMMAND --help`: not a mistake; the CLI prints the usage on stdout and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly usage: string) {
    super(usage);
  }
}

export function parse(argv: string[], options: Options, usage: string): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(usage);
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (err) {
    throw new InputError(`${(err as Error).message.replace(/\. To specify.*$/s, '')}\nusage: ${usage}`);
  }
}

export function intOption(values: Record<string, unknown>, name: string, min: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new InputError(`--${name}: expected an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

export function numberOption(values: Record<string, unknown>, name: string, check: (n: number) => boolean, expected: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw === '' || !Number.isFinite(n) || !check(n)) throw new InputError(`--${name}: expected ${expected}, got ${JSON.stringify(raw)}`);
  return n;
}

export function choiceOption<T extends string>(values: Record<string, unknown>, name: string, choices: readonly T[]): T | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T)) throw new InputError(`--${name}: expected one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as T;
}

export function onePositional(positionals: string[], what: string, usage: string): string {
  if (positionals.length === 0) throw new InputError(`missing ${what}\nusage: ${usage}`);
  if (positionals.length > 1) throw new InputError(`expected one ${what}, got ${positionals.length}: ${positionals.join(' ')}\nusage: ${usage}`);
  return positionals[0];
}
