/** Problems found in a graph: where (a JSON path, the node), what was expected, and what was there. */
import type { z } from './schema.js';

export type Severity = 'error' | 'warning';
export type PathSegment = string | number;

export interface Problem {
  readonly severity: Severity;
  /** Path into the graph file, e.g. `["nodes", 3, "params", "kernel"]`. */
  readonly path: readonly PathSegment[];
  readonly nodeId?: string;
  readonly port?: string;
  readonly message: string;
}

/** `nodes[3].params.kernel` */
export function pathText(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || '(file)';
}

/** One line: `nodes[3].params.kernel: expected an odd integer ≥ 1, got 4 (node "w1")`. */
export function problemLine(p: Problem): string {
  const where = p.nodeId !== undefined ? ` (node "${p.nodeId}"${p.port ? `, port "${p.port}"` : ''})` : '';
  const tag = p.severity === 'warning' ? 'warning: ' : '';
  return `${pathText(p.path)}: ${tag}${p.message}${where}`;
}

export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

type Issue = z.core.$ZodIssue & { input?: unknown };

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"` */
export function oneOf(values: readonly unknown[]): string {
  const quoted = values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v)));
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  record: 'an object',
  null: 'null',
};

/** Zod's built-in messages ("Too big: expected number to be <=9") rewritten in the catalog's voice; custom ones start with "expected". */
function expectation(issue: Issue): string {
  if (issue.message.startsWith('expected')) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_big':
    case 'too_small': {
      const big = issue.code === 'too_big';
      const bound = Number(big ? issue.maximum : issue.minimum);
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
        return `expected a number ${big ? (issue.inclusive ? '≤' : '<') : issue.inclusive ? '≥' : '>'} ${bound}`;
      }
      const unit = issue.origin === 'string' ? 'character' : 'item';
      const n = issue.inclusive ? bound : big ? bound - 1 : bound + 1;
      return `expected ${big ? 'at most' : 'at least'} ${n} ${unit}${n === 1 ? '' : 's'}`;
    }
    case 'invalid_format':
      return `expected a string in ${issue.format} format`;
    case 'not_multiple_of':
      return `expected a multiple of ${String(issue.divisor)}`;
    default:
      return lowerFirst(issue.message);
  }
}

/**
 * What a discriminated union saw: zod reports the whole object as the input of a
 * "no matching discriminator" issue, but the person wrote (or forgot) the discriminator.
 */
function unionInput(issue: Issue): unknown {
  const key = (issue as { discriminator?: unknown }).discriminator;
  const input = issue.input;
  if (typeof key === 'string' && input !== null && typeof input === 'object' && !Array.isArray(input)) {
    return (input as Record<string, unknown>)[key];
  }
  return input;
}

function issueMessage(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `expected ${oneOf(issue.values)}, got ${describeValue(issue.input)}`;
    case 'invalid_union':
      return `${issue.message.startsWith('expected') ? issue.message : 'expected a valid value'}, got ${describeValue(unionInput(issue))}`;
    default: {
      const base = expectation(issue);
      return 'input' in issue || issue.code === 'invalid_type' ? `${base}, got ${describeValue(issue.input)}` : base;
    }
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * Zod issues as problems under `prefix`; zod must be called with `reportInput: true` for the "got" part.
 * An unknown field gets a problem of its own whose path ends at that field, so an editor can point at it.
 */
export function problemsFromZod(
  error: z.ZodError,
  prefix: readonly PathSegment[] = [],
  nodeId?: string,
): Problem[] {
  const node = nodeId !== undefined ? { nodeId } : {};
  return error.issues.flatMap((raw): Problem[] => {
    const issue = raw as Issue;
    const path = [...prefix, ...(issue.path as PathSegment[])];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ severity: 'error', path: [...path, key], message: `unknown field ${JSON.stringify(key)}`, ...node }));
    }
    return [{ severity: 'error', path, message: issueMessage(issue), ...node }];
  });
}
