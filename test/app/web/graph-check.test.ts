/**
 * `graph.check` on its worker thread (app/services/graph-check.ts, the built
 * dist/check-worker.mjs): the answer is the compiler's, also for the graphs that used to
 * crash it; the host's thread stays free while a check runs; and a check past its time
 * limit is stopped with a problem that says so.
 */
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createGraphChecker, type GraphChecker } from '../../../app/services/graph-check.js';
import { checkGraph } from '../../../engine/compile/check.js';
import { graphOf, layer, vector, within } from '../../helpers/graphs.js';

const SCRIPT = join(__dirname, '..', '..', '..', 'dist', 'check-worker.mjs');
let checker: GraphChecker | undefined;
afterEach(async () => {
  await checker?.close();
  checker = undefined;
});

const longAttention = graphOf([
  layer('x', { type: 'tokens', tokens: 100_000, dim: 8 }),
  { nodes: [{ id: 'attend', kind: 'self-attention', params: {} }], edges: [{ from: { node: 'x', port: 'state' }, to: { node: 'attend', port: 'layer' } }] },
]);

/** A graph of `n` small layers in a chain: valid, and slow enough to check that the host's timers get to run meanwhile. */
function chain(n: number) {
  const parts = [layer('l0', vector(4))];
  for (let i = 1; i < n; i++) parts.push(layer(`l${i}`, vector(4)), within('dense-within', `w${i}`, `l${i}`));
  return graphOf(parts);
}

it('answers as the compiler does, on a worker thread: self-attention over 100,000 tokens names its mask (was "the compiler failed unexpectedly")', async () => {
  checker = createGraphChecker(SCRIPT);
  const r = await checker.check(longAttention);
  expect(r).toEqual(checkGraph(longAttention));
  expect(r.problems.map((p) => p.message).join('\n')).toMatch(/100000×100000 attention mask would hold 10,000,000,000 values/);
  expect(r.problems.some((p) => /failed unexpectedly/.test(p.message))).toBe(false);
});

it("keeps the host's thread free while it checks, and stops a check past its time limit", async () => {
  checker = createGraphChecker(SCRIPT);
  const big = chain(4000);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const r = await checker.check(big);
  clearInterval(timer);
  expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  expect(ticks).toBeGreaterThan(0);
  await checker.close();

  checker = createGraphChecker(SCRIPT, 1);
  const stopped = await checker.check(big);
  expect(stopped.problems.map((p) => p.message)).toEqual(['checking this graph took longer than 0.001 s and was stopped; it is too large to check as a whole (the size limits are in the README)']);
});
