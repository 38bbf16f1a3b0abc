/** Small clamped nets (dense; conv with a conv-within) on which the gradient methods are compared. */
import { between, clamp, dataset, grid, layer, target, vector, within, type Parts } from './graphs.js';

export const CLAMPED_NETS: Record<'dense' | 'conv', Parts[]> = {
  dense: [
    layer('v', vector(16), { role: 'visible' }),
    layer('h', vector(6)),
    between('dense', 'w', 'v', 'h', { init: { gain: 1.2 } }),
    dataset('d', { kind: 'random-patterns', count: 8, size: 16 }, { range: 'unit' }),
    clamp('c', 'v', 'd', { kind: 'top-half' }),
    target('t', 'v', 'd'),
  ],
  conv: [
    layer('v', grid(1, 4, 4), { role: 'visible' }),
    layer('h', grid(2, 4, 4)),
    between('conv', 'k', 'v', 'h', { kernel: 3, init: { gain: 1.2 } }),
    within('conv-within', 'r', 'h', { kernel: 3, init: { gain: 0.4 } }),
    dataset('d', { kind: 'random-patterns', count: 8, size: 16 }, { range: 'unit' }),
    clamp('c', 'v', 'd', { kind: 'left-half' }),
    target('t', 'v', 'd'),
  ],
};
