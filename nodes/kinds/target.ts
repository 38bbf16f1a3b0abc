import { z, positive } from '../schema.js';
import { defineKind, layerIn, summaryOf } from '../kind.js';

export const targetParams = z
  .object({
    loss: z
      .enum(['auto', 'mse', 'cross-entropy'])
      .default('auto')
      .describe('auto: cross-entropy on softmax layers, squared error (seed Eq. 5) otherwise'),
    units: z.enum(['unclamped', 'all']).default('unclamped').describe('score only units no clamp holds, or all'),
    weight: positive().default(1).describe('weight of this loss in the total'),
  })
  .strict();

export type TargetParams = z.infer<typeof targetParams>;

export const targetKind = defineKind({
  id: 'target',
  title: 'Target',
  category: 'training',
  doc: 'A training loss on a visible layer: ‖(x_T − y)M‖² or cross-entropy, over unclamped units.',
  inputs: [
    layerIn('layer', 'layer', 'the visible layer scored'),
    { name: 'data', label: 'data', socket: 'data', required: true, doc: 'the target values y' },
  ],
  outputs: [],
  params: targetParams,
  summary: (p) => summaryOf(`loss ${p.loss}`, `×${p.weight}`),
});
