/** The unpatch node in the compiler: the grid it shows, how the plan prints it, and errors that name it. */
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile/compile.js';
import { formatPlan } from '../../../engine/compile/plan-text.js';
import { defaultParams } from '../../../nodes/catalog.js';
import { problemLine } from '../../../nodes/problems.js';
import { between, graphOf, grid, layer, unpatched, vector, within, type Parts } from '../../helpers/graphs.js';

const U = { node: 'u', port: 'grid' };
const lines = (parts: Parts[], severity = 'error') =>
  compileGraph(graphOf(parts))
    .problems.filter((p) => p.severity === severity)
    .map(problemLine);

describe('unpatch in the plan', () => {
  it('defaults to 7×7 patches of one channel (MNIST as 16 tokens of 49)', () => {
    expect(defaultParams('unpatch')).toEqual({ size: 7, channels: 1 });
  });

  it('shows 16 tokens of 7·7·1 to a conv as a 1×28×28 grid, and prints the view in the terms', () => {
    const { plan, problems } = compileGraph(
      graphOf([unpatched('u', 't', 16, 49, {}, { role: 'visible' }), layer('h', grid(4, 28, 28)), between('conv', 'k', U, 'h', { kernel: 5 })]),
    );
    expect(problems).toEqual([]);
    const k = plan!.couplings.find((c) => c.id === 'k')!;
    expect(k).toMatchObject({ kind: 'conv', lower: 't', upper: 'h', lowerView: { patch: 7, height: 28, width: 28, channels: 1 } });
    expect(k).not.toHaveProperty('upperView');
    expect(plan!.params.find((p) => p.name === 'k')!.shape).toEqual([5, 5, 1, 4]);
    expect(plan!.params.find((p) => p.name === 't.b')!.shape).toEqual([49]);
    expect(plan!.guarantee.kind).toBe('descent');
    const text = formatPlan(plan!);
    expect(text).toContain('z[h] += conv(unpatch(x[t]), k)  ("t" put back as a grid[1×28×28] of 7×7 patches)');
    expect(text).toContain('z[t] += patches(conv(x[h], flip(k)ᵀ))  (conv-transpose of k; "t" put back as a grid[1×28×28] of 7×7 patches)');
  });

  it('conv-within through unpatch: a within coupling of the token layer, c channels wide', () => {
    const { plan } = compileGraph(graphOf([unpatched('u', 't', 9, 12, { size: 2, channels: 3 }, { role: 'visible' }), within('conv-within', 'r', U, { kernel: 3 })]));
    expect(plan!.couplings[0]).toMatchObject({ kind: 'conv-within', layer: 't', view: { patch: 2, height: 6, width: 6, channels: 3 } });
    expect(plan!.params.find((p) => p.name === 'r')!.shape).toEqual([3, 3, 3, 3]);
    expect(formatPlan(plan!)).toContain('z[t] += patches(conv(unpatch(x[t]), ½(r + flip(r)ᵀ)))  ("t" put back as a grid[3×6×6] of 2×2 patches)');
  });
});

describe('unpatch errors name the node', () => {
  const conv = (tokens: number, dim: number, params: Record<string, unknown>): Parts[] => [
    unpatched('u', 't', tokens, dim, params, { role: 'visible' }),
    layer('h', grid(2, 28, 28)),
    between('conv', 'k', U, 'h', { kernel: 3 }),
  ];

  it('a patch size whose p·p·c is not the token width, once however many couplings read it', () => {
    const parts = [...conv(16, 49, { size: 5 }), within('conv-within', 'r', U, { kernel: 3 })];
    expect(lines(parts)).toEqual(['nodes[1].params.size: expected tokens of size·size·channels = 5·5·1 = 25 features, got 49 from layer "t" (node "u", port "tokens")']);
    expect(lines(conv(16, 49, { size: 7, channels: 2 }))[0]).toMatch(/= 7·7·2 = 98 features, got 49 from layer "t" \(node "u", port "tokens"\)$/);
  });

  it('a token count that is not a square', () => {
    expect(lines(conv(15, 49, {}))).toEqual(['nodes[1]: expected a square number of tokens (n² patches tile an n×n grid), got 15 from layer "t" (node "u", port "tokens")']);
  });

  it('a layer that is not tokens', () => {
    const parts: Parts[] = [layer('v', vector(49)), { nodes: [{ id: 'u', kind: 'unpatch', params: {} }], edges: [{ from: { node: 'v', port: 'state' }, to: { node: 'u', port: 'tokens' } }] }, within('conv-within', 'r', U)];
    expect(lines(parts)).toEqual(['nodes[1]: expected a tokens layer, got vector[49] from layer "v" (node "u", port "tokens")']);
  });

  it('a grid that does not match the other end of a conv', () => {
    expect(lines(conv(4, 49, {}))[0]).toMatch(/expected layers of equal height and width .* got lower "t" 14×14 and upper "h" 28×28 \(node "k", port "upper"\)/);
  });

  it('wired to an input that does not take a grid view, with where it does go', () => {
    const parts = [unpatched('u', 't', 4, 4, { size: 2 }), layer('h', vector(3)), between('dense', 'w', U, 'h')];
    expect(lines(parts)[0]).toBe(
      'nodes[3]: input "lower" needs a layer node, got unpatch "u" (an unpatch node feeds grid inputs: conv, conv-within and patches) (node "w", port "lower")',
    );
  });

  it('one that feeds nothing is a warning', () => {
    const parts = [unpatched('u', 't', 4, 4, { size: 2 }), within('dense-within', 'r', 't')];
    expect(lines(parts, 'warning')).toEqual(['nodes[1]: warning: unpatch feeds nothing (node "u")']);
  });
});
