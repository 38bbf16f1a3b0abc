/** Flipping a unit of the start state (issue 15, edit state before settling): within its activation's range. */
import { describe, expect, it } from 'vitest';
import { flipValue } from '../../../app/renderer/src/run/settle/start-edits.js';

describe('flipValue', () => {
  it('mirrors ±1 units, turns 0 on, and complements [0, 1] units', () => {
    expect(flipValue(-1, 'tanh')).toBe(1);
    expect(flipValue(0.25, 'sign')).toBe(-0.25);
    expect(flipValue(0, 'tanh')).toBe(1);
    expect(flipValue(0.2, 'sigmoid')).toBeCloseTo(0.8, 9);
    expect(flipValue(1, 'softmax')).toBe(0);
  });
});
