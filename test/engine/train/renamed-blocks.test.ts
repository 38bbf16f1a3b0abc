/**
 * Checkpoints of a graph with blocks name parameters by their path through the instances
 * ("stage2/conv", "stage2/maps.b"). Weights saved from a graph load again after its block
 * definition is renamed (no path changes), and not after an instance is renamed: then the
 * message lists the names the graph misses and says which instance looks renamed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { compileGraph } from '../../../engine/compile/compile.js';
import type { Plan } from '../../../engine/compile/plan.js';
import { RunInputError } from '../../../engine/run/input-error.js';
import { openCheckpoint } from '../../../engine/run/weights.js';
import { disposeCheckpoint, saveCheckpoint } from '../../../engine/train/checkpoint.js';
import { renamedBlockHints } from '../../../engine/train/renamed-blocks.js';
import { validateGraph } from '../../../nodes/validate.js';
import { problemLine } from '../../../nodes/problems.js';

type Json = Record<string, unknown> & { nodes: Json[]; edges: Json[]; blocks: Json[] };

const original = (): Json => JSON.parse(readFileSync('examples/deep-conv-blocks.attractor.json', 'utf8')) as Json;

function planOf(doc: Json): Plan {
  const v = validateGraph(doc);
  if (!v.ok) throw new Error(v.problems.map(problemLine).join('\n'));
  const { plan, problems } = compileGraph(v.graph);
  if (!plan) throw new Error(problems.map(problemLine).join('\n'));
  return plan;
}

/** The graph with a node id (and every reference to it) replaced. */
function renameInstance(doc: Json, from: string, to: string): Json {
  return JSON.parse(JSON.stringify(doc).replaceAll(`"${from}"`, `"${to}"`)) as Json;
}

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'attractor-blocks-'));
  const plan = planOf(original());
  const params = new Map(plan.params.map((p) => [p.name, tf.randomNormal([...p.shape], 0, 0.1, 'float32', 3)]));
  await saveCheckpoint(dir, { step: 1, epoch: 0, method: 'bptt', params });
  params.forEach((t) => t.dispose());
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('checkpoints of a graph with blocks', () => {
  it('name parameters by their path through the blocks', () => {
    const names = planOf(original()).params.map((p) => p.name);
    expect([...names].sort()).toEqual([
      'stage1/conv',
      'stage1/maps.b',
      'stage1/recur',
      'stage2/conv',
      'stage2/maps.b',
      'stage2/recur',
      'stage3/conv',
      'stage3/maps.b',
      'stage3/recur',
      'visible.b',
    ]);
  });

  it('load after the block definition is renamed: the names still match', async () => {
    const doc = original();
    const renamed = JSON.parse(JSON.stringify(doc).replaceAll('"conv-stage"', '"feature-stage"')) as Json;
    expect(renamed.blocks[0].id).toBe('feature-stage');
    const c = await openCheckpoint(planOf(renamed), dir);
    expect([...c.params.keys()]).toContain('stage2/conv');
    disposeCheckpoint(c);
  });

  it('do not load after an instance is renamed, and the message says which names are missing and why', async () => {
    const renamed = renameInstance(original(), 'stage2', 'middle');
    const err = await openCheckpoint(planOf(renamed), dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunInputError);
    const { message, details } = err as RunInputError;
    expect(message).toBe(`the weights in ${dir} do not fit this graph:`);
    expect(details.map((d) => d.trim())).toEqual([
      'missing parameter "middle/conv" (the graph expects shape [3, 3, 4, 4])',
      'missing parameter "middle/recur" (the graph expects shape [3, 3, 4, 4])',
      'missing parameter "middle/maps.b" (the graph expects shape [4])',
      'extra parameter "stage2/conv" (shape [3, 3, 4, 4]) that the graph does not have',
      'extra parameter "stage2/recur" (shape [3, 3, 4, 4]) that the graph does not have',
      'extra parameter "stage2/maps.b" (shape [4]) that the graph does not have',
      'the weights name block "stage2" where the graph has "middle" (3 parameters): parameters inside a block are named by the instance\'s path, so rename the instance back to load these weights',
    ]);
  });
});

describe('renamedBlockHints', () => {
  it('names a renamed instance at any depth, and nothing for names that only differ elsewhere', () => {
    expect(renamedBlockHints(['net/b2/w', 'net/b2/h.b'], ['net/b1/w', 'net/b1/h.b', 'W'])).toEqual([
      expect.stringMatching(/^the weights name block "net\/b1" where the graph has "net\/b2" \(2 parameters\)/),
    ]);
    expect(renamedBlockHints(['a/w'], ['a/v'])).toEqual([]);
    expect(renamedBlockHints(['w'], ['v'])).toEqual([]);
  });
});
