import { z, fraction, positiveInt } from '../schema.js';
import { defineKind, summaryOf } from '../kind.js';

const path = z.string({ error: 'expected a file path' }).min(1, { error: 'expected a file path' });
const seed = z.number().int({ error: 'expected an integer seed' }).default(0);

/** Where examples come from. Paths are relative to the graph file. */
export const datasetSourceSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('mnist'),
        split: z
          .enum(['train', 'test', 'all'])
          .default('all')
          .describe('all 10,000 digits (training uses the 9,000 train, settling and evaluation the 1,000 held out: every 10th), or one part only'),
        digits: z.array(z.number().int().min(0).max(9)).optional().describe('keep only these classes'),
      })
      .strict(),
    z.object({ kind: z.literal('bars-and-stripes'), size: positiveInt().default(4).describe('side of the square') }).strict(),
    z
      .object({
        kind: z.literal('random-patterns'),
        count: positiveInt().default(5).describe('P patterns'),
        size: positiveInt().default(100).describe('N units'),
        seed,
      })
      .strict(),
    z
      .object({
        kind: z.literal('shapes'),
        count: positiveInt().default(1000),
        size: positiveInt().default(16).describe('side of the square image'),
        channels: positiveInt('an integer from 1 to 8').max(8, { error: 'expected an integer from 1 to 8' }).optional().describe('colour channels (default 1): with more than one, each shape gets a colour (a non-empty subset of the channels)'),
        seed,
      })
      .strict(),
    z
      .object({
        kind: z.literal('associative-recall'),
        pairs: positiveInt().default(4).describe('key→value pairs per sequence'),
        symbols: positiveInt().default(8).describe('alphabet size V of keys and of values'),
        count: positiveInt().default(2000).describe('sequences'),
        seed,
      })
      .strict()
      .describe('sequences of key→value tokens [key one-hot; value one-hot], then a query token holding a key: its value slot is the answer'),
    z.object({ kind: z.literal('idx'), images: path, labels: path.optional() }).strict(),
    z
      .object({ kind: z.literal('csv'), path, labelColumn: z.string().optional().describe('column holding the class label') })
      .strict(),
    z.object({ kind: z.literal('png-folder'), path }).strict(),
  ],
  {
    error:
      'expected a source with kind "mnist", "bars-and-stripes", "random-patterns", "shapes", "associative-recall", "idx", "csv" or "png-folder"',
  },
);

export type DatasetSource = z.infer<typeof datasetSourceSchema>;

export const datasetParams = z
  .object({
    source: datasetSourceSchema.default({ kind: 'mnist', split: 'all' }),
    shuffle: z.boolean().default(true).describe('shuffle examples each epoch (seeded)'),
    limit: positiveInt().optional().describe('use only N examples, evenly spaced through the set (each part of a split keeps its share)'),
    holdout: fraction().optional().describe('for sources without a split: share held out for evaluation'),
    range: z
      .enum(['auto', 'unit', 'symmetric'])
      .default('auto')
      .describe('values as stored in [0, 1] (unit), or mapped to [−1, 1] by 2v−1 (symmetric); auto: symmetric for sign layers and for binary patterns on tanh layers'),
  })
  .strict();

export type DatasetParams = z.infer<typeof datasetParams>;

export const datasetKind = defineKind({
  id: 'dataset',
  title: 'Dataset',
  category: 'data',
  doc: 'Examples for clamps and targets: MNIST, synthetic sets, or your IDX, CSV and PNG files.',
  inputs: [],
  outputs: [
    { name: 'images', label: 'images', socket: 'data', doc: 'the examples, scaled to [0, 1]' },
    { name: 'labels', label: 'labels', socket: 'data', doc: 'class labels, written one-hot where they feed a layer' },
  ],
  params: datasetParams,
  summary: (p) => summaryOf(p.source.kind, p.limit !== undefined && `${p.limit} examples`),
});
