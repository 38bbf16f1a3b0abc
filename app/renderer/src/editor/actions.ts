/**
 * Undoable actions on the Rete canvas (rete-history-plugin's Action interface).
 *
 * Actions hold the node and connection objects themselves, so a node removed and brought
 * back is the same object with the same id, params and label, and later actions that name
 * it by id still find it.
 */
import type { NodeEditor } from 'rete';
import type { AreaPlugin } from 'rete-area-plugin';
import type { HistoryAction } from 'rete-history-plugin';
import { deepCopy } from './document.js';
import type { AreaExtra, EditorConnection, EditorNode, Position, Schemes } from './schemes.js';

export interface CanvasHost {
  readonly editor: NodeEditor<Schemes>;
  readonly area: AreaPlugin<Schemes, AreaExtra>;
}

export function positionOf(host: CanvasHost, id: string): Position | undefined {
  const view = host.area.nodeViews.get(id);
  return view ? { x: view.position.x, y: view.position.y } : undefined;
}

export async function removeConnectionIfPresent(host: CanvasHost, id: string): Promise<void> {
  if (host.editor.getConnection(id)) await host.editor.removeConnection(id);
}

/** Rete's removeNode leaves the node's wires dangling: remove them first. */
export async function removeNodeWithWires(host: CanvasHost, id: string): Promise<void> {
  for (const c of host.editor.getConnections()) {
    if (c.source === id || c.target === id) await removeConnectionIfPresent(host, c.id);
  }
  if (host.editor.getNode(id)) await host.editor.removeNode(id);
}

export async function placeNode(host: CanvasHost, node: EditorNode, position: Position): Promise<void> {
  if (!host.editor.getNode(node.id)) await host.editor.addNode(node);
  await host.area.translate(node.id, position);
}

export class AddNodeAction implements HistoryAction {
  private position: Position | undefined;

  constructor(
    private readonly host: CanvasHost,
    private readonly node: EditorNode,
  ) {}

  async undo(): Promise<void> {
    // The position is read when undoing: the node was placed after it was created.
    this.position = positionOf(this.host, this.node.id) ?? this.position;
    await removeNodeWithWires(this.host, this.node.id);
  }

  async redo(): Promise<void> {
    await placeNode(this.host, this.node, this.position ?? { x: 0, y: 0 });
  }
}

export class RemoveNodeAction implements HistoryAction {
  constructor(
    private readonly host: CanvasHost,
    private readonly node: EditorNode,
    private readonly position: Position,
  ) {}

  async undo(): Promise<void> {
    await placeNode(this.host, this.node, this.position);
  }

  async redo(): Promise<void> {
    await removeNodeWithWires(this.host, this.node.id);
  }
}

export class AddConnectionAction implements HistoryAction {
  constructor(
    private readonly host: CanvasHost,
    private readonly connection: EditorConnection,
  ) {}

  async undo(): Promise<void> {
    await removeConnectionIfPresent(this.host, this.connection.id);
  }

  async redo(): Promise<void> {
    await restoreConnection(this.host, this.connection);
  }
}

export class RemoveConnectionAction implements HistoryAction {
  constructor(
    private readonly host: CanvasHost,
    private readonly connection: EditorConnection,
  ) {}

  async undo(): Promise<void> {
    await restoreConnection(this.host, this.connection);
  }

  async redo(): Promise<void> {
    await removeConnectionIfPresent(this.host, this.connection.id);
  }
}

async function restoreConnection(host: CanvasHost, connection: EditorConnection): Promise<void> {
  const { editor } = host;
  if (editor.getConnection(connection.id) || !editor.getNode(connection.source) || !editor.getNode(connection.target)) return;
  connection.selected = false;
  await editor.addConnection(connection);
}

type NodeField = 'params' | 'label';
type FieldValue<F extends NodeField> = F extends 'params' ? Record<string, unknown> : string | undefined;

/** Writes a node's params or label and re-renders it. */
export async function writeNodeField<F extends NodeField>(host: CanvasHost, id: string, field: F, value: FieldValue<F>): Promise<void> {
  const node = host.editor.getNode(id);
  if (!node) return;
  if (field === 'params') node.params = deepCopy(value as Record<string, unknown>);
  else node.caption = value as string | undefined;
  await host.area.update('node', id);
}

export class NodeFieldAction<F extends NodeField> implements HistoryAction {
  constructor(
    private readonly host: CanvasHost,
    private readonly id: string,
    private readonly field: F,
    private readonly before: FieldValue<F>,
    private readonly after: FieldValue<F>,
  ) {}

  async undo(): Promise<void> {
    await writeNodeField(this.host, this.id, this.field, this.before);
  }

  async redo(): Promise<void> {
    await writeNodeField(this.host, this.id, this.field, this.after);
  }
}

export interface Move {
  readonly id: string;
  readonly from: Position;
  readonly to: Position;
}

export class MoveAction implements HistoryAction {
  constructor(
    private readonly host: CanvasHost,
    private readonly moves: readonly Move[],
  ) {}

  async undo(): Promise<void> {
    for (const m of this.moves) if (this.host.editor.getNode(m.id)) await this.host.area.translate(m.id, m.from);
  }

  async redo(): Promise<void> {
    for (const m of this.moves) if (this.host.editor.getNode(m.id)) await this.host.area.translate(m.id, m.to);
  }
}

/** Positions of all nodes, for the moves nobody records one by one (drags, arrange, frame drags). */
export function capturePositions(host: CanvasHost): Map<string, Position> {
  const out = new Map<string, Position>();
  for (const node of host.editor.getNodes()) {
    const p = positionOf(host, node.id);
    if (p) out.set(node.id, p);
  }
  return out;
}

export function movesBetween(before: ReadonlyMap<string, Position>, after: ReadonlyMap<string, Position>): Move[] {
  const moves: Move[] = [];
  for (const [id, to] of after) {
    const from = before.get(id);
    if (from && (from.x !== to.x || from.y !== to.y)) moves.push({ id, from, to });
  }
  return moves;
}
