/**
 * The graph document on either side of the canvas: split into what the canvas shows and
 * what it only carries (name, settings, training, weights), and put back together.
 * Pure functions on plain data, so the round trip is tested without a DOM.
 */
import { GRAPH_FORMAT, GRAPH_VERSION, graphEnvelopeSchema, type BlockDefinition, type DocNode, type Edge, type GraphDoc } from '../../../../nodes/graph.js';
import { isKindId, type KindId } from '../../../../nodes/catalog.js';
import { BLOCK_KIND } from '../../../../nodes/blocks.js';
import type { Position } from './schemes.js';
import { faceOf, type Definitions, type EditorBlock } from './faces.js';

export interface NodeRecord {
  id: string;
  kind: KindId | typeof BLOCK_KIND;
  /** The definition a block instance (kind "block") names. */
  block?: string;
  label?: string;
  params: Record<string, unknown>;
  position: Position;
}

export type CommentRecord = GraphDoc['comments'][number];
export type Viewport = NonNullable<GraphDoc['editor']>;
/** Everything in a document the canvas passes through untouched. */
export type DocBase = Omit<GraphDoc, 'nodes' | 'edges' | 'comments' | 'editor' | 'blocks'>;

export interface SplitGraph {
  base: DocBase;
  nodes: NodeRecord[];
  blocks: EditorBlock[];
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
  const { nodes: _n, edges: _e, comments: _c, editor: _v, blocks: _b, ...base } = graphEnvelopeSchema.parse({
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    nodes: [],
  });
  void [_n, _e, _c, _v, _b];
  return base;
}

export function hasPort(node: { kind: string; block?: string }, side: 'input' | 'output', port: string, definitions: Definitions = new Map()): boolean {
  const face = faceOf(node, definitions);
  return Boolean(face && (side === 'input' ? face.inputs : face.outputs).some((p) => p.name === port));
}

/** A document node as the canvas records it (params kept as they are, possibly partial while edited). */
export function toRecord(node: { id: string; kind: string; block?: string; label?: string; params?: Record<string, unknown>; position?: Position }): NodeRecord {
  return {
    id: node.id,
    kind: node.kind as NodeRecord['kind'],
    ...(node.block !== undefined ? { block: node.block } : {}),
    ...(node.label !== undefined ? { label: node.label } : {}),
    params: node.params ?? {},
    position: { x: node.position?.x ?? 0, y: node.position?.y ?? 0 },
  };
}

/** A record as a document node: positions rounded, params copied. */
export function toDocNode(n: NodeRecord): DocNode {
  return {
    id: n.id,
    kind: n.kind,
    ...(n.block !== undefined ? { block: n.block } : {}),
    ...(n.label !== undefined ? { label: n.label } : {}),
    params: deepCopy(n.params),
    position: { x: roundCoord(n.position.x), y: roundCoord(n.position.y) },
  } as DocNode;
}

export function copyEdge(e: Edge): Edge {
  return { from: { node: e.from.node, port: e.from.port }, to: { node: e.to.node, port: e.to.port } };
}

/** Definitions as the editor keeps them (their nodes as records) and back. */
export function toEditorBlocks(blocks: readonly BlockDefinition[]): EditorBlock[] {
  return blocks.map((b) => ({ ...deepCopy(b), nodes: b.nodes.map((n) => toRecord(deepCopy(n))) }));
}

export function toDocBlocks(blocks: readonly EditorBlock[]): BlockDefinition[] {
  return blocks.map((b) => ({ ...deepCopy(b), nodes: b.nodes.map(toDocNode), edges: b.edges.map(copyEdge) }));
}

/**
 * A loaded document is validated by the caller; what the canvas cannot represent anyway
 * (a kind this build does not know, an edge to a missing port) is dropped and reported,
 * never allowed to break the canvas.
 */
export function splitGraph(graph: GraphDoc): SplitGraph {
  const { nodes, edges, comments, editor, blocks, ...rest } = deepCopy(graph);
  const definitions = toEditorBlocks(blocks ?? []);
  const byId: Definitions = new Map(definitions.map((d) => [d.id, d]));
  const dropped: string[] = [];
  const found = new Map<string, NodeRecord>();
  const records: NodeRecord[] = [];
  for (const node of nodes as Parameters<typeof toRecord>[0][]) {
    const record = toRecord(node);
    if (node.kind === BLOCK_KIND ? !byId.has(node.block ?? '') : !isKindId(node.kind)) {
      dropped.push(node.kind === BLOCK_KIND ? `node "${node.id}": no block definition "${node.block}"` : `node "${node.id}": unknown kind "${node.kind}"`);
      continue;
    }
    if (found.has(node.id)) {
      dropped.push(`node "${node.id}": duplicate id`);
      continue;
    }
    found.set(node.id, record);
    records.push(record);
  }
  const keptEdges = (edges ?? []).filter((edge, i) => {
    const from = found.get(edge.from.node);
    const to = found.get(edge.to.node);
    const ok = from !== undefined && to !== undefined && hasPort(from, 'output', edge.from.port, byId) && hasPort(to, 'input', edge.to.port, byId);
    if (!ok) dropped.push(`edges[${i}]: ${edge.from.node}.${edge.from.port} → ${edge.to.node}.${edge.to.port} does not match the nodes`);
    return ok;
  });
  const keptComments = (comments ?? []).map((c) => ({ ...c, nodes: (c.nodes ?? []).filter((id) => found.has(id)) }));
  return { base: rest, nodes: records, blocks: definitions, edges: keptEdges, comments: keptComments, ...(editor ? { viewport: editor } : {}), dropped };
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
  blocks: readonly EditorBlock[] = [],
): GraphDoc {
  return {
    ...deepCopy(base),
    nodes: nodes.map(toDocNode),
    edges: edges.map(copyEdge),
    blocks: toDocBlocks(blocks),
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
