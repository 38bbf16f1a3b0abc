/** A layer's shape switched in the inspector keeps its unit count (issue 15, item 7: it used to become 1×1×1). */
import { describe, expect, it } from 'vitest';
import { carryShape, isLayerShape } from '../../../app/renderer/src/app/inspector/shape-switch.js';

const starters = { vector: { type: 'vector', size: 1 }, grid: { type: 'grid', channels: 1, height: 1, width: 1 }, tokens: { type: 'tokens', tokens: 1, dim: 1 } };

describe('switching a layer shape', () => {
  it('a vector of 784 becomes a 1×28×28 grid, a non-square count a 1×1×n one, and tokens of one feature', () => {
    expect(carryShape({ type: 'vector', size: 784 }, starters.grid)).toEqual({ type: 'grid', channels: 1, height: 28, width: 28 });
    expect(carryShape({ type: 'vector', size: 10 }, starters.grid)).toEqual({ type: 'grid', channels: 1, height: 1, width: 10 });
    expect(carryShape({ type: 'vector', size: 10 }, starters.tokens)).toEqual({ type: 'tokens', tokens: 10, dim: 1 });
  });

  it('a grid becomes a vector of all its units, or one token per position with its channels as features; and back', () => {
    const grid = { type: 'grid', channels: 8, height: 14, width: 14 };
    expect(carryShape(grid, starters.vector)).toEqual({ type: 'vector', size: 1568 });
    expect(carryShape(grid, starters.tokens)).toEqual({ type: 'tokens', tokens: 196, dim: 8 });
    expect(carryShape({ type: 'tokens', tokens: 16, dim: 49 }, starters.vector)).toEqual({ type: 'vector', size: 784 });
    expect(carryShape({ type: 'tokens', tokens: 16, dim: 49 }, starters.grid)).toEqual({ type: 'grid', channels: 49, height: 1, width: 16 });
  });

  it('a shape without a usable count, or the same type, gives the starter unchanged; other unions are not shapes', () => {
    expect(carryShape({ type: 'vector', size: 'x' }, starters.grid)).toBe(starters.grid);
    expect(carryShape({ type: 'grid', channels: 2, height: 3, width: 4 }, { type: 'grid', channels: 1, height: 1, width: 1 })).toEqual(starters.grid);
    expect(isLayerShape({ type: 'normal' })).toBe(false);
    expect(isLayerShape(starters.tokens)).toBe(true);
  });
});
