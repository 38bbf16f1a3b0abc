/**
 * The pieces a graph document and a block definition share: node ids, positions, the
 * envelope of a catalog node, port references and edges. Kept apart from graph.ts so
 * that blocks.ts can build definitions from them without an import circle.
 */
import { z, finite } from './schema.js';

export const nodeIdSchema = z
  .string({ error: 'expected a node id (letters, digits, "_" or "-", starting with a letter or "_")' })
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, {
    error: 'expected a node id (letters, digits, "_" or "-", starting with a letter or "_", at most 64 characters)',
  });

export const positionSchema = z.object({ x: finite(), y: finite() }).strict();

export const nodeEnvelopeSchema = z
  .object({
    id: nodeIdSchema,
    kind: z.string({ error: 'expected a node kind' }),
    label: z.string().max(200).optional(),
    params: z.record(z.string(), z.unknown(), { error: 'expected an object of parameters' }).default({}),
    position: positionSchema.default({ x: 0, y: 0 }),
  })
  .strict();

export const portRefSchema = z.object({ node: nodeIdSchema, port: z.string({ error: 'expected a port name' }) }).strict();
export type PortRef = z.infer<typeof portRefSchema>;

export const edgeSchema = z.object({ from: portRefSchema, to: portRefSchema }).strict();
export type Edge = z.infer<typeof edgeSchema>;
