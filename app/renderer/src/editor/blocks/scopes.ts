/**
 * Block definitions and which one the canvas shows.
 *
 * The canvas holds one scope at a time: the top level of the graph, or the inside of one
 * block definition (opened through an instance, so the way in is a path of instances:
 * the breadcrumb). Inside a block, two boundary nodes stand for its ports; wires from
 * "Block inputs" are the inner inputs each input port feeds, a wire into "Block outputs"
 * is what each output port gives.
 *
 * Leaving a scope keeps its Rete nodes and wires (the very objects): the undo steps made
 * there hold them, and an undo of such a step comes back into that scope
 * (scoped-history.ts) and finds them as it left them. A definition's data is written back
 * from the canvas when it is left, and read fresh from the canvas while it is shown.
 */
import type { Edge } from '../../../../../nodes/graph.js';
import { BLOCK_KIND } from '../../../../../nodes/blocks.js';
import { capturePositions, removeConnectionIfPresent, type CanvasHost } from '../actions.js';
import type { Canvas } from '../canvas.js';
import type { CommentsModel } from '../comments.js';
import { copyEdge, deepCopy, type CommentRecord, type NodeRecord, type Viewport } from '../document.js';
import {
  boundaryFace,
  blockSummary,
  faceOf,
  INPUTS_ID,
  INPUTS_KIND,
  isBoundary,
  OUTPUTS_ID,
  OUTPUTS_KIND,
  type Definitions,
  type EditorBlock,
} from '../faces.js';
import { addEdge, addNodeRecord, nodeRecord, orderedNodes, readEdges, readNodes } from '../records.js';
import { EditorConnection, EditorNode, type Position } from '../schemes.js';
import type { View } from '../viewport.js';

export interface ScopeStep {
  /** The instance opened (its id in the scope above). */
  readonly instance: string;
  /** The definition it names: what the canvas shows. */
  readonly block: string;
}
export type ScopePath = readonly ScopeStep[];

interface ScopeState {
  readonly nodes: EditorNode[];
  readonly connections: EditorConnection[];
  readonly positions: Map<string, Position>;
  readonly comments: CommentRecord[];
  readonly viewport: Viewport;
  /** A definition's data as it was when the scope was left: kept objects are used only while it still matches. */
  readonly fingerprint: string;
}

/** What switching scopes needs of the Recorder (history.ts): close the open step, and change the canvas unrecorded. */
export interface QuietRecorder {
  flush(): void;
  silently<T>(run: () => Promise<T> | T): Promise<T>;
}

const ROOT = '';
const keyOf = (path: ScopePath) => (path.length === 0 ? ROOT : path[path.length - 1].block);

export class BlockScopes {
  private list: EditorBlock[] = [];
  private at: ScopePath = [];
  private readonly kept = new Map<string, ScopeState>();
  private readonly listeners = new Set<(path: ScopePath) => void>();

  constructor(
    private readonly canvas: Canvas,
    private readonly comments: CommentsModel,
    private readonly view: View,
    private readonly recorder: QuietRecorder,
  ) {}

  path(): ScopePath {
    return this.at;
  }

  /** Instance ids of the path, as flattened node ids start: "stage2/inner". */
  prefix(): string {
    return this.at.map((s) => s.instance).join('/');
  }

  onChange(listener: (path: ScopePath) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** The definitions as stored; the one shown may have changed on the canvas since (see current()). */
  lookup(): Definitions {
    return new Map(this.list.map((d) => [d.id, d]));
  }

  /** The definitions as they are now, the one shown read from the canvas. */
  current(): EditorBlock[] {
    const active = this.activeDefinition();
    return this.list.map((d) => (active && d.id === active.id ? this.readActive(active) : deepCopy(d)));
  }

  activeDefinition(): EditorBlock | undefined {
    const key = keyOf(this.at);
    return key === ROOT ? undefined : this.list.find((d) => d.id === key);
  }

  /** A fresh set of definitions with the canvas at the top level (a document was loaded). */
  reset(blocks: readonly EditorBlock[]): void {
    this.list = deepCopy([...blocks]);
    this.at = [];
    this.kept.clear();
    this.notify();
  }

  /** The top level while a block is shown: its records, wires, comments and viewport as they were left. */
  keptRoot(): { nodes: NodeRecord[]; edges: Edge[]; comments: CommentRecord[]; viewport: Viewport } | undefined {
    if (this.at.length === 0) return undefined;
    const root = this.kept.get(ROOT)!;
    const nodes = [...root.nodes]
      .sort((a, b) => a.seq - b.seq)
      .map((n) => ({ ...nodeRecord(this.canvas, n), position: root.positions.get(n.id) ?? { x: 0, y: 0 } }));
    const edges = [...root.connections].sort((a, b) => a.seq - b.seq).map((c) => ({ from: { node: c.source, port: String(c.sourceOutput) }, to: { node: c.target, port: String(c.targetInput) } }));
    return { nodes, edges, comments: root.comments, viewport: root.viewport };
  }

  /**
   * Replaces the stored definitions (an undoable definitions change, an import). The one
   * shown keeps what the canvas holds; only its name, description and exposed parameters
   * are taken from `next`.
   */
  async setDefinitions(next: readonly EditorBlock[]): Promise<void> {
    const active = this.activeDefinition();
    this.list = deepCopy([...next]).map((d) => {
      if (!active || d.id !== active.id) return d;
      const shown = this.readActive(active);
      return { ...shown, name: d.name, description: d.description, params: d.params };
    });
    await this.refreshFaces();
  }

  /** Writes the canvas into the definition shown (before something reads the stored list as a whole). */
  syncActive(): void {
    const active = this.activeDefinition();
    if (active) this.list = this.list.map((d) => (d.id === active.id ? this.readActive(active) : d));
  }

  /** Shows the scope at `path` (not an edit: nothing is recorded). */
  async goTo(path: ScopePath): Promise<void> {
    if (keyOf(path) === keyOf(this.at) && path.length === this.at.length) {
      this.at = [...path];
      this.notify();
      return;
    }
    if (keyOf(path) !== ROOT && !this.list.some((d) => d.id === keyOf(path))) return;
    this.recorder.flush();
    await this.recorder.silently(async () => {
      this.leave();
      await this.clearCanvas();
      this.at = [...path];
      await this.show();
    });
    this.notify();
  }

  /** The summary a block instance shows, kept current with its definition. */
  decorate(node: EditorNode): void {
    if (node.kind !== BLOCK_KIND) return;
    node.summarize = () => blockSummary(node.block !== undefined ? this.lookup().get(node.block) : undefined, node.params, this.lookup());
  }

  // ---- switching ----------------------------------------------------------

  private leave(): void {
    const key = keyOf(this.at);
    const active = this.activeDefinition();
    if (active) this.list = this.list.map((d) => (d.id === active.id ? this.readActive(active) : d));
    const { x, y, k } = this.canvas.area.area.transform;
    const stored = this.list.find((d) => d.id === key);
    this.kept.set(key, {
      nodes: [...this.canvas.editor.getNodes()],
      connections: [...this.canvas.editor.getConnections()],
      positions: capturePositions(this.canvas),
      comments: key === ROOT ? this.comments.toRecords() : [],
      viewport: { x, y, zoom: k },
      fingerprint: stored ? JSON.stringify(stored) : '',
    });
  }

  private async clearCanvas(): Promise<void> {
    const { editor, selector } = this.canvas;
    void selector.unselectAll();
    this.comments.clear();
    for (const c of [...editor.getConnections()]) await removeConnectionIfPresent(this.canvas, c.id);
    for (const n of [...editor.getNodes()]) await editor.removeNode(n.id);
  }

  private async show(): Promise<void> {
    const key = keyOf(this.at);
    const def = this.activeDefinition();
    const kept = this.kept.get(key);
    if (kept && (key === ROOT || (def && kept.fingerprint === JSON.stringify(def)))) {
      for (const node of kept.nodes) {
        node.selected = false;
        node.problems = [];
        await this.canvas.editor.addNode(node);
        await this.canvas.area.translate(node.id, kept.positions.get(node.id) ?? { x: 0, y: 0 });
      }
      for (const c of kept.connections) {
        c.selected = false;
        if (this.canvas.editor.getNode(c.source) && this.canvas.editor.getNode(c.target)) await this.canvas.editor.addConnection(c);
      }
      if (key === ROOT) this.comments.load(kept.comments);
      await this.refreshFaces();
      await this.view.set(kept.viewport);
      return;
    }
    if (!def) return;
    await this.build(def);
    await this.view.fit(this.canvas.editor.getNodes());
  }

  /** A definition's canvas from its data: its nodes and wires, and the boundary nodes with theirs. */
  private async build(def: EditorBlock): Promise<void> {
    const definitions = this.lookup();
    for (const record of def.nodes) this.decorate(await addNodeRecord(this.canvas, record, definitions));
    for (const e of def.edges) await addEdge(this.canvas, e);
    const xs = def.nodes.map((n) => n.position.x);
    const ys = def.nodes.map((n) => n.position.y);
    const [left, right, top] = xs.length > 0 ? [Math.min(...xs), Math.max(...xs), Math.min(...ys)] : [0, 0, 0];
    const inputs = new EditorNode(INPUTS_ID, INPUTS_KIND, {}, 'from outside', boundaryFace(INPUTS_KIND, def, definitions));
    const outputs = new EditorNode(OUTPUTS_ID, OUTPUTS_KIND, {}, 'to outside', boundaryFace(OUTPUTS_KIND, def, definitions));
    inputs.summarize = () => `${def.inputs.length} input${def.inputs.length === 1 ? '' : 's'}`;
    outputs.summarize = () => `${def.outputs.length} output${def.outputs.length === 1 ? '' : 's'}`;
    await this.place(inputs, { x: left - 320, y: top });
    await this.place(outputs, { x: right + 320, y: top });
    for (const input of def.inputs) for (const t of input.to) await addEdge(this.canvas, { from: { node: INPUTS_ID, port: input.name }, to: t });
    for (const output of def.outputs) if (output.from) await addEdge(this.canvas, { from: output.from, to: { node: OUTPUTS_ID, port: output.name } });
  }

  private async place(node: EditorNode, at: Position): Promise<void> {
    await this.canvas.editor.addNode(node);
    await this.canvas.area.translate(node.id, at);
  }

  /** The shown definition as the canvas holds it: nodes and wires inside, ports from the boundary wires. */
  private readActive(def: EditorBlock): EditorBlock {
    const host: CanvasHost = this.canvas;
    const all = readEdges(host);
    const inside = all.filter((e) => !isBoundary(e.from.node) && !isBoundary(e.to.node));
    return {
      ...deepCopy(def),
      nodes: readNodes(host),
      edges: inside.map(copyEdge),
      inputs: def.inputs.map((p) => ({ ...deepCopy(p), to: all.filter((e) => e.from.node === INPUTS_ID && e.from.port === p.name && !isBoundary(e.to.node)).map((e) => ({ ...e.to })) })),
      outputs: def.outputs.map((p) => {
        const wire = all.find((e) => e.to.node === OUTPUTS_ID && e.to.port === p.name && !isBoundary(e.from.node));
        const { from: _old, ...rest } = deepCopy(p);
        void _old;
        return wire ? { ...rest, from: { ...wire.from } } : rest;
      }),
    };
  }

  /** Block instances and boundary nodes on the canvas show their definitions as they are now. */
  private async refreshFaces(): Promise<void> {
    const definitions = this.lookup();
    const active = this.activeDefinition();
    for (const node of orderedNodes(this.canvas)) {
      const face =
        node.kind === INPUTS_KIND || node.kind === OUTPUTS_KIND
          ? active && boundaryFace(node.kind, active, definitions)
          : node.kind === BLOCK_KIND
            ? faceOf(node, definitions)
            : undefined;
      if (!face) continue;
      const before = JSON.stringify(node.face);
      this.decorate(node);
      if (JSON.stringify(face) !== before) node.setFace(face);
      await this.canvas.area.update('node', node.id);
    }
    // A port that went away takes its wires with it.
    for (const c of [...this.canvas.editor.getConnections()]) {
      const source = this.canvas.editor.getNode(c.source);
      const target = this.canvas.editor.getNode(c.target);
      if (!source?.outputs[String(c.sourceOutput)] || !target?.inputs[String(c.targetInput)]) await removeConnectionIfPresent(this.canvas, c.id);
    }
  }

  private notify(): void {
    const path = [...this.at];
    [...this.listeners].forEach((l) => l(path));
  }
}

/** Whether `definition` uses `target`, itself or through the blocks inside it. */
export function uses(definitions: Definitions, definition: string, target: string, seen = new Set<string>()): boolean {
  if (definition === target) return true;
  if (seen.has(definition)) return false;
  seen.add(definition);
  const def = definitions.get(definition);
  return Boolean(def?.nodes.some((n) => n.kind === BLOCK_KIND && n.block !== undefined && uses(definitions, n.block, target, seen)));
}

