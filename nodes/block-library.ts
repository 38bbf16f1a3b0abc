/**
 * Block library files (`*.blocks.json`): block definitions on their own, to share between
 * graphs. `{ "format": "attractor-blocks", "version": 1, "blocks": [ … ] }`, each entry
 * a definition exactly as it stands in a graph file's `blocks`. A library is
 * self-contained: a definition that uses another block carries that one too.
 */
import { z } from './schema.js';
import { BLOCK_KIND, type BlockDefinitionOf } from './blocks.js';
import { checkDefinitions } from './block-check.js';
import type { BlockDefinition } from './graph.js';
import { problemsFromZod, type Problem } from './problems.js';

export const BLOCK_LIBRARY_FORMAT = 'attractor-blocks';
export const BLOCK_LIBRARY_VERSION = 1;
export const BLOCK_LIBRARY_EXTENSION = '.blocks.json';

const libraryEnvelopeSchema = z
  .object({
    format: z.literal(BLOCK_LIBRARY_FORMAT, { error: `expected "${BLOCK_LIBRARY_FORMAT}"` }),
    version: z.literal(BLOCK_LIBRARY_VERSION),
    name: z.string().max(200).optional(),
    blocks: z.array(z.unknown(), { error: 'expected an array of block definitions' }),
  })
  .strict();

export interface BlockLibrary {
  readonly format: typeof BLOCK_LIBRARY_FORMAT;
  readonly version: typeof BLOCK_LIBRARY_VERSION;
  readonly name?: string;
  readonly blocks: BlockDefinition[];
}

export type LibraryValidation = { ok: true; library: BlockLibrary } | { ok: false; problems: Problem[] };

/** A library file's JSON, checked as strictly as a graph file's `blocks`, with paths into the file. */
export function validateBlockLibrary(json: unknown): LibraryValidation {
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > BLOCK_LIBRARY_VERSION) {
    const message = `written by a newer version (block library version ${version}; this build reads up to ${BLOCK_LIBRARY_VERSION})`;
    return { ok: false, problems: [{ severity: 'error', path: ['version'], message }] };
  }
  const envelope = libraryEnvelopeSchema.safeParse(json, { reportInput: true });
  const problems: Problem[] = envelope.success ? [] : problemsFromZod(envelope.error);
  const raw = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const definitions = checkDefinitions(raw.blocks, problems);
  if (!envelope.success || problems.length > 0) return { ok: false, problems };
  const { name } = envelope.data;
  return { ok: true, library: { format: BLOCK_LIBRARY_FORMAT, version: BLOCK_LIBRARY_VERSION, ...(name !== undefined ? { name } : {}), blocks: definitions.list } };
}

/** What merging and dependency lookups read of a node: document nodes and editor records alike. */
type NodeRef = { kind: string; block?: string };

/** The definitions `ids` need: themselves and every block they use, directly or inside others. */
export function withDependencies<N extends NodeRef>(all: readonly BlockDefinitionOf<N>[], ids: readonly string[]): BlockDefinitionOf<N>[] {
  const byId = new Map(all.map((d) => [d.id, d]));
  const wanted = new Set<string>();
  const visit = (id: string) => {
    const def = byId.get(id);
    if (!def || wanted.has(id)) return;
    wanted.add(id);
    for (const n of def.nodes) if (n.kind === BLOCK_KIND && n.block !== undefined) visit(n.block);
  };
  ids.forEach(visit);
  return all.filter((d) => wanted.has(d.id));
}

export function blockLibrary(all: readonly BlockDefinition[], ids: readonly string[], name?: string): BlockLibrary {
  return {
    format: BLOCK_LIBRARY_FORMAT,
    version: BLOCK_LIBRARY_VERSION,
    ...(name !== undefined ? { name } : {}),
    blocks: structuredClone(withDependencies(all, ids)),
  };
}

export interface Merged<N extends NodeRef = BlockDefinition['nodes'][number]> {
  readonly blocks: BlockDefinitionOf<N>[];
  /** Ids of the imported definitions that were added (after renaming). */
  readonly added: string[];
  /** Imported ids that clashed with a different definition of the graph, and the id each got. */
  readonly renamed: Readonly<Record<string, string>>;
}

/**
 * The graph's definitions with a library's added. A definition identical to one the graph
 * has is not added twice; one whose id is taken by a different definition gets a free id
 * ("conv-stage-2"), and the library's own references to it follow.
 */
export function mergeDefinitions<N extends NodeRef>(existing: readonly BlockDefinitionOf<N>[], imported: readonly BlockDefinitionOf<N>[]): Merged<N> {
  const taken = new Map(existing.map((d) => [d.id, JSON.stringify(d)]));
  const renamed: Record<string, string> = {};
  for (const def of imported) {
    const same = taken.get(def.id);
    if (same === undefined || same === JSON.stringify(def)) continue;
    let n = 2;
    while (taken.has(`${def.id}-${n}`) || imported.some((d) => d.id === `${def.id}-${n}`)) n++;
    renamed[def.id] = `${def.id}-${n}`;
  }
  const rename = (id: string) => renamed[id] ?? id;
  const added: BlockDefinitionOf<N>[] = [];
  for (const def of imported) {
    const id = rename(def.id);
    if (taken.get(id) === JSON.stringify(def)) continue;
    const nodes = def.nodes.map((n) => (n.kind === BLOCK_KIND && n.block !== undefined ? { ...n, block: rename(n.block) } : n));
    added.push({ ...structuredClone(def), id, nodes: structuredClone(nodes) });
    taken.set(id, '');
  }
  return { blocks: [...structuredClone(existing), ...added], added: added.map((d) => d.id), renamed };
}
