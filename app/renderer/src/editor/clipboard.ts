/**
 * Copy and paste as plain data: what goes on the clipboard (the selected nodes, the wires
 * among them, their params, and the definitions of the blocks among them) and how a paste
 * gets fresh ids and an offset, and brings the definitions it needs into the graph.
 */
import { isKindId } from '../../../../nodes/catalog.js';
import type { Edge } from '../../../../nodes/graph.js';
import { BLOCK_KIND } from '../../../../nodes/blocks.js';
import { checkDefinitions } from '../../../../nodes/block-check.js';
import { mergeDefinitions, withDependencies } from '../../../../nodes/block-library.js';
import type { Problem } from '../../../../nodes/problems.js';
import { deepCopy, hasPort, toEditorBlocks, type NodeRecord } from './document.js';
import type { Definitions, EditorBlock } from './faces.js';
import { nextId } from './ids.js';

export const CLIPBOARD_TAG = 'attractor-clipboard';
/** Each successive paste of the same clipboard lands this much further down and right. */
export const PASTE_OFFSET = 40;

export interface ClipPayload {
  [CLIPBOARD_TAG]: 1;
  nodes: NodeRecord[];
  edges: Edge[];
  /** The definitions of the block instances among the nodes, and of the blocks those use. */
  blocks: EditorBlock[];
}

export function makeClip(nodes: readonly NodeRecord[], edges: readonly Edge[], definitions: readonly EditorBlock[] = []): ClipPayload {
  const ids = new Set(nodes.map((n) => n.id));
  const used = nodes.flatMap((n) => (n.kind === BLOCK_KIND && n.block !== undefined ? [n.block] : []));
  return {
    [CLIPBOARD_TAG]: 1,
    nodes: deepCopy([...nodes]),
    edges: deepCopy(edges.filter((e) => ids.has(e.from.node) && ids.has(e.to.node))),
    blocks: deepCopy(withDependencies(definitions, used)),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function parseNode(v: unknown, definitions: Definitions): NodeRecord | undefined {
  if (!isRecord(v) || typeof v.id !== 'string' || typeof v.kind !== 'string') return undefined;
  const block = v.kind === BLOCK_KIND && typeof v.block === 'string' && definitions.has(v.block) ? v.block : undefined;
  if (block === undefined && !isKindId(v.kind)) return undefined;
  const pos = isRecord(v.position) ? v.position : {};
  return {
    id: v.id,
    kind: v.kind as NodeRecord['kind'],
    ...(block !== undefined ? { block } : {}),
    ...(typeof v.label === 'string' ? { label: v.label } : {}),
    params: isRecord(v.params) ? v.params : {},
    position: { x: isFiniteNumber(pos.x) ? pos.x : 0, y: isFiniteNumber(pos.y) ? pos.y : 0 },
  };
}

function parseRef(v: unknown): { node: string; port: string } | undefined {
  return isRecord(v) && typeof v.node === 'string' && typeof v.port === 'string' ? { node: v.node, port: v.port } : undefined;
}

/** Text from the system clipboard (another window, another app): only our payload, and only its sound parts. */
export function parseClip(text: string): ClipPayload | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(raw) || raw[CLIPBOARD_TAG] !== 1 || !Array.isArray(raw.nodes)) return undefined;
  // Definitions are checked as a file's are; if any is broken, no block comes along.
  const problems: Problem[] = [];
  const checked = checkDefinitions(Array.isArray(raw.blocks) ? raw.blocks : [], problems);
  const blocks = problems.length === 0 ? toEditorBlocks(checked.list) : [];
  const definitions: Definitions = new Map(blocks.map((b) => [b.id, b]));
  const nodes = raw.nodes.map((n) => parseNode(n, definitions)).filter((n): n is NodeRecord => n !== undefined);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges: Edge[] = [];
  for (const e of Array.isArray(raw.edges) ? raw.edges : []) {
    const from = isRecord(e) ? parseRef(e.from) : undefined;
    const to = isRecord(e) ? parseRef(e.to) : undefined;
    const source = from && byId.get(from.node);
    const target = to && byId.get(to.node);
    if (from && to && source && target && hasPort(source, 'output', from.port, definitions) && hasPort(target, 'input', to.port, definitions)) {
      edges.push({ from, to });
    }
  }
  return { [CLIPBOARD_TAG]: 1, nodes, edges, blocks };
}

export interface PastePlan {
  nodes: NodeRecord[];
  edges: Edge[];
  /** The graph's definitions with those the paste brings (unchanged when it brings none). */
  blocks: EditorBlock[];
}

/**
 * Where a paste goes: at `at` (the pointer over the canvas), the clipboard's top-left node
 * corner landing there with the layout kept; without a point, `fallback` down and right of
 * where the nodes were copied from, so a paste never sits exactly on its originals.
 */
export function pasteOffset(clip: ClipPayload, at: { x: number; y: number } | undefined, fallback: number): { x: number; y: number } {
  if (!at || clip.nodes.length === 0) return { x: fallback, y: fallback };
  const left = Math.min(...clip.nodes.map((n) => n.position.x));
  const top = Math.min(...clip.nodes.map((n) => n.position.y));
  const offset = { x: at.x - left, y: at.y - top };
  // Pasting with the pointer exactly where the copy came from would hide the originals.
  return Math.abs(offset.x) < 1 && Math.abs(offset.y) < 1 ? { x: fallback, y: fallback } : offset;
}

/**
 * The clipboard's nodes with ids free in `taken`, moved by `offset`, and their wires renamed
 * to match. Definitions the graph has already are shared; one whose id the graph uses for a
 * different definition comes in under a new id, and its instances follow.
 */
export function planPaste(clip: ClipPayload, taken: ReadonlySet<string>, offset: number | { x: number; y: number }, definitions: readonly EditorBlock[] = []): PastePlan {
  const shift = typeof offset === 'number' ? { x: offset, y: offset } : offset;
  const merged = mergeDefinitions(definitions, clip.blocks);
  const used = new Set(taken);
  const rename = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = nextId(n.kind === BLOCK_KIND && n.block !== undefined ? n.block : n.kind, used);
    used.add(id);
    rename.set(n.id, id);
    const block = n.block !== undefined ? { block: merged.renamed[n.block] ?? n.block } : {};
    return { ...deepCopy(n), ...block, id, position: { x: n.position.x + shift.x, y: n.position.y + shift.y } };
  });
  const edges = clip.edges.flatMap((e) => {
    const from = rename.get(e.from.node);
    const to = rename.get(e.to.node);
    return from && to ? [{ from: { node: from, port: e.from.port }, to: { node: to, port: e.to.port } }] : [];
  });
  return { nodes, edges, blocks: merged.blocks };
}
