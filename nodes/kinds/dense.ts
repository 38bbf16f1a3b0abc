import { z, weightInit } from '../schema.js';
import { defineKind, initSummary, layerIn } from '../kind.js';

export const denseParams = z.object({ init: weightInit(0.3) }).strict();

export const denseKind = defineKind({
  id: 'dense',
  title: 'Dense coupling',
  category: 'couplings',
  doc: 'All-to-all between two layers, E = −x_upper·(x_lower W); down uses Wᵀ (tied).',
  inputs: [
    layerIn('lower', 'lower', 'layer whose flattened state feeds up through W'),
    layerIn('upper', 'upper', 'layer whose flattened state feeds down through Wᵀ'),
  ],
  outputs: [],
  params: denseParams,
  summary: (p) => initSummary(p.init),
});
