/**
 * The graph document on either side of the canvas: split into what the canvas shows and
 * what it only carries (name, settings, training, weights), and put back together.
 * Pure functions on plain data, so the round trip is tested without a DOM.
 */
import { GRAPH_FORMAT, GRAPH_VERSION, graphEnvelopeSchema, type Edge, type GraphDoc, type GraphNode } from '../../../../nodes/graph.js';
import { findKind, isKindId, type KindId } from '../../../../nodes/catalog.js';
import type { Position } from './schemes.js';

export interface NodeRecord {
  id: string;
  kind: KindId;
  label?: string;
  params: Record<string, unknown>;
  position: Position;
}

export type CommentRecord = GraphDoc['comments'][number];
export type Viewport = NonNullable<GraphDoc['editor']>;
/** Everything in a document the canvas passes through untouched. */
export type DocBase = Omit<GraphDoc, 'nodes' | 'edges' | 'comments' | 'editor'>;

export interface SplitGraph {
  base: DocBase;
  nodes: NodeRecord[];
  edges: Edge[];
  comments: CommentRecord[];
  viewport?: Viewport;
  /** What could not be shown (unknown kinds, edges to missing ports), one line each. */
  dropped: string[];
}

export function deepCopy<T>(value: T): T {
  return structuredClone(value);
}

export function emptyBase(): DocBase {
  const { nodes: _n, edges: _e, comments: _c, editor: _v, ...base } = graphEnvelopeSchema.parse({
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    nodes: [],
  });
  void [_n, _e, _c, _v];
  return base;
}

export function hasPort(kind: string, side: 'input' | 'output', port: string): boolean {
  const spec = findKind(kind);
  return Boolean(spec && (side === 'input' ? spec.inputs : spec.outputs).some((p) => p.name === port));
}

/**
 * A loaded document is validated by the caller; what the canvas cannot represent anyway
 * (a kind this build does not know, an edge to a missing port) is dropped and reported,
 * never allowed to break the canvas.
 */
export function splitGraph(graph: GraphDoc): SplitGraph {
  const { nodes, edges, comments, editor, ...rest } = deepCopy(graph);
  const dropped: string[] = [];
  const kinds = new Map<string, string>();
  const records: NodeRecord[] = [];
  for (const node of nodes as { id: string; kind: string; label?: string; params?: Record<string, unknown>; position?: Position }[]) {
    if (!isKindId(node.kind)) {
      dropped.push(`node "${node.id}": unknown kind "${node.kind}"`);
      continue;
    }
    if (kinds.has(node.id)) {
      dropped.push(`node "${node.id}": duplicate id`);
      continue;
    }
    kinds.set(node.id, node.kind);
    records.push({
      id: node.id,
      kind: node.kind,
      ...(node.label !== undefined ? { label: node.label } : {}),
      params: node.params ?? {},
      position: { x: node.position?.x ?? 0, y: node.position?.y ?? 0 },
    });
  }
  const keptEdges = (edges ?? []).filter((edge, i) => {
    const from = kinds.get(edge.from.node);
    const to = kinds.get(edge.to.node);
    const ok = from !== undefined && to !== undefined && hasPort(from, 'output', edge.from.port) && hasPort(to, 'input', edge.to.port);
    if (!ok) dropped.push(`edges[${i}]: ${edge.from.node}.${edge.from.port} → ${edge.to.node}.${edge.to.port} does not match the nodes`);
    return ok;
  });
  const keptComments = (comments ?? []).map((c) => ({ ...c, nodes: (c.nodes ?? []).filter((id) => kinds.has(id)) }));
  return { base: rest, nodes: records, edges: keptEdges, comments: keptComments, ...(editor ? { viewport: editor } : {}), dropped };
}

/** `Math.round` gives -0 for small negatives; documents compare as JSON, where that reads as a change. */
export function roundCoord(v: number): number {
  return Math.round(v) || 0;
}

export function assembleGraph(
  base: DocBase,
  nodes: readonly NodeRecord[],
  edges: readonly Edge[],
  comments: readonly CommentRecord[],
  viewport: Viewport,
): GraphDoc {
  return {
    ...deepCopy(base),
    nodes: nodes.map(
      (n) =>
        ({
          id: n.id,
          kind: n.kind,
          ...(n.label !== undefined ? { label: n.label } : {}),
          params: deepCopy(n.params),
          position: { x: roundCoord(n.position.x), y: roundCoord(n.position.y) },
        }) as GraphNode,
    ),
    edges: edges.map((e) => ({ from: { node: e.from.node, port: e.from.port }, to: { node: e.to.node, port: e.to.port } })),
    comments: comments.map((c) => ({
      id: c.id,
      text: c.text,
      position: { x: roundCoord(c.position.x), y: roundCoord(c.position.y) },
      nodes: [...c.nodes],
    })),
    editor: {
      x: roundCoord(viewport.x),
      y: roundCoord(viewport.y),
      zoom: Math.round(viewport.zoom * 10_000) / 10_000 || 1,
    },
  };
}
