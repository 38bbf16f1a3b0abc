import { describe, expect, it } from 'vitest';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { graphJsonSchema, graphJsonSchemaText, GRAPH_SCHEMA_ID } from '../../../engine/format/json-schema.js';
import { KIND_IDS } from '../../../nodes/catalog.js';
import { graphEnvelopeSchema } from '../../../nodes/graph.js';
import { REPO_ROOT } from '../../fixtures/graphs/index.js';

const SCHEMA_FILE = join(REPO_ROOT, 'schema', 'graph.schema.json');

type Schema = { properties: Record<string, { items?: { oneOf?: Schema[] }; const?: unknown }>; required?: string[]; additionalProperties?: boolean };

describe('graph JSON Schema', () => {
  it('matches the committed schema/graph.schema.json (UPDATE_SCHEMA=1 rewrites it)', async () => {
    const text = graphJsonSchemaText();
    if (process.env.UPDATE_SCHEMA === '1') {
      await mkdir(join(REPO_ROOT, 'schema'), { recursive: true });
      await writeFile(SCHEMA_FILE, text);
    }
    const committed = await readFile(SCHEMA_FILE, 'utf8').catch(() => '(missing)');
    expect(committed, 'schema/graph.schema.json is stale: run node scripts/export-schema.mjs (or UPDATE_SCHEMA=1 npx vitest run test/engine/format/json-schema.test.ts)').toBe(text);
  });

  it('describes the whole document, strictly, with one entry per node kind', () => {
    const schema = graphJsonSchema() as Record<string, unknown> & Schema;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(GRAPH_SCHEMA_ID);
    expect(Object.keys(schema.properties)).toEqual(Object.keys(graphEnvelopeSchema.shape));
    expect(schema.additionalProperties).toBe(false);
    // io: 'input': fields with defaults are optional in a file.
    expect(schema.required).toEqual(['format', 'version', 'nodes']);
    expect(schema.properties.format.const).toBe('attractor-graph');
    const kinds = schema.properties.nodes.items?.oneOf?.map((n) => (n.properties.kind as { const?: unknown }).const);
    expect(kinds).toEqual([...KIND_IDS, 'block']);
  });
});
