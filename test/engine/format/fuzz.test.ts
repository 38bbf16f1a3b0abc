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
import { GRAPH_VERSION } from '../../../nodes/graph.js';
import { mutate, mutateText, mutation, pointsIntoFile, textMutation, type Json } from '../../helpers/graph-mutations.js';
import { FIXTURE_DIR, jsonFilesUnder, REPO_ROOT } from '../../fixtures/graphs/index.js';

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
  });
});
