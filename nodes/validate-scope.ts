/**
 * One scope of a document: the top level, or the inside of a block definition. Its nodes
 * are checked one by one (envelope, kind, params) and its edges against the ports of the
 * nodes they name, so every problem carries its path in the file (`prefix` + `nodes[3]…`).
 */
import { findKind, KIND_IDS } from './catalog.js';
import { nodeEnvelopeSchema, nodeIdSchema, edgeSchema } from './graph-parts.js';
import { BLOCK_KIND, blockInstanceSchema, type BlockInstanceNode } from './blocks.js';
import { problemsFromZod, type PathSegment, type Problem } from './problems.js';
import type { GraphNode } from './graph.js';

type Path = readonly PathSegment[];

/** What a scope needs to know of the block definitions: their ids and port names. */
export interface DefinitionNames {
  ids(): readonly string[];
  ports(id: string): { inputs: readonly string[]; outputs: readonly string[] } | undefined;
}

export interface CheckedScope {
  readonly nodes: (GraphNode | BlockInstanceNode)[];
  /** File index of each node id (the first, when ids repeat). */
  readonly indexOf: ReadonlyMap<string, number>;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function checkScope(rawNodes: unknown, rawEdges: unknown, prefix: Path, defs: DefinitionNames, problems: Problem[]): CheckedScope {
  const nodes: (GraphNode | BlockInstanceNode)[] = [];
  const kindOf = new Map<string, { kind: string; block?: string }>();
  const indexOf = new Map<string, number>();
  const where = prefix.length > 0 ? ' in this block' : '';

  /** Records where a node id is first used; a second use is a problem. */
  const claim = (id: string, i: number, found: { kind: string; block?: string }): void => {
    const seen = indexOf.get(id);
    if (seen !== undefined) {
      problems.push({ severity: 'error', path: [...prefix, 'nodes', i, 'id'], nodeId: id, message: `duplicate node id "${id}"${where} (first used by nodes[${seen}])` });
      return;
    }
    indexOf.set(id, i);
    kindOf.set(id, found);
  };
  // A problem names its node only by an id that is one (a malformed id is the problem).
  const idOf = (item: unknown) => (isRecord(item) && nodeIdSchema.safeParse(item.id).success ? (item.id as string) : undefined);

  listOf(rawNodes).forEach((item, i) => {
    const at = [...prefix, 'nodes', i];
    if (isRecord(item) && item.kind === BLOCK_KIND) {
      const parsed = blockInstanceSchema.safeParse(item, { reportInput: true });
      if (!parsed.success) {
        problems.push(...problemsFromZod(parsed.error, at, idOf(item)));
        return;
      }
      const node = parsed.data;
      claim(node.id, i, { kind: node.kind, block: node.block });
      if (!defs.ports(node.block)) {
        const known = defs.ids();
        const hint = closest(node.block, known);
        const list = known.length > 0 ? ` (definitions: ${known.map((d) => `"${d}"`).join(', ')})` : ' (the file defines no blocks)';
        problems.push({ severity: 'error', path: [...at, 'block'], nodeId: node.id, message: `no block definition "${node.block}"${hint ? ` (did you mean "${hint}"?)` : list}` });
        return;
      }
      nodes.push(node);
      return;
    }
    const parsed = nodeEnvelopeSchema.safeParse(item, { reportInput: true });
    if (!parsed.success) {
      problems.push(...problemsFromZod(parsed.error, at, idOf(item)));
      return;
    }
    const node = parsed.data;
    claim(node.id, i, { kind: node.kind });
    const kind = findKind(node.kind);
    if (!kind) {
      const hint = closest(node.kind, [...KIND_IDS, BLOCK_KIND]);
      problems.push({ severity: 'error', path: [...at, 'kind'], nodeId: node.id, message: `unknown node kind ${JSON.stringify(node.kind)}${hint ? ` (did you mean "${hint}"?)` : ''}` });
      return;
    }
    const params = kind.params.safeParse(node.params, { reportInput: true });
    if (!params.success) {
      problems.push(...problemsFromZod(params.error, [...at, 'params'], node.id));
      return;
    }
    nodes.push({ ...node, params: params.data } as GraphNode);
  });

  listOf(rawEdges).forEach((item, i) => {
    const parsed = edgeSchema.safeParse(item);
    if (!parsed.success) {
      // The top-level envelope reports malformed edges; a definition's envelope does too.
      return;
    }
    for (const end of ['from', 'to'] as const) {
      const ref = parsed.data[end];
      const at = [...prefix, 'edges', i, end];
      const found = kindOf.get(ref.node);
      if (found === undefined) {
        problems.push({ severity: 'error', path: [...at, 'node'], message: `no node with id "${ref.node}"${where}` });
        continue;
      }
      const side = end === 'from' ? 'output' : 'input';
      const names = portNames(found, side, defs);
      if (names && !names.includes(ref.port)) {
        const owner = found.kind === BLOCK_KIND ? `block "${ref.node}" (${found.block})` : `${found.kind} node`;
        const list = names.map((p) => `"${p}"`).join(', ') || 'none';
        problems.push({
          severity: 'error',
          path: [...at, 'port'],
          nodeId: ref.node,
          port: ref.port,
          message: `${owner} has no ${side} "${ref.port}" (its ${side}s: ${list})`,
        });
      }
    }
  });

  return { nodes, indexOf };
}

/** Port names on one side of a node; undefined when its kind or definition is unknown (reported elsewhere). */
function portNames(node: { kind: string; block?: string }, side: 'input' | 'output', defs: DefinitionNames): readonly string[] | undefined {
  if (node.kind === BLOCK_KIND) {
    const ports = node.block !== undefined ? defs.ports(node.block) : undefined;
    return ports ? (side === 'input' ? ports.inputs : ports.outputs) : undefined;
  }
  const kind = findKind(node.kind);
  return kind ? (side === 'input' ? kind.inputs : kind.outputs).map((p) => p.name) : undefined;
}

/** The candidate within two edits of `word`, for "did you mean" hints on typos. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
