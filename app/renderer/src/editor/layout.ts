/**
 * Node geometry and the one-line summaries nodes show.
 *
 * Sizes are computed from the catalog, not measured from the DOM: auto-arrange, the
 * minimap, comment frames and zoom-to-fit read `node.width/height` before (or without)
 * rendering, and the node component pins its box to the same numbers so both agree.
 */
import { findKind, type KindId } from '../../../../nodes/catalog.js';
import type { Category } from '../../../../nodes/kind.js';
import { compactShape, layerShapeSchema } from '../../../../nodes/shapes.js';

export const NODE_WIDTH = 200;
export const HEADER_HEIGHT = 26;
export const LINE_HEIGHT = 18;
/** The node's 1 px top border and the ports area's 6 px top padding (styles.css), around the header and the two summary lines. */
const TOP_BORDER = 1;
const PORTS_PADDING = 6;
export const PORTS_TOP = TOP_BORDER + HEADER_HEIGHT + 2 * LINE_HEIGHT + PORTS_PADDING;
export const PORT_ROW = 22;
const BOTTOM_PADDING = 9;

export interface Size {
  width: number;
  height: number;
}

/** What a node's size depends on: how many ports it has on each side. */
interface Ports {
  readonly inputs: readonly unknown[];
  readonly outputs: readonly unknown[];
}

export function portRows(kind: KindId | Ports): number {
  const spec = typeof kind === 'string' ? findKind(kind) : kind;
  return spec ? Math.max(spec.inputs.length, spec.outputs.length, 1) : 1;
}

/** The size of a node of a catalog kind, or of any node with these ports (block instances, boundary nodes). */
export function nodeSize(kind: KindId | Ports): Size {
  return { width: NODE_WIDTH, height: PORTS_TOP + portRows(kind) * PORT_ROW + BOTTOM_PADDING };
}

/** Centre of a port row, from the node's top edge (auto-arrange needs port positions). */
export function portCentreY(index: number): number {
  return PORTS_TOP + index * PORT_ROW + PORT_ROW / 2;
}

export const CATEGORY_COLOURS: Record<Category | 'blocks' | 'boundary', string> = {
  layers: '#2563eb',
  couplings: '#7c3aed',
  data: '#059669',
  training: '#d97706',
  dynamics: '#db2777',
  blocks: '#0f766e',
  boundary: '#64748b',
};

export const CATEGORY_TITLES: Record<Category, string> = {
  layers: 'Layers',
  couplings: 'Couplings',
  data: 'Data',
  training: 'Training',
  dynamics: 'Dynamics',
};

type Params = Record<string, unknown>;

/** `vector[784]`, `grid 1×28×28`, `tokens 16×49`; undefined when the shape is malformed. */
export function shapeText(shape: unknown): string | undefined {
  const parsed = layerShapeSchema.safeParse(shape);
  return parsed.success ? compactShape(parsed.data) : undefined;
}

/**
 * The node's key parameters in one line, as its kind summarises them. Params are stored as
 * given (possibly partial or invalid while the user edits): defaults fill what is missing,
 * keys the kind does not know are left out (the Problems panel names them), and a value
 * that does not parse is named instead of guessed at.
 */
export function summaryText(kind: KindId, params: Params): string {
  const spec = findKind(kind);
  if (!spec) return '';
  const first = spec.params.safeParse(params);
  if (first.success) return spec.summary(first.data);
  const unknown = new Set(first.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys : [])));
  const parsed = unknown.size > 0 ? spec.params.safeParse(Object.fromEntries(Object.entries(params).filter(([k]) => !unknown.has(k)))) : first;
  if (parsed.success) return spec.summary(parsed.data);
  const bad = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? '')).filter((k) => k !== ''))];
  return bad.length > 0 ? bad.map((k) => `${k}?`).join(' · ') : 'invalid parameters';
}
