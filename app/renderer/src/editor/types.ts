/**
 * The graph canvas as the rest of the UI sees it. The Rete.js editor behind it
 * is an implementation detail of app/renderer/src/editor/: the app shell (files,
 * palette, inspector, panels) talks to the canvas only through this interface,
 * and the graph document (nodes/graph.ts) is the one source of truth that
 * crosses it.
 */
import type { BlockDefinition, GraphDoc } from '../../../../nodes/graph.js';
import type { KindId } from '../../../../nodes/catalog.js';
import type { Problem } from '../../../../nodes/problems.js';
import type { DefinitionPatch } from './blocks/editing.js';

/** One block open on the way down from the top level: the instance opened and the definition it names. */
export interface BlockScope {
  readonly instance: string;
  readonly block: string;
}

export type ChangeReason = 'load' | 'structure' | 'params' | 'position' | 'comment' | 'history';

export interface GraphEditor {
  /** Labels the wires leaving each layer (id → shape text, wire-shapes.ts); layers not in the map lose theirs. */
  setShapes(shapes: ReadonlyMap<string, string>): void;
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
  /** Centre the view on a node (problems panel click); a path ("stage2/conv") opens the blocks on the way. */
  focusNode(nodeId: string): void;

  /**
   * Error/warning badges on nodes (and on ports when `port` is set). Node ids of flattened
   * nodes are paths through blocks: a problem shows on the node of the scope shown it lies in.
   */
  setProblems(problems: readonly Problem[]): void;

  // ---- blocks: reusable sub-graphs (nodes/blocks.ts) ----

  /** The block definitions as they are now (part of toGraph()). */
  blocks(): BlockDefinition[];
  /** The blocks open, outermost first; empty at the top level. */
  blockPath(): BlockScope[];
  onBlockPathChange(listener: (path: BlockScope[]) => void): () => void;
  /** The selection becomes one block instance of a new definition; the wires across its border become ports. */
  makeBlock(): Promise<string | undefined>;
  /** Shows the inside of a block instance (the selected one when absent): edits there change the definition. */
  openBlock(instanceId?: string): Promise<void>;
  /** Goes back out: to `depth` blocks deep (0: the top level; default: one level up). */
  closeBlock(depth?: number): Promise<void>;
  /** Replaces an instance by a copy of its contents; returns the new nodes' ids. */
  ungroup(instanceId?: string): Promise<string[]>;
  /** A new instance of a definition; at the canvas centre when `at` is absent. */
  addBlock(definitionId: string, at?: { x: number; y: number }): Promise<string | undefined>;
  /** One undoable step: a definition's name, description or exposed parameters. */
  updateBlock(definitionId: string, patch: DefinitionPatch): Promise<void>;
  /** Adds definitions (a block library), renaming those whose ids clash; one undoable step. */
  importBlocks(definitions: readonly BlockDefinition[]): Promise<{ added: string[]; renamed: Readonly<Record<string, string>> }>;
  /** Removes a definition no instance uses; false when one does. */
  removeBlock(definitionId: string): Promise<boolean>;

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
  /** A block command could not be done (nothing selected, a block inside itself); show why. */
  onRefused?(reason: string): void;
}
