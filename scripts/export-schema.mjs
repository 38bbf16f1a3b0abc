#!/usr/bin/env node
// Writes schema/graph.schema.json from the Zod schemas in nodes/ (the same text the
// json-schema test compares against). Plain .mjs because tsx is not a dependency:
// esbuild bundles the TypeScript module to a temp file, which is then imported.
import { build } from 'esbuild';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const temp = await mkdtemp(join(tmpdir(), 'export-schema-'));
try {
  const bundle = join(temp, 'json-schema.mjs');
  await build({
    entryPoints: [join(root, 'engine/format/json-schema.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
    logLevel: 'warning',
  });
  const { graphJsonSchemaText } = await import(pathToFileURL(bundle).href);
  const out = join(root, 'schema', 'graph.schema.json');
  await mkdir(join(root, 'schema'), { recursive: true });
  await writeFile(out, graphJsonSchemaText());
  console.log(`wrote ${out}`);
} finally {
  await rm(temp, { recursive: true, force: true });
}
