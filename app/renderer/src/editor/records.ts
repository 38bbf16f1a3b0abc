/** Reading the canvas as document records, and putting records on it. */
import type { Edge } from '../../../../nodes/graph.js';
import { placeNode, positionOf, type CanvasHost } from './actions.js';
import { deepCopy, hasPort, type NodeRecord } from './document.js';
import { EditorConnection, EditorNode } from './schemes.js';

export function nodeRecord(host: CanvasHost, node: EditorNode): NodeRecord {
  return {
    id: node.id,
    kind: node.kind,
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

export function readNodes(host: CanvasHost): NodeRecord[] {
  return orderedNodes(host).map((n) => nodeRecord(host, n));
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

export async function addNodeRecord(host: CanvasHost, record: NodeRecord): Promise<EditorNode> {
  const node = new EditorNode(record.id, record.kind, deepCopy(record.params), record.label);
  await placeNode(host, node, record.position);
  return node;
}

/** Adds a wire between existing nodes and ports; anything else is skipped (undefined). */
export async function addEdge(host: CanvasHost, edge: Edge): Promise<EditorConnection | undefined> {
  const source = host.editor.getNode(edge.from.node);
  const target = host.editor.getNode(edge.to.node);
  if (!source || !target || !hasPort(source.kind, 'output', edge.from.port) || !hasPort(target.kind, 'input', edge.to.port)) {
    return undefined;
  }
  const connection = new EditorConnection(source, edge.from.port, target, edge.to.port);
  await host.editor.addConnection(connection);
  return connection;
}
