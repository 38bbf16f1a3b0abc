import { z, fraction, finite } from '../schema.js';
import { defineKind, layerIn, summaryOf } from '../kind.js';

export const noiseParams = z
  .object({
    init: z
      .enum(['zeros', 'uniform', 'normal'])
      .default('uniform')
      .describe('initial state of unclamped units: 0, or f(z) for a random net input z ~ U(−scale, scale) or N(0, scale²), inside the layer\'s range'),
    scale: finite()
      .refine((v) => v >= 0, { error: 'expected a number ≥ 0' })
      .default(0.1)
      .describe('size of the random initial state'),
    dropout: fraction()
      .refine((v) => v < 1, { error: 'expected a number in [0, 1)' })
      .default(0)
      .describe('share of units that skip each update and keep their value (symmetry breaking)'),
    corrupt: fraction().default(0).describe('share of the initial data values replaced by noise (denoising tasks)'),
  })
  .strict();

export type NoiseParams = z.infer<typeof noiseParams>;

export const noiseKind = defineKind({
  id: 'noise',
  title: 'Noise',
  category: 'dynamics',
  doc: "Symmetry breaking on a layer: random initial state, unit dropout during updates, corrupted initial data.",
  inputs: [layerIn('layer', 'layer', 'the layer perturbed')],
  outputs: [],
  params: noiseParams,
  summary: (p) => summaryOf(`${p.init} ${p.scale}`, p.dropout > 0 && `dropout ${p.dropout}`),
});
