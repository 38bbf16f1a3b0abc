import { z, finite, positiveInt } from '../schema.js';
import { compactShape, layerShapeSchema } from '../shapes.js';
import { defineKind, summaryOf } from '../kind.js';

export const ACTIVATIONS = ['tanh', 'sigmoid', 'sign', 'softmax', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const layerParams = z
  .object({
    shape: layerShapeSchema.default({ type: 'vector', size: 100 }).describe('vector [n], grid [c×h×w] or tokens [t×d]'),
    activation: z
      .enum(ACTIVATIONS, { error: `expected one of ${ACTIVATIONS.join(', ')}` })
      .default('tanh')
      .describe('f, with its energy barrier ∫f⁻¹'),
    softmaxGroup: positiveInt()
      .optional()
      .describe('softmax over groups of this many units (vector layers; default: the whole layer)'),
    bias: z.boolean().default(true).describe('learned bias b (per unit; per channel on grids; per feature on tokens)'),
    biasInit: finite().default(0).describe('initial bias'),
    role: z.enum(['visible', 'hidden']).default('hidden').describe('visible layers can be clamped and carry targets'),
  })
  .strict();

export type LayerParams = z.infer<typeof layerParams>;

export const layerKind = defineKind({
  id: 'layer',
  title: 'Layer',
  category: 'layers',
  doc: 'A pool of units with a shape, an activation f (and its energy barrier), a bias and a role.',
  inputs: [],
  outputs: [{ name: 'state', label: 'state', socket: 'layer', doc: "the layer's units, for couplings, clamps, targets and noise" }],
  params: layerParams,
  summary: (p) => summaryOf(compactShape(p.shape), p.activation, p.role === 'visible' && 'visible'),
});
