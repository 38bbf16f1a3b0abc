import { z, oddKernel, weightInit, selfConnections } from '../schema.js';
import { defineKind, initSummary, layerIn, summaryOf } from '../kind.js';

export const convWithinParams = z
  .object({
    kernel: oddKernel().default(3).describe('kernel size k (odd; padding "same", stride 1)'),
    init: weightInit(0.2),
    selfConnections: selfConnections(),
  })
  .strict();

export const convWithinKind = defineKind({
  id: 'conv-within',
  title: 'Conv recurrent coupling',
  category: 'couplings',
  doc: 'Recurrent convolution inside a grid layer (seed Case 1): K = (K0 + swapaxes(flip(K0)))/2, self-connections ≥ 0.',
  inputs: [layerIn('layer', 'layer', 'the grid layer coupled to itself', ['grid'])],
  outputs: [],
  params: convWithinParams,
  summary: (p) => summaryOf(`k=${p.kernel}`, initSummary(p.init)),
});
