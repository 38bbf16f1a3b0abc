import { z, oddKernel, weightInit } from '../schema.js';
import { defineKind, initSummary, layerIn, summaryOf } from '../kind.js';

export const convParams = z
  .object({
    kernel: oddKernel().default(5).describe('kernel size k (odd; padding "same", stride 1)'),
    init: weightInit(0.3),
  })
  .strict();

export const convKind = defineKind({
  id: 'conv',
  title: 'Conv coupling',
  category: 'couplings',
  doc: 'Convolution between two grid layers (seed Case 2): up = conv(K), down = conv-transpose of the same K.',
  inputs: [
    layerIn('lower', 'lower', 'grid layer read by the up convolution', ['grid']),
    layerIn('upper', 'upper', 'grid layer read by the down (transposed) convolution', ['grid']),
  ],
  outputs: [],
  params: convParams,
  summary: (p) => summaryOf(`k=${p.kernel}`, initSummary(p.init)),
});
