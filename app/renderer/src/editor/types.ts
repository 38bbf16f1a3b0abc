/**
 * The graph canvas as the rest of the UI sees it. The Rete.js editor behind it
 * is an implementation detail of app/renderer/src/editor/: the app shell (files,
 * palette, inspector, panels) talks to the canvas only through this interface,
 * and the graph document (nodes/graph.ts) is the one source of truth that
 * crosses it.
 */
import type { GraphDoc } from '../../../../nodes/graph.js';
import type { KindId } from '../../../../nodes/catalog.js';
import type { Problem } from '../../../../nodes/problems.js';

export type ChangeReason = 'load' | 'structure' | 'params' | 'position' | 'comment' | 'history';

export interface GraphEditor {
  /** Replace the canvas with this graph; clears undo history; zooms to fit (or to `graph.editor`). */
  load(graph: GraphDoc): Promise<void>;
  /** The current document: nodes with params and positions, edges, comments, viewport; other fields as loaded. */
  toGraph(): GraphDoc;
  /** Any change of the document (not selection). Positions report once per drag, not per pixel. */
  onChange(listener: (reason: ChangeReason) => void): () => void;

  /** Adds a node with the kind's default params; at the canvas centre when `at` is absent. Returns its id. */
  addNode(kind: KindId, at?: { x: number; y: number }): Promise<string>;
  /** One undoable step: replace a node's params (validated by the caller for display; stored as given). */
  setParams(nodeId: string, params: Record<string, unknown>): void;
  setLabel(nodeId: string, label: string | undefined): void;

  selected(): string[];
  select(nodeIds: readonly string[]): void;
  onSelectionChange(listener: (nodeIds: string[]) => void): () => void;
  /** Centre the view on a node (problems panel click). */
  focusNode(nodeId: string): void;

  /** Error/warning badges on nodes (and on ports when `port` is set). */
  setProblems(problems: readonly Problem[]): void;

  undo(): Promise<void>;
  redo(): Promise<void>;
  canUndo(): boolean;
  canRedo(): boolean;

  copy(): void;
  cut(): Promise<void>;
  paste(): Promise<void>;
  duplicate(): Promise<void>;
  deleteSelected(): Promise<void>;
  selectAll(): void;
  zoomToFit(): Promise<void>;
  arrange(): Promise<void>;
  /** A comment framing the selected nodes (or a free one at the centre). */
  addComment(text: string): Promise<void>;

  destroy(): void;
}

export interface GraphEditorOptions {
  /** A connection the user tried to make was refused; show why (nodes/sockets.ts canConnect reason). */
  onRefusedConnection(reason: string): void;
}
