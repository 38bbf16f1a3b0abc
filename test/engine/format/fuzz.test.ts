/**
 * Property: any mutation of a valid graph file either loads, or is rejected with
 * problems that each say something and point into the mutated file; never a throw.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadGraphText } from '../../../engine/format/load.js';
import { compileGraph } from '../../../engine/compile/compile.js';
import { serializeGraph } from '../../../engine/format/save.js';
import { KINDS } from '../../../nodes/catalog.js';
import { GRAPH_VERSION } from '../../../nodes/graph.js';
import type { PathSegment } from '../../../nodes/problems.js';
import { FIXTURE_DIR, jsonFilesUnder, REPO_ROOT } from '../../fixtures/graphs/index.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Container = Json[] | { [k: string]: Json };

type Mutation =
  | { op: 'delete'; pick: number }
  | { op: 'replace'; pick: number; value: Json }
  | { op: 'number'; pick: number; value: number }
  | { op: 'duplicate-node'; pick: number; at: number }
  | { op: 'rename-port'; pick: number; name: string };
type TextMutation = { op: 'truncate'; at: number } | { op: 'garbage'; at: number; text: string } | { op: 'none' };

const isContainer = (v: unknown): v is Container => v !== null && typeof v === 'object';

function allPaths(v: Json, prefix: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => allPaths(x, [...prefix, i], out));
  else if (isContainer(v)) for (const [k, x] of Object.entries(v)) allPaths(x, [...prefix, k], out);
  return out;
}

function get(v: Json, path: readonly PathSegment[]): Json | undefined {
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

function mutate(doc: Json, m: Mutation): Json {
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

function mutateText(text: string, m: TextMutation): string {
  if (m.op === 'truncate') return text.slice(0, Math.floor(m.at * text.length));
  if (m.op === 'garbage') {
    const at = Math.floor(m.at * text.length);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  return text;
}

const portNames = [...new Set(KINDS.flatMap((k) => [...k.inputs, ...k.outputs].map((p) => p.name)))];
const numbers = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 3, 4, 0.5, 1e9, 2 ** 53, -0),
  fc.integer({ min: -10, max: 10_000 }),
  fc.double(),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('replace' as const), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> }),
  fc.record({ op: fc.constant('number' as const), pick: fc.nat(), value: numbers }),
  fc.record({ op: fc.constant('duplicate-node' as const), pick: fc.nat(), at: fc.nat() }),
  fc.record({ op: fc.constant('rename-port' as const), pick: fc.nat(), name: fc.oneof(fc.constantFrom(...portNames), fc.string()) }),
);
const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
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
function pointsIntoFile(doc: Json | undefined, path: readonly PathSegment[]): boolean {
  if (path.length === 0) return true;
  if (doc === undefined) return false;
  return isContainer(get(doc, path.slice(0, -1)));
}

describe('fuzzing the loader with mutated graph files', () => {
  const bases: { file: string; doc: Json }[] = [];
  beforeAll(async () => {
    const files = [...(await jsonFilesUnder(FIXTURE_DIR)), ...(await jsonFilesUnder(join(REPO_ROOT, 'examples')))];
    for (const file of files) {
      try {
        bases.push({ file, doc: JSON.parse(await readFile(file, 'utf8')) as Json });
      } catch {
        // An example someone is still writing; the fixtures alone are enough.
      }
    }
  });

  it('loads or explains every mutant, and loaded mutants round-trip through save', () => {
    expect(bases.length).toBeGreaterThanOrEqual(4);
    const started = Date.now();
    let loaded = 0;
    let rejected = 0;
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), textMutation, (b, mutations, textOp) => {
        let doc = structuredClone(bases[b % bases.length].doc);
        for (const m of mutations) doc = mutate(doc, m);
        const text = mutateText(JSON.stringify(doc, null, 2), textOp);
        let parsed: Json | undefined;
        try {
          parsed = JSON.parse(text.replace(/^\ufeff/, '')) as Json; // the loader accepts a BOM
        } catch {
          parsed = undefined;
        }

        const r = loadGraphText(text, 'mutant.json');
        if (r.ok) {
          loaded++;
          expect(r.graph.version).toBe(GRAPH_VERSION);
          const again = loadGraphText(serializeGraph(r.graph), 'saved.json');
          expect(again.ok && again.graph).toEqual(r.graph);
          // A graph that opens also compiles to a plan or to problems that name a node or a path
          // (every 4th: compiling each doubles the test's time; test/nodes/blocks.test.ts compiles every fuzzed block).
          if (loaded % 4 !== 1) return;
          const c = compileGraph(r.graph);
          if (!c.plan) {
            for (const p of c.problems) expect(p.nodeId !== undefined || p.path.length > 0, JSON.stringify(p)).toBe(true);
          }
          return;
        }
        rejected++;
        expect(r.problems.length).toBeGreaterThan(0);
        for (const p of r.problems) {
          expect(p.message.trim().length, JSON.stringify(p)).toBeGreaterThan(0);
          expect(p.severity).toBe('error');
          expect(pointsIntoFile(parsed, p.path), `${JSON.stringify(p)} in ${text.slice(0, 2000)}`).toBe(true);
        }
      }),
      { numRuns: 4000 },
    );
    // Both outcomes must be common, or the mutations are not exercising the loader.
    expect(loaded).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(1000);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
