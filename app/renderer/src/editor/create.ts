/** The GraphEditor (types.ts) on top of the Rete canvas. */
import { getSourceTarget, type SocketData } from 'rete-connection-plugin';
import type { Comment } from 'rete-comment-plugin';
import { defaultParams, isKindId, type KindId } from '../../../../nodes/catalog.js';
import type { Problem } from '../../../../nodes/problems.js';
import { NodeFieldAction, removeConnectionIfPresent, removeNodeWithWires, writeNodeField } from './actions.js';
import { createCanvas } from './canvas.js';
import { makeClip, parseClip, pasteOffset, planPaste, CLIPBOARD_TAG, PASTE_OFFSET, type ClipPayload } from './clipboard.js';
import { editCommentText, onCommentDoubleClick } from './comment-editor.js';
import { CommentsModel } from './comments.js';
import { menuItems } from './context-menu.js';
import { assembleGraph, deepCopy, emptyBase, splitGraph, toDocBlocks, toEditorBlocks } from './document.js';
import { Recorder } from './history.js';
import { nextId } from './ids.js';
import { nodeSize } from './layout.js';
import { lazyArranger } from './arrange.js';
import { createNodeSelection } from './node-selection.js';
import { addEdge, addNodeRecord, nodeIds, orderedNodes, readEdges, readNodes } from './records.js';
import type { Position } from './schemes.js';
import { checkConnection, outputEnd } from './sockets.js';
import { choicesForInput, choicesForOutput, openWireSearch } from './wire-search.js';
import { snapshotProbe, trackEdits, type Snapshot } from './tracking.js';
import { createView } from './viewport.js';
import { clientToArea, trackPointer } from './selection.js';
import { applyWireShapesChoice } from './wire-shapes.js';
import type { ChangeReason, GraphEditor, GraphEditorOptions } from './types.js';
import { blockTitle } from '../../../../nodes/blocks.js';
import { BLOCK_OPEN_EVENT } from './node-view.js';
import { faceOf, isBoundary } from './faces.js';
import { BlockScopes, uses } from './blocks/scopes.js';
import { DefinitionsAction, scopedStack } from './blocks/scoped-history.js';
import { createBlockEditing } from './blocks/editing.js';
import { createBreadcrumb } from './blocks/breadcrumb.js';

export async function createGraphEditor(container: HTMLElement, options: GraphEditorOptions): Promise<GraphEditor> {
  applyWireShapesChoice();
  const changeListeners = new Set<(reason: ChangeReason) => void>();
  const emitChange = (reason: ChangeReason) => [...changeListeners].forEach((l) => l(reason));

  let base = emptyBase();
  let clipboard: ClipPayload | undefined;
  let pastes = 0;
  let destroyed = false;
  let problemsShown: readonly Problem[] = [];
  const refuse = (reason: string) => (options.onRefused ?? options.onRefusedConnection)(reason);

  const canvas = createCanvas(container, {
    connect,
    menu: menuItems({
      addNode: (kind) => void addNode(kind, canvas.menuPoint()),
      addComment: () =>
        void createComment('Comment', canvas.menuPoint()).then(async (id) => {
          if (id !== undefined) await canvas.comments.editComment(id);
        }),
      arrange: () => void arrange(),
      zoomToFit: () => void zoomToFit(),
      deleteNode: (id) => void removeNodes(targetsOf(id)),
      duplicateNode: (id) => void duplicateNodes(targetsOf(id)),
      deleteConnection: (id) => void recorder.batch(() => removeConnectionIfPresent(canvas, id)),
      blocks: () => scopes.current().map((d) => ({ id: d.id, title: blockTitle(d) })),
      addBlock: (id) => void blockEditing.addBlock(id, canvas.menuPoint()),
      makeBlock: (id) => void (selectNodes(targetsOf(id)), blockEditing.makeBlock()),
      openBlock: (id) => void blockEditing.openBlock(id),
      ungroup: (id) => void blockEditing.ungroup(id),
    }),
    editComment,
    // Only called on selection changes, which cannot happen before `selection` exists below.
    selectionChanged: () => selection.changed(),
  });
  const { editor, area, selector } = canvas;
  const pointer = trackPointer(canvas.root, (clientX, clientY) => clientToArea(area, clientX, clientY));
  const comments = new CommentsModel(canvas.comments);
  const recorder: Recorder<Snapshot> = new Recorder(scopedStack(canvas.history, (): BlockScopes => scopes), snapshotProbe(canvas, comments), emitChange);
  const tracking = trackEdits(canvas, recorder, (from, at) => wireDropped(from, at));
  const runArrange = lazyArranger(area);
  const view = createView(area, canvas.root, () => editor.getNodes());
  const scopes: BlockScopes = new BlockScopes(canvas, comments, view, recorder);

  const selection = createNodeSelection(canvas);
  const selectedIds = () => selection.ids().filter((id) => !isBoundary(id));
  const selectNodes = selection.select;
  const blockEditing = createBlockEditing({ canvas, scopes, recorder, selected: selectedIds, select: selectNodes, refuse });
  const breadcrumb = createBreadcrumb(canvas.root, (depth) => void blockEditing.closeTo(depth));
  const stopScopeWatch = scopes.onChange((path) => {
    breadcrumb.show(path, (id) => {
      const def = scopes.lookup().get(id);
      return def ? blockTitle(def) : id;
    });
    setProblems(problemsShown);
    selection.changed();
  });
  const openOnDoubleClick = (e: Event) => void blockEditing.openBlock((e as CustomEvent<string>).detail);
  canvas.root.addEventListener(BLOCK_OPEN_EVENT, openOnDoubleClick);
  const stopCommentDoubleClick = onCommentDoubleClick(canvas.root, (id) => void canvas.comments.editComment(id));

  /** A menu acts on the whole selection when the node clicked is part of it. */
  function targetsOf(id: string): string[] {
    const selected = selectedIds();
    return selected.includes(id) ? selected : [id];
  }

  /** Decides a wire the user dropped (from the socket picked first); refusals say why. */
  function connect(from: SocketData, to: SocketData): boolean {
    const pair = getSourceTarget(from, to);
    const edge = pair && { from: { node: pair[0].nodeId, port: pair[0].key }, to: { node: pair[1].nodeId, port: pair[1].key } };
    const verdict = !edge
      ? { ok: false as const, reason: 'a wire goes from an output (right side of a node) to an input (left side)' }
      : isBoundary(edge.from.node) && isBoundary(edge.to.node)
        ? { ok: false as const, reason: "a block's input cannot go straight to its output: wire it to a node inside" }
        : checkConnection((id) => editor.getNode(id), readEdges(canvas), edge.from, edge.to, scopes.lookup());
    if (!verdict.ok || !edge) {
      tracking.refuseWire();
      if (!verdict.ok) options.onRefusedConnection(verdict.reason);
      return false;
    }
    void addEdge(canvas, edge);
    return true;
  }

  /** Search-to-add (wire-search.ts): the kinds that fit the dropped wire; the pick is added at `at` and wired, as one undo step. */
  function wireDropped(from: SocketData, at: Position): void {
    const node = editor.getNode(from.nodeId);
    if (!node || destroyed) return;
    const defs = scopes.lookup();
    let choices;
    if (from.side === 'output') {
      const end = outputEnd(node, from.key, defs);
      choices = end ? choicesForOutput(end) : [];
    } else {
      const spec = (node.face ?? faceOf(node, defs))?.inputs.find((p) => p.name === from.key);
      choices = spec ? choicesForInput(spec) : [];
    }
    if (choices.length === 0) return;
    const { x, y, k } = area.area.transform;
    const box = area.container.getBoundingClientRect();
    openWireSearch(canvas.root, { x: box.left + x + at.x * k, y: box.top + y + at.y * k }, choices, (choice) => {
      void (async () => {
        const id = nextId(choice.kind, nodeIds(canvas));
        // An output's wire goes to the new node's input on its left; an input's comes from its output on the right.
        const position = from.side === 'output' ? at : { x: at.x - nodeSize(choice.kind).width, y: at.y };
        const theirs = { node: from.nodeId, port: from.key };
        const mine = { node: id, port: choice.port };
        const edge = from.side === 'output' ? { from: theirs, to: mine } : { from: mine, to: theirs };
        await recorder.batch(async () => {
          await addNodeRecord(canvas, { id, kind: choice.kind, params: defaultParams(choice.kind), position });
          const verdict = checkConnection((n) => editor.getNode(n), readEdges(canvas), edge.from, edge.to, scopes.lookup());
          if (verdict.ok) await addEdge(canvas, edge);
          else options.onRefusedConnection(verdict.reason);
        });
        selectNodes([id]);
      })();
    });
  }

  const zoomToFit = () => view.fit(editor.getNodes());

  /** Nudges a new node off any node already sitting exactly there. */
  function freeSpot(p: Position): Position {
    const taken = readNodes(canvas).map((n) => n.position);
    let q = p;
    while (taken.some((t) => Math.abs(t.x - q.x) < 8 && Math.abs(t.y - q.y) < 8)) q = { x: q.x + 24, y: q.y + 24 };
    return q;
  }

  async function addNode(kind: KindId, at?: Position): Promise<string> {
    if (!isKindId(kind)) throw new Error(`unknown node kind "${String(kind)}"`);
    const size = nodeSize(kind);
    const centre = view.centre();
    const position = at ?? freeSpot({ x: Math.round(centre.x - size.width / 2), y: Math.round(centre.y - size.height / 2) });
    const id = nextId(kind, nodeIds(canvas));
    await recorder.batch(() => addNodeRecord(canvas, { id, kind, params: defaultParams(kind), position }));
    selectNodes([id]);
    return id;
  }

  function setField(id: string, field: 'params' | 'label', value: Record<string, unknown> | string | undefined): void {
    const node = editor.getNode(id);
    if (!node) return;
    const before = field === 'params' ? node.params : node.caption;
    if (JSON.stringify(before) === JSON.stringify(value)) return;
    const after = deepCopy(value);
    void writeNodeField(canvas, id, field, after);
    recorder.record(new NodeFieldAction(canvas, id, field, deepCopy(before), deepCopy(after)), 'params');
  }

  async function removeNodes(all: readonly string[], wires: readonly string[] = [], notes: readonly string[] = []): Promise<void> {
    // A block's boundary nodes are its ports: they go when the block goes, never on their own.
    const ids = all.filter((id) => !isBoundary(id));
    if (ids.length + wires.length + notes.length === 0) return;
    await recorder.batch(async () => {
      for (const id of wires) await removeConnectionIfPresent(canvas, id);
      for (const id of ids) await removeNodeWithWires(canvas, id);
      for (const id of notes) comments.remove(id);
    });
  }

  function clipOf(ids: readonly string[]): ClipPayload | undefined {
    if (ids.length === 0) return undefined;
    const chosen = new Set(ids);
    return makeClip(readNodes(canvas).filter((n) => chosen.has(n.id)), readEdges(canvas), scopes.current());
  }

  async function pasteClip(clip: ClipPayload, offset: number | Position): Promise<void> {
    const definitions = scopes.current();
    const plan = planPaste(clip, nodeIds(canvas), offset, definitions);
    // Inside a block, an instance of a block that contains it would make the block contain itself.
    const inside = scopes.activeDefinition();
    const merged = new Map(plan.blocks.map((d) => [d.id, d]));
    const refused = plan.nodes.filter((n) => inside && n.block !== undefined && uses(merged, n.block, inside.id));
    if (refused.length > 0) refuse(`block "${refused[0].block}" cannot go inside block "${inside!.id}": it would contain itself`);
    const nodes = plan.nodes.filter((n) => !refused.includes(n));
    const kept = new Set(nodes.map((n) => n.id));
    await recorder.batch(async () => {
      if (JSON.stringify(plan.blocks) !== JSON.stringify(definitions)) {
        recorder.record(new DefinitionsAction(scopes, definitions, plan.blocks), 'structure');
        await scopes.setDefinitions(plan.blocks);
      }
      const lookup = scopes.lookup();
      for (const n of nodes) scopes.decorate(await addNodeRecord(canvas, n, lookup));
      for (const e of plan.edges) if (kept.has(e.from.node) && kept.has(e.to.node)) await addEdge(canvas, e);
    });
    selectNodes(nodes.map((n) => n.id));
  }

  async function duplicateNodes(ids: readonly string[]): Promise<void> {
    const clip = clipOf(ids);
    if (clip) await pasteClip(clip, PASTE_OFFSET);
  }

  async function readSystemClipboard(): Promise<ClipPayload | undefined> {
    try {
      const text = await navigator.clipboard?.readText();
      return text?.includes(CLIPBOARD_TAG) ? parseClip(text) : undefined;
    } catch {
      return undefined;
    }
  }

  function copy(): void {
    const clip = clipOf(selectedIds());
    if (!clip) return;
    clipboard = clip;
    pastes = 0;
    try {
      // Also to the system clipboard, for pasting into another window; failing that is fine.
      navigator.clipboard?.writeText(JSON.stringify(clip)).catch(() => undefined);
    } catch {
      // no clipboard access here
    }
  }

  function deleteSelected(): Promise<void> {
    return removeNodes(selectedIds(), selector.idsOf('connection'), selector.idsOf('comment'));
  }

  async function arrange(): Promise<void> {
    if (editor.getNodes().length === 0) return;
    await recorder.batch(() => runArrange());
    await zoomToFit();
  }

  async function createComment(text: string, at?: Position): Promise<string | undefined> {
    // Comments belong to the graph's top level; a block's definition has none.
    if (scopes.path().length > 0) {
      refuse('comments go on the top level of the graph: close the block first');
      return undefined;
    }
    const links = selectedIds();
    const centre = at ?? view.centre();
    return recorder.batch(() => comments.add(text, links.length > 0 ? { links } : { at: { x: centre.x - 60, y: centre.y - 20 } }).id);
  }

  async function editComment(comment: Comment): Promise<string> {
    const result = await editCommentText(canvas.root, comment.nested, comment.text);
    if (result?.kind === 'save' && result.text !== comment.text) await recorder.batch(() => comments.setText(comment.id, result.text));
    if (result?.kind === 'delete') await recorder.batch(() => comments.remove(comment.id));
    // The plugin writes back what this returns; the change is already made (and recorded).
    return comment.text;
  }

  function setShapes(shapes: ReadonlyMap<string, string>): void {
    for (const c of editor.getConnections()) {
      const next = shapes.get(c.source);
      if (next === c.shape) continue;
      c.shape = next;
      void area.update('connection', c.id);
    }
  }

  function setProblems(problems: readonly Problem[]): void {
    problemsShown = problems;
    const byNode = new Map<string, Problem[]>();
    for (const p of blockEditing.scopeProblems(problems)) if (p.nodeId !== undefined) byNode.set(p.nodeId, [...(byNode.get(p.nodeId) ?? []), p]);
    for (const node of editor.getNodes()) {
      const next = byNode.get(node.id) ?? [];
      if (JSON.stringify(next) === JSON.stringify(node.problems)) continue;
      node.problems = next;
      void area.update('node', node.id);
    }
  }

  return {
    async load(graph) {
      // A menu opened on the last document would act on this one.
      canvas.closeMenu();
      recorder.flush();
      const split = splitGraph(graph);
      if (split.dropped.length > 0) console.warn('[editor] parts of the graph could not be shown:\n' + split.dropped.join('\n'));
      await recorder.silently(async () => {
        void selector.unselectAll();
        comments.clear();
        await editor.clear();
        base = split.base;
        scopes.reset(split.blocks);
        const definitions = scopes.lookup();
        for (const n of split.nodes) scopes.decorate(await addNodeRecord(canvas, n, definitions));
        for (const e of split.edges) await addEdge(canvas, e);
        comments.load(split.comments);
      });
      recorder.clear();
      pastes = 0;
      if (split.viewport) await view.set(split.viewport);
      else await zoomToFit();
      emitChange('load');
    },
    toGraph() {
      const root = scopes.keptRoot();
      if (root) return assembleGraph(base, root.nodes, root.edges, root.comments, root.viewport, scopes.current());
      const { x, y, k } = area.area.transform;
      return assembleGraph(base, readNodes(canvas), readEdges(canvas), comments.toRecords(), { x, y, zoom: k }, scopes.current());
    },
    onChange(listener) {
      changeListeners.add(listener);
      return () => void changeListeners.delete(listener);
    },
    addNode,
    setParams: (id, params) => setField(id, 'params', params),
    setLabel: (id, label) => setField(id, 'label', label === '' ? undefined : label),
    selected: selectedIds,
    select: selectNodes,
    onSelectionChange: selection.onChange,
    focusNode(id) {
      void (async () => {
        const here = editor.getNode(id) ? id : await blockEditing.reveal(id);
        const node = editor.getNode(here);
        if (!node) return;
        selectNodes([here]);
        await view.fit([node]);
      })();
    },
    setProblems,
    setShapes,
    async undo() {
      if (await recorder.undo()) emitChange('history');
    },
    async redo() {
      if (await recorder.redo()) emitChange('history');
    },
    canUndo: () => recorder.canUndo(),
    canRedo: () => recorder.canRedo(),
    copy,
    async cut() {
      copy();
      await deleteSelected();
    },
    async paste() {
      const clip = clipboard ?? (await readSystemClipboard());
      if (!clip || clip.nodes.length === 0) return;
      pastes++;
      // At the pointer when it is over the canvas (the Edit menu or a key press); else stepped from the originals.
      await pasteClip(clip, pasteOffset(clip, pointer.at(), pastes * PASTE_OFFSET));
    },
    duplicate: () => duplicateNodes(selectedIds()),
    deleteSelected,
    selectAll: () => selectNodes(orderedNodes(canvas).map((n) => n.id).filter((id) => !isBoundary(id))),
    zoomToFit,
    arrange,
    addComment: async (text) => void (await createComment(text)),
    blocks: () => toDocBlocks(scopes.current()),
    blockPath: () => [...scopes.path()],
    onBlockPathChange: (listener) => scopes.onChange((path) => listener([...path])),
    makeBlock: () => blockEditing.makeBlock(),
    openBlock: (id) => blockEditing.openBlock(id),
    closeBlock: (depth) => blockEditing.closeTo(depth ?? scopes.path().length - 1),
    ungroup: (id) => blockEditing.ungroup(id),
    addBlock: (id, at) => blockEditing.addBlock(id, at ?? freeSpot(view.centre())),
    updateBlock: (id, patch) => blockEditing.updateDefinition(id, patch),
    importBlocks: (definitions) => blockEditing.importBlocks(toEditorBlocks(definitions)),
    removeBlock: (id) => blockEditing.removeDefinition(id),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      changeListeners.clear();
      selection.destroy();
      pointer.destroy();
      view.destroy();
      stopCommentDoubleClick();
      stopScopeWatch();
      breadcrumb.destroy();
      canvas.root.removeEventListener(BLOCK_OPEN_EVENT, openOnDoubleClick);
      tracking.destroy();
      canvas.destroy();
    },
  };
}
