/**
 * Sizes past the documented limits are refused while compiling, on the node and path that
 * set them, before anything could try to allocate them (issue 17's reproductions).
 */
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile/compile.js';
import { checkGraph } from '../../../engine/compile/check.js';
import { ensureTensorFits, LIMITS, LimitError } from '../../../engine/compile/limits.js';
import { estimateRun, totalBytes } from '../../../engine/compile/limit-checks.js';
import { loadGraphText } from '../../../engine/format/load.js';
import { pathText, type Problem } from '../../../nodes/problems.js';
import { between, clamp, dataset, graphOf, layer, vector, within } from '../../helpers/graphs.js';

function errors(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === 'error');
}

function onlyError(problems: readonly Problem[]): Problem {
  const errs = errors(problems);
  expect(errs, JSON.stringify(errs)).toHaveLength(1);
  return errs[0];
}

const tokens = (t: number, d: number) => ({ type: 'tokens', tokens: t, dim: d });

describe('size limits at compile time', () => {
  it('refuses self-attention over 100,000 tokens: its mask, on the block, before any T×T matrix exists', () => {
    const g = graphOf([layer('x', tokens(100_000, 8)), { nodes: [{ id: 'attend', kind: 'self-attention', params: {} }], edges: [{ from: { node: 'x', port: 'state' }, to: { node: 'attend', port: 'layer' } }] }]);
    const p = onlyError(compileGraph(g).problems);
    expect(p.nodeId).toBe('attend');
    expect(pathText(p.path)).toBe('nodes[1].params.mask');
    expect(p.message).toMatch(/100000×100000 attention mask would hold 10,000,000,000 values/);
    // The editor's live check says the same, not "the compiler failed unexpectedly".
    expect(checkGraph(g).problems.map((q) => q.message)).toContain(p.message);
  });

  it('refuses a layer of 2³¹ units on its shape', () => {
    const g = graphOf([layer('v', vector(784), { role: 'visible' }), layer('hidden', vector(2 ** 31)), between('dense', 'W', 'v', 'hidden')]);
    const errs = errors(compileGraph(g).problems);
    const onLayer = errs.find((p) => p.nodeId === 'hidden')!;
    expect(pathText(onLayer.path)).toBe('nodes[1].params.shape');
    expect(onLayer.message).toMatch(/2,147,483,648 units .*the limit is 16,777,216/);
  });

  it('refuses a settle batch of 2³² on settle.batch', () => {
    const g = graphOf([layer('v', vector(16)), within('dense-within', 'W', 'v')], { batch: 2 ** 32 });
    const p = errors(compileGraph(g).problems).find((q) => pathText(q.path) === 'settle.batch')!;
    expect(p.message).toBe('expected a batch of at most 4,096 examples, got 4,294,967,296');
    // The CLI's --batch goes through the same check.
    expect(errors(compileGraph(graphOf([layer('v', vector(16)), within('dense-within', 'W', 'v')]), { batch: 5000 }).problems)[0].path).toEqual(['settle', 'batch']);
  });

  it('refuses a memory of 2³² patterns on the memory node', () => {
    const g = graphOf([
      layer('q', vector(64), { activation: 'linear' }),
      { nodes: [{ id: 'memory', kind: 'hopfield-memory', params: { patterns: 2 ** 32 } }], edges: [{ from: { node: 'q', port: 'state' }, to: { node: 'memory', port: 'layer' } }] },
    ]);
    const errs = errors(compileGraph(g).problems);
    expect(errs.length).toBeGreaterThan(0);
    for (const p of errs) expect(p.nodeId).toBe('memory');
    expect(errs.map((p) => p.message).join('\n')).toMatch(/parameter "memory" \[4,294,967,296×64\] would hold/);
  });

  it('refuses a generated dataset larger than a dataset may be, on its count', () => {
    const g = graphOf([
      layer('v', vector(100), { role: 'visible' }),
      dataset('patterns', { kind: 'random-patterns', count: 1e9, size: 100 }),
      clamp('c', 'v', 'patterns', { kind: 'whole' }),
      within('dense-within', 'W', 'v'),
    ]);
    const p = onlyError(compileGraph(g).problems);
    expect(p.nodeId).toBe('patterns');
    expect(pathText(p.path)).toBe('nodes[1].params.source.count');
    expect(p.message).toMatch(/would generate 100,000,000,000 values/);
  });

  it('refuses a conv kernel wider than any offset on its grid', () => {
    const g = graphOf([layer('x', { type: 'grid', channels: 1, height: 28, width: 28 }), within('conv-within', 'K', 'x', { kernel: 9999 })]);
    const p = onlyError(compileGraph(g).problems);
    expect(pathText(p.path)).toBe('nodes[1].params.kernel');
    expect(p.message).toBe('expected a kernel of at most 55 on a 28×28 grid (wider taps never touch a unit), got 9999');
  });

  it('refuses more nodes than a graph may have before validating any of them', () => {
    const nodes = Array.from({ length: LIMITS.nodes + 1 }, (_, i) => ({ id: `n${i}`, kind: 'no such kind' }));
    const r = loadGraphText(JSON.stringify({ format: 'attractor-graph', version: 1, nodes }), 'many.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([{ severity: 'error', path: ['nodes'], message: 'the graph has 10,001 nodes; the limit is 10,000' }]);
    expect(checkGraph({ format: 'attractor-graph', version: 1, nodes }).problems).toEqual(r.problems);
  });

  it('compiles what fits: the limits stay out of the way of ordinary graphs', () => {
    const g = graphOf([layer('v', vector(784), { role: 'visible' }), layer('h', vector(256)), between('dense', 'W', 'v', 'h')]);
    expect(errors(compileGraph(g).problems)).toEqual([]);
  });
});

describe('the run estimate and the allocation guard', () => {
  it('names the largest part of a run first, with its node', () => {
    const g = graphOf([layer('v', vector(784), { role: 'visible' }), layer('h', vector(256)), between('dense', 'W', 'v', 'h')]);
    const plan = compileGraph(g).plan!;
    const items = estimateRun(plan, { batch: 64 });
    expect(items[0].nodeId).toBe('W');
    expect(items.map((i) => i.bytes)).toEqual([...items.map((i) => i.bytes)].sort((a, b) => b - a));
    // Training keeps gradients and optimiser state; a longer unroll holds more state.
    expect(totalBytes(estimateRun(plan, { batch: 64, training: true, unrolled: 20 }))).toBeGreaterThan(totalBytes(items));
  });

  it('throws a LimitError naming the tensor when one would be too large', () => {
    expect(() => ensureTensorFits(2 ** 28, 'x')).not.toThrow();
    expect(() => ensureTensorFits(1e10, 'the 100000×100000 attention mask of "attend"')).toThrow(LimitError);
    expect(() => ensureTensorFits(1e10, 'the 100000×100000 attention mask of "attend"')).toThrow(/^the 100000×100000 attention mask of "attend" would hold 10,000,000,000 values \(37 GiB\)/);
  });
});
