/** Reading the canvas as document records, and putting records on it. */
import type { Edge } from '../../../../nodes/graph.js';
import { placeNode, positionOf, type CanvasHost } from './actions.js';
import { deepCopy, type NodeRecord } from './document.js';
import { faceOf, isBoundary, type Definitions } from './faces.js';
import { EditorConnection, EditorNode } from './schemes.js';

/** A document node's record; boundary nodes are not document nodes (see readNodes). */
export function nodeRecord(host: CanvasHost, node: EditorNode): NodeRecord {
  return {
    id: node.id,
    kind: node.kind as NodeRecord['kind'],
    ...(node.block !== undefined ? { block: node.block } : {}),
    ...(node.caption !== undefined ? { label: node.caption } : {}),
    params: deepCopy(node.params),
    position: positionOf(host, node.id) ?? { x: 0, y: 0 },
  };
}

const bySeq = (a: { seq: number }, b: { seq: number }) => a.seq - b.seq;

/** Nodes in creation order, which is the document's order. */
export function orderedNodes(host: CanvasHost): EditorNode[] {
  return [...host.editor.getNodes()].sort(bySeq);
}

/** The document nodes on the canvas (inside a block, its boundary nodes are left out). */
export function readNodes(host: CanvasHost): NodeRecord[] {
  return orderedNodes(host)
    .filter((n) => !isBoundary(n.id))
    .map((n) => nodeRecord(host, n));
}

export function edgeOf(c: EditorConnection): Edge {
  return { from: { node: c.source, port: String(c.sourceOutput) }, to: { node: c.target, port: String(c.targetInput) } };
}

export function readEdges(host: CanvasHost): Edge[] {
  return [...host.editor.getConnections()].sort(bySeq).map(edgeOf);
}

export function nodeIds(host: CanvasHost): Set<string> {
  return new Set(host.editor.getNodes().map((n) => n.id));
}

/** Adds a node for `record`, last in the document's order unless `seq` gives its place. */
export async function addNodeRecord(host: CanvasHost, record: NodeRecord, definitions: Definitions = new Map(), seq?: number): Promise<EditorNode> {
  const face = faceOf(record, definitions);
  if (!face) throw new Error(record.block !== undefined ? `no block definition "${record.block}"` : `unknown node kind "${record.kind}"`);
  const node = new EditorNode(record.id, record.kind, deepCopy(record.params), record.label, face, record.block);
  if (seq !== undefined) node.seq = seq;
  await placeNode(host, node, record.position);
  return node;
}

export function hasFacePort(node: EditorNode, side: 'input' | 'output', port: string): boolean {
  return (side === 'input' ? node.face.inputs : node.face.outputs).some((p) => p.name === port);
}

/** Adds a wire between existing nodes and ports; anything else is skipped (undefined). */
export async function addEdge(host: CanvasHost, edge: Edge): Promise<EditorConnection | undefined> {
  const source = host.editor.getNode(edge.from.node);
  const target = host.editor.getNode(edge.to.node);
  if (!source || !target || !hasFacePort(source, 'output', edge.from.port) || !hasFacePort(target, 'input', edge.to.port)) {
    return undefined;
  }
  const connection = new EditorConnection(source, edge.from.port, target, edge.to.port);
  await host.editor.addConnection(connection);
  return connection;
}
