/**
 * Copy and paste as plain data: what goes on the clipboard (the selected nodes, the wires
 * among them, their params) and how a paste gets fresh ids and an offset.
 */
import { isKindId } from '../../../../nodes/catalog.js';
import type { Edge } from '../../../../nodes/graph.js';
import { deepCopy, hasPort, type NodeRecord } from './document.js';
import { nextId } from './ids.js';

export const CLIPBOARD_TAG = 'attractor-clipboard';
/** Each successive paste of the same clipboard lands this much further down and right. */
export const PASTE_OFFSET = 40;

export interface ClipPayload {
  [CLIPBOARD_TAG]: 1;
  nodes: NodeRecord[];
  edges: Edge[];
}

export function makeClip(nodes: readonly NodeRecord[], edges: readonly Edge[]): ClipPayload {
  const ids = new Set(nodes.map((n) => n.id));
  return {
    [CLIPBOARD_TAG]: 1,
    nodes: deepCopy([...nodes]),
    edges: deepCopy(edges.filter((e) => ids.has(e.from.node) && ids.has(e.to.node))),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function parseNode(v: unknown): NodeRecord | undefined {
  if (!isRecord(v) || typeof v.id !== 'string' || typeof v.kind !== 'string' || !isKindId(v.kind)) return undefined;
  const pos = isRecord(v.position) ? v.position : {};
  return {
    id: v.id,
    kind: v.kind,
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
  const nodes = raw.nodes.map(parseNode).filter((n): n is NodeRecord => n !== undefined);
  const kinds = new Map(nodes.map((n) => [n.id, n.kind]));
  const edges: Edge[] = [];
  for (const e of Array.isArray(raw.edges) ? raw.edges : []) {
    const from = isRecord(e) ? parseRef(e.from) : undefined;
    const to = isRecord(e) ? parseRef(e.to) : undefined;
    const fromKind = from && kinds.get(from.node);
    const toKind = to && kinds.get(to.node);
    if (from && to && fromKind && toKind && hasPort(fromKind, 'output', from.port) && hasPort(toKind, 'input', to.port)) {
      edges.push({ from, to });
    }
  }
  return { [CLIPBOARD_TAG]: 1, nodes, edges };
}

/** The clipboard's nodes with ids free in `taken`, moved by `offset`, and their wires renamed to match. */
export function planPaste(clip: ClipPayload, taken: ReadonlySet<string>, offset: number): { nodes: NodeRecord[]; edges: Edge[] } {
  const used = new Set(taken);
  const rename = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = nextId(n.kind, used);
    used.add(id);
    rename.set(n.id, id);
    return { ...deepCopy(n), id, position: { x: n.position.x + offset, y: n.position.y + offset } };
  });
  const edges = clip.edges.flatMap((e) => {
    const from = rename.get(e.from.node);
    const to = rename.get(e.to.node);
    return from && to ? [{ from: { node: from, port: e.from.port }, to: { node: to, port: e.to.port } }] : [];
  });
  return { nodes, edges };
}
