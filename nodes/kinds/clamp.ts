import { z, fraction, positiveInt } from '../schema.js';
import { defineKind, layerIn, summaryOf } from '../kind.js';

const idx = z.number().int({ error: 'expected a unit index (integer ≥ 0)' }).min(0, { error: 'expected a unit index (integer ≥ 0)' });

/** Which units of the layer are held at the data (seed Eq. 4). Halves and squares need a grid (or a square vector). */
export const clampMaskSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('whole') }).strict(),
    z.object({ kind: z.literal('top-half') }).strict(),
    z.object({ kind: z.literal('bottom-half') }).strict(),
    z.object({ kind: z.literal('left-half') }).strict(),
    z.object({ kind: z.literal('right-half') }).strict(),
    z.object({ kind: z.literal('centre-square'), size: positiveInt().default(14).describe('side of the square, in pixels') }).strict(),
    z
      .object({
        kind: z.literal('random-fraction'),
        fraction: fraction().default(0.5).describe('share of units clamped, drawn per example'),
      })
      .strict(),
    z.object({ kind: z.literal('indices'), indices: z.array(idx).min(1, { error: 'expected at least one index' }) }).strict(),
    z
      .object({
        kind: z.literal('label-units'),
        offset: idx.default(0).describe('first label unit'),
        count: positiveInt().default(10).describe('number of classes; the label is written one-hot'),
      })
      .strict(),
  ],
  {
    error:
      'expected a mask with kind "whole", "top-half", "bottom-half", "left-half", "right-half", "centre-square", "random-fraction", "indices" or "label-units"',
  },
);

export type ClampMask = z.infer<typeof clampMaskSchema>;
export const CLAMP_MASK_KINDS = [
  'whole',
  'top-half',
  'bottom-half',
  'left-half',
  'right-half',
  'centre-square',
  'random-fraction',
  'indices',
  'label-units',
] as const satisfies readonly ClampMask['kind'][];

export const clampParams = z
  .object({
    mask: clampMaskSchema.default({ kind: 'whole' }).describe('which units are clamped'),
    hold: z
      .boolean()
      .default(true)
      .describe('hold the units at the data every iteration (true) or only start from it (false: denoising)'),
  })
  .strict();

export type ClampParams = z.infer<typeof clampParams>;

export const clampKind = defineKind({
  id: 'clamp',
  title: 'Clamp',
  category: 'data',
  doc: 'Holds a visible layer\'s masked units at the data: x ← c·x_data + (1−c)·f(z).',
  inputs: [
    layerIn('layer', 'layer', 'the visible layer to clamp'),
    { name: 'data', label: 'data', socket: 'data', required: true, doc: 'examples (images or labels) from a dataset' },
  ],
  outputs: [],
  params: clampParams,
  summary: (p) => summaryOf(p.mask.kind, !p.hold && 'start only'),
});
