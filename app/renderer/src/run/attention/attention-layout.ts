/**
 * Where the attention graph puts its tokens. Image patches (the event says rows × cols)
 * sit on their grid; any other self-attention sequence on a line, in order, so a local
 * window draws as short arcs between neighbours rather than as the long diagonals a fake
 * 2-D grid made of it; cross-attention and memories as two columns. Labels are thinned
 * to every k-th token so that no two overlap, whatever the count.
 */
import type { SettleAttention } from '../../../../../engine/protocol/run.js';

export interface Pt {
  readonly x: number;
  readonly y: number;
}

export interface AttentionLayout {
  readonly kind: 'grid' | 'sequence' | 'bipartite';
  readonly queries: readonly Pt[];
  readonly keys: readonly Pt[];
  /** Which query tokens carry a label, and where it goes. */
  readonly labels: readonly { readonly index: number; readonly x: number; readonly y: number }[];
}

/** A label's footprint in the SVG's units (9 px digits): room between neighbours. */
const LABEL_GAP = 16;

const pad = 26;

function every(gap: number): number {
  return Math.max(1, Math.ceil(LABEL_GAP / Math.max(gap, 1e-9)));
}

function column(n: number, x: number, H: number): Pt[] {
  const gap = Math.min(22, (H - 30) / Math.max(1, n - 1));
  const y0 = H / 2 - (gap * (n - 1)) / 2;
  return Array.from({ length: n }, (_, i) => ({ x, y: y0 + i * gap }));
}

export function attentionLayout(ev: Pick<SettleAttention, 'kind' | 'tokens' | 'keys' | 'grid'>, W: number, H: number): AttentionLayout {
  const n = ev.tokens;
  if (ev.kind !== 'self-attention' || ev.tokens !== ev.keys) {
    const queries = column(n, 70, H);
    const gap = n > 1 ? queries[1].y - queries[0].y : LABEL_GAP;
    const k = every(gap);
    return {
      kind: 'bipartite',
      queries,
      keys: column(ev.keys, W - 70, H),
      labels: queries.flatMap((p, i) => (i % k === 0 ? [{ index: i, x: p.x - 14, y: p.y + 3 }] : [])),
    };
  }
  if (ev.grid && ev.grid.rows * ev.grid.cols === n) {
    const { rows, cols } = ev.grid;
    const gap = Math.min((W - 2 * pad) / Math.max(1, cols - 1), (H - 2 * pad) / Math.max(1, rows - 1));
    const x0 = (W - gap * (cols - 1)) / 2;
    const y0 = (H - gap * (rows - 1)) / 2;
    const queries = Array.from({ length: n }, (_, i) => ({ x: x0 + (i % cols) * gap, y: y0 + Math.floor(i / cols) * gap }));
    const k = every(gap);
    // Every k-th row and column, so labels keep apart both ways.
    const labels = queries.flatMap((p, i) => (Math.floor(i / cols) % k === 0 && (i % cols) % k === 0 ? [{ index: i, x: p.x, y: p.y - 10 }] : []));
    return { kind: 'grid', queries, keys: queries, labels };
  }
  const gap = n > 1 ? (W - 2 * pad) / (n - 1) : 0;
  const y = H - 40;
  const queries = Array.from({ length: n }, (_, i) => ({ x: n > 1 ? pad + i * gap : W / 2, y }));
  const k = every(gap);
  return { kind: 'sequence', queries, keys: queries, labels: queries.flatMap((p, i) => (i % k === 0 ? [{ index: i, x: p.x, y: y + 18 }] : [])) };
}

/** An edge from key b to query a: straight, or on a sequence an arc above the line whose height grows with the distance. */
export function edgePath(kind: AttentionLayout['kind'], b: Pt, a: Pt, H: number): string {
  if (kind !== 'sequence') return `M${b.x},${b.y} L${a.x},${a.y}`;
  // Even neighbours' arcs rise clear of the line; far edges rise higher (the apex is at h).
  const h = Math.min(H - 70, 14 + Math.abs(a.x - b.x) * 0.8);
  return `M${b.x},${b.y} Q${(a.x + b.x) / 2},${b.y - 2 * h} ${a.x},${a.y}`;
}
