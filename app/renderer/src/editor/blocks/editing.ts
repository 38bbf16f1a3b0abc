/**
 * The block commands of the GraphEditor: make a block of the selection, open one (and go
 * back out), ungroup, add an instance, change a definition, import definitions. Each
 * edit is one undo step; opening and closing are not edits.
 */
import type { Problem } from '../../../../../nodes/problems.js';
import { BLOCK_KIND, PATH_SEPARATOR, type ExposedParam } from '../../../../../nodes/blocks.js';
import { mergeDefinitions } from '../../../../../nodes/block-library.js';
import { removeNodeWithWires } from '../actions.js';
import type { Canvas } from '../canvas.js';
import { deepCopy, type NodeRecord } from '../document.js';
import { isBoundary, type EditorBlock } from '../faces.js';
import type { HistoryAction } from 'rete-history-plugin';
import type { StepReason } from '../history.js';
import { nextId } from '../ids.js';
import { addEdge, addNodeRecord, nodeIds, nodeRecord, readEdges, readNodes } from '../records.js';
import type { Position } from '../schemes.js';
import { planMakeBlock, planUngroup } from './plans.js';
import { DefinitionsAction } from './scoped-history.js';
import { uses, type BlockScopes, type ScopePath } from './scopes.js';

export interface BlockEditingContext {
  readonly canvas: Canvas;
  readonly scopes: BlockScopes;
  readonly recorder: {
    record(action: HistoryAction, reason: StepReason): void;
    batch<T>(run: () => Promise<T> | T): Promise<T>;
  };
  selected(): string[];
  select(ids: readonly string[]): void;
  /** Tells the person why a block command did nothing. */
  refuse(reason: string): void;
}

/** What a definition change may touch: the name, description and exposed parameters (ports and contents are edited inside). */
export interface DefinitionPatch {
  readonly name?: string;
  readonly description?: string;
  readonly params?: readonly ExposedParam[];
}

export function createBlockEditing(ctx: BlockEditingContext) {
  const { canvas, scopes, recorder } = ctx;
  const { editor } = canvas;

  /** Records a change of the definitions (and makes it) inside the step being recorded. */
  async function changeDefinitions(next: readonly EditorBlock[]): Promise<void> {
    const before = scopes.current();
    recorder.record(new DefinitionsAction(scopes, before, deepCopy([...next])), 'structure');
    await scopes.setDefinitions(next);
  }

  async function makeBlock(): Promise<string | undefined> {
    const ids = new Set(ctx.selected().filter((id) => !isBoundary(id)));
    const chosen = readNodes(canvas).filter((n) => ids.has(n.id));
    if (chosen.length === 0) {
      ctx.refuse('select the nodes to make a block of first');
      return undefined;
    }
    const outputsOf = (n: NodeRecord) => editor.getNode(n.id)?.face.outputs.map((p) => p.name) ?? [];
    const plan = planMakeBlock(chosen, readEdges(canvas), nodeIds(canvas), scopes.current(), outputsOf);
    // The instance takes the first chosen node's place in the document, so the flattened graph keeps its order.
    const place = editor.getNode(chosen[0].id)!.seq;
    await recorder.batch(async () => {
      await changeDefinitions([...scopes.current(), plan.definition]);
      for (const n of chosen) await removeNodeWithWires(canvas, n.id);
      scopes.decorate(await addNodeRecord(canvas, plan.instance, scopes.lookup(), place));
      for (const e of plan.edges) await addEdge(canvas, e);
    });
    ctx.select([plan.instance.id]);
    return plan.instance.id;
  }

  function instanceOf(id: string | undefined): NodeRecord | undefined {
    const chosen = id ?? ctx.selected().find((s) => editor.getNode(s)?.kind === BLOCK_KIND);
    const node = chosen !== undefined ? editor.getNode(chosen) : undefined;
    return node && node.kind === BLOCK_KIND ? nodeRecord(canvas, node) : undefined;
  }

  async function openBlock(id?: string): Promise<void> {
    const instance = instanceOf(id);
    if (!instance?.block) {
      ctx.refuse('select a block to open');
      return;
    }
    await scopes.goTo([...scopes.path(), { instance: instance.id, block: instance.block }]);
  }

  /** Shows the scope `depth` steps down the path: 0 is the top level. */
  async function closeTo(depth: number): Promise<void> {
    await scopes.goTo(scopes.path().slice(0, Math.max(0, depth)));
  }

  async function ungroup(id?: string): Promise<string[]> {
    const instance = instanceOf(id);
    const definition = instance?.block !== undefined ? scopes.lookup().get(instance.block) : undefined;
    if (!instance || !definition) {
      ctx.refuse('select a block to ungroup');
      return [];
    }
    const plan = planUngroup(instance, definition, readEdges(canvas), nodeIds(canvas));
    // The contents take the instance's place in the document, between it and the node after it.
    const place = editor.getNode(instance.id)!.seq;
    const next = Math.min(...editor.getNodes().map((n) => n.seq).filter((s) => s > place), place + 1);
    const step = (next - place) / (plan.nodes.length + 1);
    await recorder.batch(async () => {
      await removeNodeWithWires(canvas, instance.id);
      const definitions = scopes.lookup();
      for (const [i, n] of plan.nodes.entries()) scopes.decorate(await addNodeRecord(canvas, n, definitions, place + i * step));
      for (const e of plan.edges) await addEdge(canvas, e);
    });
    ctx.select(plan.nodes.map((n) => n.id));
    return plan.nodes.map((n) => n.id);
  }

  /** An instance of a definition; refused inside that definition (a block cannot contain itself). */
  async function addBlock(block: string, at: Position): Promise<string | undefined> {
    const inside = scopes.activeDefinition();
    if (inside && uses(scopes.lookup(), block, inside.id)) {
      ctx.refuse(`block "${block}" cannot go inside block "${inside.id}": it would contain itself`);
      return undefined;
    }
    const id = nextId(block, nodeIds(canvas));
    await recorder.batch(async () => scopes.decorate(await addNodeRecord(canvas, { id, kind: BLOCK_KIND, block, params: {}, position: at }, scopes.lookup())));
    ctx.select([id]);
    return id;
  }

  async function updateDefinition(id: string, patch: DefinitionPatch): Promise<void> {
    const list = scopes.current();
    const def = list.find((d) => d.id === id);
    if (!def) return;
    const next: EditorBlock = { ...def, ...deepCopy(patch), params: deepCopy([...(patch.params ?? def.params)]) };
    if (JSON.stringify(next) === JSON.stringify(def)) return;
    await recorder.batch(() => changeDefinitions(list.map((d) => (d.id === id ? next : d))));
  }

  /** Adds a library's definitions (one undo step); returns the ids they were added under. */
  async function importBlocks(blocks: readonly EditorBlock[]): Promise<{ added: string[]; renamed: Readonly<Record<string, string>> }> {
    const merged = mergeDefinitions(scopes.current(), blocks);
    if (merged.added.length > 0) await recorder.batch(() => changeDefinitions(merged.blocks));
    return { added: merged.added, renamed: merged.renamed };
  }

  /** A definition no instance uses, removed (one undo step); false when it is in use. */
  async function removeDefinition(id: string): Promise<boolean> {
    const list = scopes.current();
    const root = scopes.keptRoot()?.nodes ?? readNodes(canvas);
    const used = [...root, ...list.flatMap((d) => d.nodes)].some((n) => n.kind === BLOCK_KIND && n.block === id);
    if (used || !list.some((d) => d.id === id)) return false;
    await recorder.batch(() => changeDefinitions(list.filter((d) => d.id !== id)));
    return true;
  }

  /** Opens the blocks on a flattened node's path ("stage2/inner/conv") and returns the id of the node there. */
  async function reveal(path: string): Promise<string> {
    const parts = path.split(PATH_SEPARATOR);
    const target: ScopeStep[] = [];
    await scopes.goTo([]);
    for (const part of parts.slice(0, -1)) {
      const node = editor.getNode(part);
      if (!node || node.kind !== BLOCK_KIND || node.block === undefined) return part;
      target.push({ instance: part, block: node.block });
      await scopes.goTo([...target]);
    }
    return parts[parts.length - 1];
  }

  /**
   * Problems as the scope shown sees them. The compiler names a flattened node by its path
   * ("stage2/conv"): its problem shows on the node of this scope it lies in. Validation
   * names a node inside a definition by its own id and a path into `blocks[d]`: it shows
   * inside that definition, however it was opened.
   */
  function scopeProblems(problems: readonly Problem[]): Problem[] {
    const prefix = scopes.prefix();
    const head = prefix === '' ? '' : `${prefix}${PATH_SEPARATOR}`;
    const active = scopes.activeDefinition();
    const activeIndex = active ? scopes.current().findIndex((d) => d.id === active.id) : -1;
    return problems.flatMap((p) => {
      if (p.nodeId === undefined) return [];
      if (!p.nodeId.includes(PATH_SEPARATOR)) {
        const inDefinition = p.path[0] === 'blocks' && typeof p.path[1] === 'number' ? p.path[1] : -1;
        return inDefinition === activeIndex ? [p] : [];
      }
      if (!p.nodeId.startsWith(head)) return [];
      const [first, ...rest] = p.nodeId.slice(head.length).split(PATH_SEPARATOR);
      if (rest.length === 0) return [{ ...p, nodeId: first }];
      // A port of a node deeper inside is no port of the block instance here.
      const { port: _port, ...withoutPort } = p;
      void _port;
      return [{ ...withoutPort, nodeId: first }];
    });
  }

  return { makeBlock, openBlock, closeTo, ungroup, addBlock, updateDefinition, importBlocks, removeDefinition, reveal, scopeProblems };
}

type ScopeStep = ScopePath[number];
export type BlockEditing = ReturnType<typeof createBlockEditing>;
