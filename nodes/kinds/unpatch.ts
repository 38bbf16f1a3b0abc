import { z, positiveInt } from '../schema.js';
import { defineKind, layerIn, summaryOf } from '../kind.js';

export const unpatchParams = z
  .object({
    size: positiveInt().default(7).describe('side p of the square patches, in pixels'),
    channels: positiveInt().default(1).describe('channels c of the grid; each token holds p·p·c features'),
  })
  .strict();

export const unpatchKind = defineKind({
  id: 'unpatch',
  title: 'Put back patches',
  category: 'layers',
  doc: 'Puts n² patch tokens of p·p·c features back together as a c×(n·p)×(n·p) grid for grid couplings; their updates go back to the tokens.',
  inputs: [layerIn('tokens', 'tokens', 'the token layer seen as a grid (n² tokens of p·p·c features)', ['tokens'])],
  outputs: [{ name: 'grid', label: 'grid', socket: 'layer', doc: 'the tokens as a c×(n·p)×(n·p) grid, patch k at row-major position k' }],
  params: unpatchParams,
  summary: (p) => summaryOf(`${p.size}×${p.size} patches`, `${p.channels} ch`),
});
