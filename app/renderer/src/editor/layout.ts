/**
 * Node geometry and the one-line summaries nodes show.
 *
 * Sizes are computed from the catalog, not measured from the DOM: auto-arrange, the
 * minimap, comment frames and zoom-to-fit read `node.width/height` before (or without)
 * rendering, and the node component pins its box to the same numbers so both agree.
 */
import { findKind, type KindId } from '../../../../nodes/catalog.js';
import type { Category } from '../../../../nodes/kind.js';

export const NODE_WIDTH = 200;
export const HEADER_HEIGHT = 26;
export const LINE_HEIGHT = 18;
export const PORTS_TOP = HEADER_HEIGHT + 2 * LINE_HEIGHT + 8;
export const PORT_ROW = 22;
const BOTTOM_PADDING = 8;

export interface Size {
  width: number;
  height: number;
}

export function portRows(kind: KindId): number {
  const spec = findKind(kind);
  return spec ? Math.max(spec.inputs.length, spec.outputs.length, 1) : 1;
}

export function nodeSize(kind: KindId): Size {
  return { width: NODE_WIDTH, height: PORTS_TOP + portRows(kind) * PORT_ROW + BOTTOM_PADDING };
}

/** Centre of a port row, from the node's top edge (auto-arrange needs port positions). */
export function portCentreY(index: number): number {
  return PORTS_TOP + index * PORT_ROW + PORT_ROW / 2;
}

export const CATEGORY_COLOURS: Record<Category, string> = {
  layers: '#2563eb',
  couplings: '#7c3aed',
  data: '#059669',
  training: '#d97706',
  dynamics: '#db2777',
};

export const CATEGORY_TITLES: Record<Category, string> = {
  layers: 'Layers',
  couplings: 'Couplings',
  data: 'Data',
  training: 'Training',
  dynamics: 'Dynamics',
};

type Params = Record<string, unknown>;

function record(v: unknown): Params {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Params) : {};
}

/** `vector[784]`, `grid 1×28×28`, `tokens 16×49`; undefined when the shape is malformed. */
export function shapeText(shape: unknown): string | undefined {
  const s = record(shape);
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  switch (s.type) {
    case 'vector':
      return n(s.size) !== undefined ? `vector[${n(s.size)}]` : undefined;
    case 'grid':
      return [s.channels, s.height, s.width].every((v) => n(v) !== undefined)
        ? `grid ${s.channels}×${s.height}×${s.width}`
        : undefined;
    case 'tokens':
      return n(s.tokens) !== undefined && n(s.dim) !== undefined ? `tokens ${s.tokens}×${s.dim}` : undefined;
    default:
      return undefined;
  }
}

/**
 * The node's key parameters in one line. Params are stored as given (possibly partial or
 * invalid while the user edits), so defaults are filled in where the schema accepts them.
 */
export function summaryText(kind: KindId, params: Params): string {
  const spec = findKind(kind);
  const parsed = spec?.params.safeParse(params);
  const p: Params = parsed?.success ? record(parsed.data) : params;
  const join = (...parts: (string | undefined | false)[]) => parts.filter(Boolean).join(' · ');
  switch (kind) {
    case 'layer':
      return join(shapeText(p.shape ?? { type: 'vector', size: 100 }) ?? 'shape?', String(p.activation ?? ''), p.role === 'visible' && 'visible');
    case 'patches':
      return `${p.size}×${p.size} patches`;
    case 'unpatch':
      return join(`${p.size}×${p.size} patches`, `${p.channels} ch`);
    case 'dense':
    case 'conv':
    case 'dense-within':
    case 'conv-within': {
      const init = record(p.init);
      return join(p.kernel !== undefined && `k=${p.kernel}`, `${init.distribution ?? 'normal'} ×${init.gain ?? 1}`);
    }
    case 'self-attention':
    case 'cross-attention':
      return join(`${p.heads} head${p.heads === 1 ? '' : 's'}`, `β ${p.beta}`, String(record(p.mask).kind ?? ''));
    case 'hopfield-memory':
      return join(`${p.patterns} patterns`, `β ${p.beta}`, p.source === 'dataset' && 'from data');
    case 'clamp':
      return join(String(record(p.mask).kind ?? '?'), p.hold === false && 'start only');
    case 'dataset':
      return join(String(record(p.source).kind ?? '?'), p.limit !== undefined && `${p.limit} examples`);
    case 'target':
      return join(`loss ${p.loss}`, `×${p.weight}`);
    case 'noise':
      return join(`${p.init} ${p.scale}`, Number(p.dropout) > 0 && `dropout ${p.dropout}`);
    default:
      return '';
  }
}
