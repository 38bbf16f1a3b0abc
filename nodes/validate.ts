/**
 * Document-level validation: what a graph file must satisfy to be opened at all.
 *
 * Graph-level problems a user fixes in the editor (an unconnected port, a conv on
 * a vector layer, mismatched shapes) are the compiler's: a file with them still opens.
 */
import { commentSchema, graphEnvelopeSchema, type GraphDoc } from './graph.js';
import { isBlockInstance } from './blocks.js';
import { checkDefinitions, checkOverrides } from './block-check.js';
import { problemsFromZod, type Problem } from './problems.js';
import { checkScope, isRecord, listOf } from './validate-scope.js';

export type Validation = { ok: true; graph: GraphDoc } | { ok: false; problems: Problem[] };

/**
 * Every problem at once, not just the first stage's: when the envelope fails, the nodes,
 * edges, block definitions and comments that are well-formed on their own are still
 * checked, so a file with a typo in `settle` and a bad kernel size reports both.
 */
export function validateGraph(input: unknown): Validation {
  const envelope = graphEnvelopeSchema.safeParse(input, { reportInput: true });
  const problems: Problem[] = envelope.success ? [] : problemsFromZod(envelope.error);
  const raw = isRecord(input) ? input : {};

  const definitions = checkDefinitions(raw.blocks, problems);
  const scope = checkScope(raw.nodes, raw.edges, [], definitions.names, problems);
  for (const node of scope.nodes) {
    if (isBlockInstance(node)) checkOverrides(node, ['nodes', scope.indexOf.get(node.id)!], definitions.byId, problems);
  }

  listOf(raw.comments).forEach((item, i) => {
    const parsed = commentSchema.safeParse(item);
    if (!parsed.success) return;
    parsed.data.nodes.forEach((id, j) => {
      if (!scope.indexOf.has(id)) {
        problems.push({ severity: 'error', path: ['comments', i, 'nodes', j], message: `no node with id "${id}"` });
      }
    });
  });

  if (!envelope.success || problems.length > 0) return { ok: false, problems };
  return { ok: true, graph: { ...envelope.data, nodes: scope.nodes, blocks: definitions.list } };
}
