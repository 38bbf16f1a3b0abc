import { z, positiveInt } from '../schema.js';
import { defineKind, layerIn } from '../kind.js';

export const patchesParams = z.object({ size: positiveInt().default(7).describe('side p of the square patches, in pixels') }).strict();

export const patchesKind = defineKind({
  id: 'patches',
  title: 'Patches',
  category: 'layers',
  doc: 'Cuts a grid layer into p×p patch tokens for attention blocks; their updates are put back into the grid.',
  inputs: [layerIn('grid', 'grid', 'the grid layer seen as patch tokens', ['grid'])],
  outputs: [{ name: 'tokens', label: 'tokens', socket: 'layer', doc: 'the grid as (h/p)·(w/p) tokens of p·p·c features' }],
  params: patchesParams,
  summary: (p) => `${p.size}×${p.size} patches`,
});
