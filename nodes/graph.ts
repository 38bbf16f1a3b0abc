/**
 * The graph document: plain JSON, `"format": "attractor-graph"`, version 2.
 *
 * Validation runs in two stages so that every problem names its path: the envelope
 * (with each node's params left open), then each node's params against its kind's schema.
 */
import { z, finite } from './schema.js';
import { KINDS, type KindId } from './catalog.js';
import { settleConfigSchema, trainingConfigSchema } from './config.js';
import { edgeSchema, nodeEnvelopeSchema, nodeIdSchema, positionSchema } from './graph-parts.js';
import { blockDefinitionEnvelopeSchema, blockInstanceSchema, type BlockDefinitionOf, type BlockInstanceNode } from './blocks.js';

export const GRAPH_FORMAT = 'attractor-graph';
/** 2: block definitions (`blocks`) and block instances (nodes of kind "block"); 1 had neither. */
export const GRAPH_VERSION = 2;
export const GRAPH_EXTENSION = '.attractor.json';

export { nodeIdSchema, nodeEnvelopeSchema, edgeSchema, type Edge, type PortRef } from './graph-parts.js';

export const commentSchema = z
  .object({
    id: z.string(),
    text: z.string().max(10_000),
    position: positionSchema,
    nodes: z.array(nodeIdSchema).default([]).describe('nodes the comment frames'),
  })
  .strict();

/** The document with each node and block definition left open: they are checked one by one (validate.ts). */
export const graphEnvelopeSchema = z
  .object({
    format: z.literal(GRAPH_FORMAT, { error: `expected "${GRAPH_FORMAT}"` }),
    version: z.literal(GRAPH_VERSION, { error: `expected ${GRAPH_VERSION}` }),
    name: z.string().max(200).default('untitled'),
    description: z.string().max(10_000).default(''),
    nodes: z.array(z.unknown(), { error: 'expected an array of nodes' }),
    edges: z.array(edgeSchema, { error: 'expected an array of edges' }).default([]),
    blocks: z.array(z.unknown(), { error: 'expected an array of block definitions' }).default([]).describe('block definitions: reusable sub-graphs'),
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

export type { BlockInstanceNode };
/** A node of a document: a catalog node or a block instance. */
export type DocNode = GraphNode | BlockInstanceNode;
export type BlockDefinition = BlockDefinitionOf<DocNode>;

export type GraphDoc = Omit<z.output<typeof graphEnvelopeSchema>, 'nodes' | 'blocks'> & { nodes: DocNode[]; blocks: BlockDefinition[] };

/** A graph whose blocks are flattened away (engine/compile/flatten.ts): what the compiler reads. */
export type FlatGraph = Omit<GraphDoc, 'nodes' | 'blocks'> & { nodes: GraphNode[] };

const documentNodeSchema = z.discriminatedUnion('kind', [
  ...KINDS.map((k) => nodeEnvelopeSchema.extend({ kind: z.literal(k.id), params: (k.params as z.ZodType).default({}) })),
  blockInstanceSchema,
] as unknown as [z.ZodObject, ...z.ZodObject[]]);

/** The full document schema, node params included (a union on `kind`): what `graph.schema.json` exports. */
export const graphDocumentSchema = graphEnvelopeSchema.extend({
  nodes: z.array(documentNodeSchema),
  blocks: z.array(blockDefinitionEnvelopeSchema.extend({ nodes: z.array(documentNodeSchema) })).default([]),
});
