/**
 * The graph document: plain JSON, `"format": "attractor-graph"`, version 1.
 *
 * Validation runs in two stages so that every problem names its path: the envelope
 * (with each node's params left open), then each node's params against its kind's schema.
 */
import { z, finite } from './schema.js';
import { KINDS, type KindId } from './catalog.js';
import { settleConfigSchema, trainingConfigSchema } from './config.js';

export const GRAPH_FORMAT = 'attractor-graph';
export const GRAPH_VERSION = 1;
export const GRAPH_EXTENSION = '.attractor.json';

export const nodeIdSchema = z
  .string({ error: 'expected a node id (letters, digits, "_" or "-", starting with a letter or "_")' })
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, {
    error: 'expected a node id (letters, digits, "_" or "-", starting with a letter or "_", at most 64 characters)',
  });

const position = z.object({ x: finite(), y: finite() }).strict();

export const nodeEnvelopeSchema = z
  .object({
    id: nodeIdSchema,
    kind: z.string({ error: 'expected a node kind' }),
    label: z.string().max(200).optional(),
    params: z.record(z.string(), z.unknown(), { error: 'expected an object of parameters' }).default({}),
    position: position.default({ x: 0, y: 0 }),
  })
  .strict();

const portRef = z.object({ node: nodeIdSchema, port: z.string({ error: 'expected a port name' }) }).strict();

export const edgeSchema = z.object({ from: portRef, to: portRef }).strict();
export type Edge = z.infer<typeof edgeSchema>;

export const commentSchema = z
  .object({
    id: z.string(),
    text: z.string().max(10_000),
    position: position,
    nodes: z.array(nodeIdSchema).default([]).describe('nodes the comment frames'),
  })
  .strict();

export const graphEnvelopeSchema = z
  .object({
    format: z.literal(GRAPH_FORMAT, { error: `expected "${GRAPH_FORMAT}"` }),
    version: z.literal(GRAPH_VERSION, { error: `expected ${GRAPH_VERSION}` }),
    name: z.string().max(200).default('untitled'),
    description: z.string().max(10_000).default(''),
    nodes: z.array(nodeEnvelopeSchema, { error: 'expected an array of nodes' }),
    edges: z.array(edgeSchema, { error: 'expected an array of edges' }).default([]),
    settle: settleConfigSchema.default(settleConfigSchema.parse({})),
    training: trainingConfigSchema.default(trainingConfigSchema.parse({})),
    weights: z.string().min(1).optional().describe('sidecar folder with the weights, relative to the graph file'),
    comments: z.array(commentSchema).default([]),
    editor: z.object({ x: finite(), y: finite(), zoom: finite() }).strict().optional(),
  })
  .strict();

type KindById = { [K in (typeof KINDS)[number] as K['id']]: K };
export type ParamsOf<K extends KindId> = z.output<KindById[K]['params']>;

export type GraphNode = {
  [K in KindId]: {
    id: string;
    kind: K;
    label?: string;
    params: ParamsOf<K>;
    position: { x: number; y: number };
  };
}[KindId];

export type NodeOfKind<K extends KindId> = Extract<GraphNode, { kind: K }>;

export type GraphDoc = Omit<z.output<typeof graphEnvelopeSchema>, 'nodes'> & { nodes: GraphNode[] };

/** The full document schema, node params included (a union on `kind`): what `graph.schema.json` exports. */
export const graphDocumentSchema = graphEnvelopeSchema.extend({
  nodes: z.array(
    z.discriminatedUnion(
      'kind',
      KINDS.map((k) =>
        nodeEnvelopeSchema.extend({ kind: z.literal(k.id), params: (k.params as z.ZodType).default({}) }),
      ) as unknown as [z.ZodObject, ...z.ZodObject[]],
    ),
  ),
});
