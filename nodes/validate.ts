/**
 * Document-level validation: what a graph file must satisfy to be opened at all.
 *
 * Graph-level problems a user fixes in the editor (an unconnected port, a conv on
 * a vector layer, mismatched shapes) are the compiler's: a file with them still opens.
 */
import { findKind, KIND_IDS } from './catalog.js';
import { commentSchema, edgeSchema, graphEnvelopeSchema, nodeEnvelopeSchema, type GraphDoc, type GraphNode } from './graph.js';
import { problemsFromZod, type Problem } from './problems.js';

export type Validation = { ok: true; graph: GraphDoc } | { ok: false; problems: Problem[] };

/**
 * Every problem at once, not just the first stage's: when the envelope fails, the nodes,
 * edges and comments that are well-formed on their own are still checked, so a file with
 * a typo in `settle` and a bad kernel size reports both.
 */
export function validateGraph(input: unknown): Validation {
  const envelope = graphEnvelopeSchema.safeParse(input, { reportInput: true });
  const problems: Problem[] = envelope.success ? [] : problemsFromZod(envelope.error);
  const raw = isRecord(input) ? input : {};
  const nodes: GraphNode[] = [];
  const kindOf = new Map<string, string>();
  const firstIndex = new Map<string, number>();

  listOf(raw.nodes).forEach((item, i) => {
    const parsed = nodeEnvelopeSchema.safeParse(item);
    if (!parsed.success) return; // already reported by the envelope
    const node = parsed.data;
    const seen = firstIndex.get(node.id);
    if (seen !== undefined) {
      problems.push({
        severity: 'error',
        path: ['nodes', i, 'id'],
        nodeId: node.id,
        message: `duplicate node id "${node.id}" (first used by nodes[${seen}])`,
      });
    } else {
      firstIndex.set(node.id, i);
      kindOf.set(node.id, node.kind);
    }
    const kind = findKind(node.kind);
    if (!kind) {
      const hint = closest(node.kind, KIND_IDS);
      problems.push({
        severity: 'error',
        path: ['nodes', i, 'kind'],
        nodeId: node.id,
        message: `unknown node kind ${JSON.stringify(node.kind)}${hint ? ` (did you mean "${hint}"?)` : ''}`,
      });
      return;
    }
    const params = kind.params.safeParse(node.params, { reportInput: true });
    if (!params.success) {
      problems.push(...problemsFromZod(params.error, ['nodes', i, 'params'], node.id));
      return;
    }
    nodes.push({ ...node, params: params.data } as GraphNode);
  });

  listOf(raw.edges).forEach((item, i) => {
    const parsed = edgeSchema.safeParse(item);
    if (!parsed.success) return;
    for (const end of ['from', 'to'] as const) {
      const ref = parsed.data[end];
      const kindId = kindOf.get(ref.node);
      if (kindId === undefined) {
        problems.push({ severity: 'error', path: ['edges', i, end, 'node'], message: `no node with id "${ref.node}"` });
        continue;
      }
      const kind = findKind(kindId);
      if (!kind) continue;
      const ports = end === 'from' ? kind.outputs : kind.inputs;
      if (!ports.some((p) => p.name === ref.port)) {
        const names = ports.map((p) => `"${p.name}"`).join(', ') || 'none';
        problems.push({
          severity: 'error',
          path: ['edges', i, end, 'port'],
          nodeId: ref.node,
          port: ref.port,
          message: `${kind.id} node has no ${end === 'from' ? 'output' : 'input'} "${ref.port}" (its ${end === 'from' ? 'outputs' : 'inputs'}: ${names})`,
        });
      }
    }
  });

  listOf(raw.comments).forEach((item, i) => {
    const parsed = commentSchema.safeParse(item);
    if (!parsed.success) return;
    parsed.data.nodes.forEach((id, j) => {
      if (!firstIndex.has(id)) {
        problems.push({ severity: 'error', path: ['comments', i, 'nodes', j], message: `no node with id "${id}"` });
      }
    });
  });

  if (!envelope.success || problems.length > 0) return { ok: false, problems };
  return { ok: true, graph: { ...envelope.data, nodes } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The candidate within two edits of `word`, for "did you mean" hints on typos. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
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
