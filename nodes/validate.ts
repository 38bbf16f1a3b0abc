/**
 * Document-level validation: what a graph file must satisfy to be opened at all.
 *
 * Graph-level problems a user fixes in the editor (an unconnected port, a conv on
 * a vector layer, mismatched shapes) are the compiler's: a file with them still opens.
 */
import { findKind } from './catalog.js';
import { graphEnvelopeSchema, type GraphDoc, type GraphNode } from './graph.js';
import { problemsFromZod, type Problem } from './problems.js';

export type Validation = { ok: true; graph: GraphDoc } | { ok: false; problems: Problem[] };

export function validateGraph(input: unknown): Validation {
  const envelope = graphEnvelopeSchema.safeParse(input, { reportInput: true });
  if (!envelope.success) return { ok: false, problems: problemsFromZod(envelope.error) };
  const doc = envelope.data;
  const problems: Problem[] = [];
  const nodes: GraphNode[] = [];
  const firstIndex = new Map<string, number>();

  doc.nodes.forEach((node, i) => {
    const seen = firstIndex.get(node.id);
    if (seen !== undefined) {
      problems.push({
        severity: 'error',
        path: ['nodes', i, 'id'],
        nodeId: node.id,
        message: `duplicate node id "${node.id}" (first used by nodes[${seen}])`,
      });
    } else firstIndex.set(node.id, i);
    const kind = findKind(node.kind);
    if (!kind) {
      problems.push({
        severity: 'error',
        path: ['nodes', i, 'kind'],
        nodeId: node.id,
        message: `unknown node kind ${JSON.stringify(node.kind)}`,
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

  doc.edges.forEach((edge, i) => {
    for (const end of ['from', 'to'] as const) {
      const ref = edge[end];
      const index = firstIndex.get(ref.node);
      if (index === undefined) {
        problems.push({ severity: 'error', path: ['edges', i, end, 'node'], message: `no node with id "${ref.node}"` });
        continue;
      }
      const kind = findKind(doc.nodes[index].kind);
      if (!kind) continue;
      const ports = end === 'from' ? kind.outputs : kind.inputs;
      if (!ports.some((p) => p.name === ref.port)) {
        const names = ports.map((p) => `"${p.name}"`).join(', ') || 'none';
        problems.push({
          severity: 'error',
          path: ['edges', i, end, 'port'],
          nodeId: ref.node,
          message: `${kind.id} node has no ${end === 'from' ? 'output' : 'input'} "${ref.port}" (its ${end === 'from' ? 'outputs' : 'inputs'}: ${names})`,
        });
      }
    }
  });

  for (const [i, c] of doc.comments.entries()) {
    c.nodes.forEach((id, j) => {
      if (!firstIndex.has(id)) {
        problems.push({ severity: 'error', path: ['comments', i, 'nodes', j], message: `no node with id "${id}"` });
      }
    });
  }

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, graph: { ...doc, nodes } };
}
