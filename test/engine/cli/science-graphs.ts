/** Small graphs the NumPy and JSON-output tests share, written into a test's folder. */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { between, clamp, dataset, graphOf, grid, layer, target, vector, within } from '../../helpers/graphs.js';

/**
 * 16 tanh units ↔ 6 tanh units, completing bars and stripes from their top half, on the
 * chromatic schedule; with `recurrent` a symmetric dense coupling inside the hidden layer too.
 */
export function bipartiteFile(dir: string, recurrent: boolean): string {
  const file = join(dir, `bipartite${recurrent ? '-recurrent' : ''}.attractor.json`);
  const parts = [
    layer('v', vector(16), { role: 'visible' }),
    layer('h', vector(6)),
    between('dense', 'W', 'v', 'h', { init: { gain: recurrent ? 0.8 : 1.5 } }),
    ...(recurrent ? [within('dense-within', 'R', 'h', { init: { gain: 0.5 } })] : []),
    dataset('bars', { kind: 'bars-and-stripes', size: 4 }),
    clamp('given', 'v', 'bars', { kind: 'top-half' }),
    target('rest', 'v', 'bars'),
  ];
  writeFileSync(file, JSON.stringify(graphOf(parts, { steps: 60, batch: 4, schedule: 'chromatic' })));
  return file;
}

/** The classic Hopfield example (100 sign units, no biases, zero self-connections), copied in. */
export function hopfieldFile(dir: string): string {
  const file = join(dir, 'hopfield.attractor.json');
  copyFileSync('examples/hopfield.attractor.json', file);
  return file;
}

/** A 1×4×4 visible grid under a 2×4×4 grid with a symmetrised 3×3 convolution inside it. */
export function convWithinFile(dir: string): string {
  const file = join(dir, 'conv-within.attractor.json');
  const parts = [
    layer('v', grid(1, 4, 4), { role: 'visible' }),
    layer('g', grid(2, 4, 4)),
    between('conv', 'K', 'v', 'g', { kernel: 3, init: { gain: 0.8 } }),
    within('conv-within', 'S', 'g', { kernel: 3, init: { gain: 0.4 } }),
    dataset('bars', { kind: 'bars-and-stripes', size: 4 }),
    clamp('given', 'v', 'bars', { kind: 'top-half' }),
  ];
  writeFileSync(file, JSON.stringify(graphOf(parts, { steps: 40, batch: 2 })));
  return file;
}
