import { describe, expect, it } from 'vitest';
import { wireMidpoint, wireShapeText, wireShapes } from '../../../app/renderer/src/editor/wire-shapes.js';
import { choicesForInput, choicesForOutput } from '../../../app/renderer/src/editor/wire-search.js';
import { findKind } from '../../../nodes/catalog.js';

describe('shapes on wires', () => {
  it('says a shape in a wire label’s few characters', () => {
    expect(wireShapeText('vector[784]')).toBe('784');
    expect(wireShapeText('grid[1×28×28]')).toBe('1×28×28');
    expect(wireShapeText('tokens[16×49]')).toBe('16 tokens × 49');
    expect(wireShapeText('something else')).toBe('something else');
  });
  it('labels the wires of every layer of a compiled plan, none without a plan', () => {
    const plan = { layers: [{ id: 'v', shape: 'vector[10]' }, { id: 'g', shape: 'grid[3×8×8]' }] } as unknown as Parameters<typeof wireShapes>[0];
    expect([...wireShapes(plan)]).toEqual([['v', '10'], ['g', '3×8×8']]);
    expect(wireShapes(undefined).size).toBe(0);
  });
  it('puts the label halfway along a cubic wire, or between the ends of another path', () => {
    expect(wireMidpoint('M 0 0 C 40 0 60 100 100 100')).toEqual({ x: 50, y: 50 });
    expect(wireMidpoint('M 0 0 L 10 20')).toEqual({ x: 5, y: 10 });
    expect(wireMidpoint('')).toBeUndefined();
  });
});

describe('search-to-add choices', () => {
  it('from a layer output: kinds with a layer input (couplings, clamps, targets), never a dataset; from a data input: the dataset', () => {
    const fromLayer = choicesForOutput({ socket: 'layer', shape: 'vector' }).map((c) => c.kind);
    expect(fromLayer).toEqual(expect.arrayContaining(['dense', 'clamp', 'target', 'noise']));
    expect(fromLayer).not.toContain('dataset');
    // A vector layer does not fit the patches node's grid input.
    expect(fromLayer).not.toContain('patches');
    const clampData = findKind('clamp')!.inputs.find((p) => p.name === 'data')!;
    expect(choicesForInput(clampData).map((c) => c.kind)).toEqual(['dataset']);
  });
});
