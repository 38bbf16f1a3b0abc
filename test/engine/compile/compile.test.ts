import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile/compile.js';
import { problemLine } from '../../../nodes/problems.js';
import { between, clamp, dataset, graphOf, grid, layer, vector, within } from '../../helpers/graphs.js';

const phasesOf = (plan: { phases: readonly { updates: readonly { layer: string }[] }[] }) => plan.phases.map((p) => p.updates.map((u) => u.layer));

const bipartite = (settle = {}) =>
  graphOf(
    [
      layer('visible', vector(16), { role: 'visible' }),
      layer('hidden', vector(8)),
      between('dense', 'w', 'visible', 'hidden'),
    ],
    settle,
  );

describe('schedules', () => {
  it('chromatic on a bipartite pair: hidden first, then visible; descent', () => {
    const { plan } = compileGraph(bipartite());
    expect(phasesOf(plan!)).toEqual([['hidden'], ['visible']]);
    expect(plan!.guarantee.kind).toBe('descent');
  });

  it('chromatic on a 3-layer stack gives the seed\'s odd/even alternation', () => {
    const g = graphOf([
      layer('v', vector(16), { role: 'visible' }),
      layer('h1', vector(8)),
      layer('h2', vector(4)),
      between('dense', 'a', 'v', 'h1'),
      between('dense', 'b', 'h1', 'h2'),
    ]);
    const { plan } = compileGraph(g);
    expect(phasesOf(plan!)).toEqual([['h1'], ['v', 'h2']]);
    expect(plan!.guarantee.kind).toBe('descent');
  });

  it('chromatic on a triangle of layers needs three colours', () => {
    const g = graphOf([
      layer('a', vector(4), { role: 'visible' }),
      layer('b', vector(4)),
      layer('c', vector(4)),
      between('dense', 'ab', 'a', 'b'),
      between('dense', 'bc', 'b', 'c'),
      between('dense', 'ca', 'c', 'a'),
    ]);
    const { plan } = compileGraph(g);
    expect(plan!.phases).toHaveLength(3);
    expect(phasesOf(plan!).flat().sort()).toEqual(['a', 'b', 'c']);
    expect(plan!.guarantee.kind).toBe('descent');
  });

  it('synchronous: one phase, Koiran\'s fixed point or 2-cycle', () => {
    const { plan } = compileGraph(bipartite({ schedule: 'synchronous' }));
    expect(phasesOf(plan!)).toEqual([['visible', 'hidden']]);
    expect(plan!.guarantee.kind).toBe('fixed-point-or-2-cycle');
    expect(plan!.guarantee.reason).toMatch(/Koiran/);
  });

  it('sequential: one layer per phase, hidden layers first', () => {
    const { plan } = compileGraph(bipartite({ schedule: 'sequential', order: 'shuffled' }));
    expect(phasesOf(plan!)).toEqual([['hidden'], ['visible']]);
    expect(plan!.order).toBe('shuffled');
    expect(plan!.guarantee.kind).toBe('descent');
  });

  it('a within-layer coupling updated in parallel is not descent; one unit at a time is', () => {
    const g = (schedule: string) =>
      graphOf([layer('x', vector(10), { activation: 'sign', role: 'visible' }), within('dense-within', 'w', 'x')], { schedule });
    expect(compileGraph(g('chromatic')).plan!.guarantee.kind).toBe('fixed-point-or-2-cycle');
    const asyncPlan = compileGraph(g('asynchronous')).plan!;
    expect(asyncPlan.unitwise).toBe(true);
    expect(asyncPlan.guarantee.kind).toBe('descent');
  });

  it('a shuffled phase order voids Koiran\'s fixed point or 2-cycle: the iteration map changes every iteration (issue 13)', () => {
    const g = (order: string) =>
      graphOf([layer('v', vector(6), { role: 'visible' }), layer('h', vector(6)), between('dense', 'w', 'v', 'h'), within('dense-within', 'r', 'h')], { schedule: 'sequential', order });
    expect(compileGraph(g('fixed')).plan!.guarantee.kind).toBe('fixed-point-or-2-cycle');
    const shuffled = compileGraph(g('shuffled')).plan!.guarantee;
    expect(shuffled.kind).toBe('none');
    expect(shuffled.reason).toMatch(/order changes every iteration/);
    // Descent does not depend on the order: every phase descends on its own.
    const plain = graphOf([layer('v', vector(6), { role: 'visible' }), layer('h', vector(6)), between('dense', 'w', 'v', 'h')], { schedule: 'sequential', order: 'shuffled' });
    expect(compileGraph(plain).plan!.guarantee.kind).toBe('descent');
    // One phase has nothing to shuffle.
    const one = graphOf([layer('x', vector(10), { activation: 'sign', role: 'visible' }), within('dense-within', 'w', 'x')], { schedule: 'chromatic', order: 'shuffled' });
    expect(compileGraph(one).plan!.guarantee.kind).toBe('fixed-point-or-2-cycle');
  });

  it('linear layers updated in parallel with their couplings have no guarantee', () => {
    const g = graphOf([layer('v', vector(4), { activation: 'linear', role: 'visible' }), layer('h', vector(4)), between('dense', 'w', 'v', 'h')], {
      schedule: 'synchronous',
    });
    const { plan } = compileGraph(g);
    expect(plan!.guarantee.kind).toBe('none');
    expect(plan!.guarantee.reason).toMatch(/linear layer "v"/);
  });

  it('a wholly clamped layer gets no update', () => {
    const g = graphOf([
      layer('v', vector(784), { role: 'visible' }),
      layer('h', vector(8)),
      between('dense', 'w', 'v', 'h'),
      dataset('d', { kind: 'mnist' }),
      clamp('c', 'v', 'd', { kind: 'whole' }),
    ]);
    const { plan } = compileGraph(g);
    expect(phasesOf(plan!)).toEqual([['h']]);
    expect(plan!.layers.find((l) => l.id === 'v')!.fullyClamped).toBe(true);
  });
});

describe('net-input terms', () => {
  it('names each term with its math', () => {
    const g = graphOf([
      layer('v', grid(1, 8, 8), { role: 'visible' }),
      layer('h', grid(3, 8, 8)),
      between('conv', 'k', 'v', 'h', { kernel: 3 }),
      within('conv-within', 'r', 'h', { kernel: 3 }),
    ]);
    const { plan } = compileGraph(g);
    const h = plan!.phases.flatMap((p) => p.updates).find((u) => u.layer === 'h')!;
    expect(h.terms.map((t) => t.direction)).toEqual(['up', 'within']);
    const v = plan!.phases.flatMap((p) => p.updates).find((u) => u.layer === 'v')!;
    expect(v.terms[0].math).toMatch(/conv-transpose of k/);
    expect(plan!.params.find((p) => p.name === 'k')!.shape).toEqual([3, 3, 1, 3]);
    expect(plan!.params.find((p) => p.name === 'h.b')!.shape).toEqual([3]);
    expect(plan!.guarantee.kind).toBe('fixed-point-or-2-cycle');
  });
});

describe('shape inference errors name the node and the port', () => {
  const lines = (g: ReturnType<typeof graphOf>) => compileGraph(g).problems.filter((p) => p.severity === 'error').map(problemLine);

  it('conv on a vector layer', () => {
    const g = graphOf([layer('v', vector(784), { role: 'visible' }), layer('h', grid(4, 28, 28)), between('conv', 'k', 'v', 'h')]);
    expect(lines(g)).toEqual(['nodes[2]: expected a grid layer, got vector[784] from layer "v" (node "k", port "lower")']);
  });

  it('conv between grids of different sizes', () => {
    const g = graphOf([layer('v', grid(1, 28, 28), { role: 'visible' }), layer('h', grid(4, 14, 14)), between('conv', 'k', 'v', 'h')]);
    expect(lines(g)[0]).toMatch(/expected layers of equal height and width .* got lower "v" 28×28 and upper "h" 14×14 \(node "k", port "upper"\)/);
  });

  it('an unconnected port', () => {
    const g = graphOf([layer('v', vector(4), { role: 'visible' }), { nodes: [{ id: 'w', kind: 'dense', params: {} }], edges: [{ from: { node: 'v', port: 'state' }, to: { node: 'w', port: 'lower' } }] }]);
    expect(lines(g)).toEqual(['nodes[1]: input "upper" is not connected (node "w", port "upper")']);
  });

  it('a clamp on a hidden layer', () => {
    const g = graphOf([layer('h', vector(784)), dataset('d', { kind: 'mnist' }), clamp('c', 'h', 'd', { kind: 'top-half' })]);
    expect(lines(g)[0]).toMatch(/expected a visible layer, got hidden layer "h"/);
  });

  it('a half mask on a vector that is not square', () => {
    const g = graphOf([layer('v', vector(10), { role: 'visible' }), dataset('d', { kind: 'mnist' }), clamp('c', 'v', 'd', { kind: 'top-half' })]);
    expect(lines(g)[0]).toMatch(/"top-half" mask needs a grid or a square vector layer, got vector\[10\] "v"/);
  });

  it('an empty graph', () => {
    expect(compileGraph(graphOf([])).problems.map(problemLine)).toEqual(['nodes: expected at least one layer node']);
  });

  it('a coupling with an error adds no "layer has no couplings" warning to its layers (issue 15); a layer wired to none gets it', () => {
    const broken = graphOf([layer('v', vector(784), { role: 'visible' }), layer('h', grid(4, 28, 28)), between('conv', 'k', 'v', 'h')]);
    expect(compileGraph(broken).problems.map(problemLine)).toEqual(['nodes[2]: expected a grid layer, got vector[784] from layer "v" (node "k", port "lower")']);
    const alone = graphOf([layer('v', vector(4), { role: 'visible' }), layer('h', vector(4)), between('dense', 'w', 'v', 'v2'), layer('v2', vector(4))]);
    expect(compileGraph(alone).problems.filter((p) => p.severity === 'warning').map(problemLine)).toEqual(['nodes[1]: warning: layer has no couplings: it only follows its bias (node "h")']);
  });
});
