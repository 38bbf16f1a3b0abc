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

function issueMessage(issue: Issue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(issue.input)}`;
    case 'invalid_union':
      return `${issue.message.startsWith('expected') ? issue.message : 'expected a valid value'}, got ${describeValue(issue.input)}`;
    default: {
      const base = issue.message.startsWith('expected') ? issue.message : lowerFirst(issue.message);
      return 'input' in issue || issue.code === 'invalid_type' ? `${base}, got ${describeValue(issue.input)}` : base;
    }
  }
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Zod issues as problems under `prefix`; zod must be called with `reportInput: true` for the "got" part. */
export function problemsFromZod(
  error: z.ZodError,
  prefix: readonly PathSegment[] = [],
  nodeId?: string,
): Problem[] {
  return error.issues.map((raw) => {
    const issue = raw as Issue;
    const path = [...prefix, ...(issue.path as PathSegment[])];
    return { severity: 'error', path, message: issueMessage(issue), ...(nodeId !== undefined ? { nodeId } : {}) };
  });
}
