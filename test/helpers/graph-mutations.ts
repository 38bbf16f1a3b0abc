/**
 * Mutations of graph files for the fuzz tests (test/engine/format/fuzz.test.ts: the loader;
 * test/engine/cli/fuzz-run.test.ts: load → validate → compile → settle): structural edits
 * of the JSON (delete, replace, numbers including sizes past every limit, duplicated nodes,
 * renamed ports) and damage to the text.
 */
import fc from 'fast-check';
import { KINDS } from '../../nodes/catalog.js';
import type { PathSegment } from '../../nodes/problems.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Container = Json[] | { [k: string]: Json };

export type Mutation =
  | { op: 'delete'; pick: number }
  | { op: 'replace'; pick: number; value: Json }
  | { op: 'number'; pick: number; value: number }
  | { op: 'duplicate-node'; pick: number; at: number }
  | { op: 'rename-port'; pick: number; name: string };
export type TextMutation = { op: 'truncate'; at: number } | { op: 'garbage'; at: number; text: string } | { op: 'none' };

const isContainer = (v: unknown): v is Container => v !== null && typeof v === 'object';

function allPaths(v: Json, prefix: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => allPaths(x, [...prefix, i], out));
  else if (isContainer(v)) for (const [k, x] of Object.entries(v)) allPaths(x, [...prefix, k], out);
  return out;
}

export function get(v: Json, path: readonly PathSegment[]): Json | undefined {
  let cur: Json | undefined = v;
  for (const seg of path) {
    if (!isContainer(cur) || !Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, Json>)[seg];
  }
  return cur;
}

/** defineProperty, because a key read from JSON may be "__proto__". */
function set(parent: Container, key: PathSegment, value: Json): void {
  Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

export function mutate(doc: Json, m: Mutation): Json {
  const paths = allPaths(doc);
  const pick = <T>(list: T[]) => list[m.pick % list.length];
  switch (m.op) {
    case 'delete': {
      const inner = paths.filter((p) => p.length > 0);
      if (inner.length === 0) return doc;
      const path = pick(inner);
      const parent = get(doc, path.slice(0, -1)) as Container;
      const key = path[path.length - 1];
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return doc;
    }
    case 'replace':
    case 'number': {
      const candidates = m.op === 'number' ? paths.filter((p) => typeof get(doc, p) === 'number') : paths;
      if (candidates.length === 0) return doc;
      const path = pick(candidates);
      if (path.length === 0) return m.value;
      set(get(doc, path.slice(0, -1)) as Container, path[path.length - 1], m.value);
      return doc;
    }
    case 'duplicate-node': {
      const nodes = get(doc, ['nodes']);
      if (!Array.isArray(nodes) || nodes.length === 0) return doc;
      nodes.splice(m.at % (nodes.length + 1), 0, structuredClone(pick(nodes)));
      return doc;
    }
    case 'rename-port': {
      const ports = paths.filter((p) => p.length === 4 && p[0] === 'edges' && p[3] === 'port');
      if (ports.length === 0) return doc;
      const path = pick(ports);
      set(get(doc, path.slice(0, -1)) as Container, 'port', m.name);
      return doc;
    }
  }
}

export function mutateText(text: string, m: TextMutation): string {
  if (m.op === 'truncate') return text.slice(0, Math.floor(m.at * text.length));
  if (m.op === 'garbage') {
    const at = Math.floor(m.at * text.length);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  return text;
}

const portNames = [...new Set(KINDS.flatMap((k) => [...k.inputs, ...k.outputs].map((p) => p.name)))];
const numbers = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 3, 4, 0.5, 1e5, 1e6, 1e9, 2 ** 31, 2 ** 32, 2 ** 53, -0),
  fc.integer({ min: -10, max: 10_000 }),
  fc.double(),
);
/** Values a hostile file puts where a path or a source goes: devices, secrets, control characters. */
const hostile: fc.Arbitrary<Json> = fc.constantFrom<Json>(
  '/dev/zero',
  '/etc/passwd',
  '../../../../etc/passwd',
  { kind: 'csv', path: '/dev/zero' },
  { kind: 'csv', path: '/etc/passwd' },
  { kind: 'idx', images: '/dev/urandom', labels: '/dev/zero' },
  '\u001b]0;owned\u0007\u001b[2J',
  'a\u0000b',
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('replace' as const), pick: fc.nat(), value: fc.oneof(fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, hostile) }),
  fc.record({ op: fc.constant('number' as const), pick: fc.nat(), value: numbers }),
  fc.record({ op: fc.constant('duplicate-node' as const), pick: fc.nat(), at: fc.nat() }),
  fc.record({ op: fc.constant('rename-port' as const), pick: fc.nat(), name: fc.oneof(fc.constantFrom(...portNames), fc.string()) }),
);
export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  { arbitrary: fc.constant({ op: 'none' as const }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant('garbage' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      text: fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), fc.constantFrom('{', ']', ',', '"', '\\', '\u0000', '\ufeff', '//', 'NaN')),
    }),
    weight: 1,
  },
);

/** A problem's path must lead into the file: to a value in it, or to a missing key of a value in it. */
export function pointsIntoFile(doc: Json | undefined, path: readonly PathSegment[]): boolean {
  if (path.length === 0) return true;
  if (doc === undefined) return false;
  return isContainer(get(doc, path.slice(0, -1)));
}
