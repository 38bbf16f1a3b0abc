/** Which unit a click on a layer image picks (issue 15, plot a unit): the inverse of how layers are drawn. */
import { describe, expect, it } from 'vitest';
import { unitAt } from '../../../app/renderer/src/run/draw/unit-at.js';

describe('unitAt', () => {
  it('a 784-vector drawn 28×28: row-major', () => {
    expect(unitAt([784], 0, 0, 0)).toBe(0);
    expect(unitAt([784], 0, 0.99, 0)).toBe(27);
    expect(unitAt([784], 0, 0.5, 0.5)).toBe(14 * 28 + 14);
    expect(unitAt([784], 0, 0.99, 0.99)).toBe(783);
  });

  it('a grid [h, w, c] (channels last): tile t is channel t', () => {
    // 4×4×3: cell (1, 2) of channel 2 is ((1·4 + 2)·3 + 2).
    expect(unitAt([4, 4, 3], 2, 2.5 / 4, 1.5 / 4)).toBe((1 * 4 + 2) * 3 + 2);
    expect(unitAt([4, 4, 3], 3, 0.1, 0.1)).toBeNull();
  });

  it('a strip: the padding after the last unit and points outside pick nothing', () => {
    // 40 units as 2 rows of 32: the second row holds 8.
    expect(unitAt([40], 0, 7.5 / 32, 0.75)).toBe(39);
    expect(unitAt([40], 0, 8.5 / 32, 0.75)).toBeNull();
    expect(unitAt([40], 0, 1, 0)).toBeNull();
    expect(unitAt([40], 0, -0.01, 0)).toBeNull();
  });
});
