/** The graph file format as JSON Schema (draft 2020-12), for editors and other tools; generated from the Zod schemas. */
import { z } from '../../nodes/schema.js';
import { GRAPH_VERSION, graphDocumentSchema } from '../../nodes/graph.js';

export const GRAPH_SCHEMA_ID = `urn:attractor-studio:graph:${GRAPH_VERSION}`;

/**
 * `io: 'input'` describes what a file may contain (fields with defaults are optional),
 * not what the loader returns. Zod refinements (odd kernels, finite numbers) have no
 * JSON Schema form, so the schema accepts a little more than the loader does.
 */
export function graphJsonSchema(): Record<string, unknown> {
  const { $schema, ...body } = z.toJSONSchema(graphDocumentSchema, { io: 'input' }) as Record<string, unknown>;
  return {
    $schema,
    $id: GRAPH_SCHEMA_ID,
    title: `Attractor Studio graph (format version ${GRAPH_VERSION})`,
    description: 'An attractor network as a node graph: layers, couplings, clamps, data and targets, with settle and training settings.',
    ...body,
  };
}

/** The committed `schema/graph.schema.json` text. */
export function graphJsonSchemaText(): string {
  return `${JSON.stringify(graphJsonSchema(), null, 2)}\n`;
}
