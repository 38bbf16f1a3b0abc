/**
 * What the Settle view's paint canvas works on, without React: which clamped visible
 * layers of the graph as edited can be drawn (a grid, or a square vector such as 784 →
 * 28×28), the clamp's mask as far as the renderer can tell (the picture masks), a soft
 * brush, and the settle.start `input` the drawing becomes (engine layout, [0, 1]).
 */

export interface PaintTarget {
  readonly layer: string;
  readonly rows: number;
  readonly cols: number;
  /** Grid channels (a drawn pixel goes into each); 1 for a vector. */
  readonly channels: number;
  /** 1 where the clamp holds the pixel; null when the mask is not a picture mask (random, indices). */
  readonly held: Uint8Array | null;
  /** The clamp mask's kind, for the legend. */
  readonly maskKind: string;
}

interface DocNode {
  readonly id: string;
  readonly kind: string;
  readonly params?: Record<string, unknown>;
}
interface DocEdge {
  readonly from: { readonly node: string; readonly port: string };
  readonly to: { readonly node: string; readonly port: string };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Clamped visible layers that are pictures, in the graph's order. */
export function paintTargets(graph: unknown): PaintTarget[] {
  if (!isRecord(graph) || !Array.isArray(graph.nodes) || !Array.isArray(graph.edges)) return [];
  const nodes = (graph.nodes as unknown[]).filter(isRecord) as unknown as DocNode[];
  const edges = (graph.edges as unknown[]).filter(isRecord) as unknown as DocEdge[];
  const out: PaintTarget[] = [];
  for (const layer of nodes) {
    if (layer.kind !== 'layer' || layer.params?.role !== 'visible') continue;
    const clamps = edges
      .filter((e) => e.from?.node === layer.id && e.to?.port === 'layer')
      .map((e) => nodes.find((n) => n.id === e.to.node && n.kind === 'clamp'))
      .filter((n): n is DocNode => n !== undefined);
    if (clamps.length === 0) continue;
    const picture = pictureOf(layer.params?.shape);
    if (!picture) continue;
    const masks = clamps.map((c) => (isRecord(c.params?.mask) ? c.params.mask : { kind: 'whole' }));
    const held = heldMask(masks, picture.rows, picture.cols);
    out.push({ layer: layer.id, ...picture, held, maskKind: masks.map((m) => String(m.kind)).join(' + ') });
  }
  return out;
}

function pictureOf(shape: unknown): { rows: number; cols: number; channels: number } | null {
  if (!isRecord(shape)) return null;
  if (shape.type === 'grid') {
    const [rows, cols, channels] = [shape.height, shape.width, shape.channels].map(Number);
    return rows > 0 && cols > 0 && channels > 0 ? { rows, cols, channels } : null;
  }
  if (shape.type === 'vector') {
    const n = Number(shape.size);
    const side = Math.round(Math.sqrt(n));
    return side * side === n && n >= 16 ? { rows: side, cols: side, channels: 1 } : null;
  }
  return null;
}

/** The union of the clamps' picture masks (as engine/runtime/masks.ts draws them); null if any is not one. */
function heldMask(masks: readonly Record<string, unknown>[], h: number, w: number): Uint8Array | null {
  const out = new Uint8Array(h * w);
  for (const m of masks) {
    const inside = pictureRule(m, h, w);
    if (!inside) return null;
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) if (inside(r, c)) out[r * w + c] = 1;
  }
  return out;
}

function pictureRule(m: Record<string, unknown>, h: number, w: number): ((r: number, c: number) => boolean) | null {
  switch (m.kind) {
    case 'whole':
      return () => true;
    case 'top-half':
      return (r) => r < Math.floor(h / 2);
    case 'bottom-half':
      return (r) => r >= Math.floor(h / 2);
    case 'left-half':
      return (_r, c) => c < Math.floor(w / 2);
    case 'right-half':
      return (_r, c) => c >= Math.floor(w / 2);
    case 'centre-square': {
      const s = Number(m.size);
      if (!(s > 0)) return null;
      const r0 = Math.floor((h - s) / 2);
      const c0 = Math.floor((w - s) / 2);
      return (r, c) => r >= r0 && r < r0 + s && c >= c0 && c < c0 + s;
    }
    default:
      return null;
  }
}

/** Brush radius in cells for a picture of this size: MNIST's strokes are 2–3 pixels wide at 28×28. */
export function brushRadius(rows: number, cols: number): number {
  return Math.max(0.9, Math.min(rows, cols) / 22);
}

/**
 * One dab of a soft brush at (x, y) in cell units (centres at +0.5): intensity falls off
 * as a Gaussian and adds up to 1, white on black like MNIST. Returns whether a cell changed.
 */
export function dab(pixels: Float32Array, rows: number, cols: number, x: number, y: number, radius: number): boolean {
  let changed = false;
  const reach = Math.ceil(radius * 2);
  const cx = Math.floor(x);
  const cy = Math.floor(y);
  for (let r = cy - reach; r <= cy + reach; r++) {
    if (r < 0 || r >= rows) continue;
    for (let c = cx - reach; c <= cx + reach; c++) {
      if (c < 0 || c >= cols) continue;
      const d2 = (c + 0.5 - x) ** 2 + (r + 0.5 - y) ** 2;
      const add = Math.exp(-d2 / (2 * radius * radius)) * 0.55;
      if (add < 0.02) continue;
      const k = r * cols + c;
      const v = Math.min(1, pixels[k] + add);
      if (v !== pixels[k]) {
        pixels[k] = v;
        changed = true;
      }
    }
  }
  return changed;
}

/** Dabs along a segment, half a cell apart, so a fast stroke leaves no gaps. */
export function stroke(pixels: Float32Array, rows: number, cols: number, from: { x: number; y: number }, to: { x: number; y: number }, radius: number): boolean {
  const steps = Math.max(1, Math.ceil(Math.hypot(to.x - from.x, to.y - from.y) / 0.5));
  let changed = false;
  for (let i = 1; i <= steps; i++) changed = dab(pixels, rows, cols, from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps, radius) || changed;
  return changed;
}

/** The settle.start `input`: the drawing in engine layout (channels last, each channel the same), a plain list for every transport. */
export function toInput(target: PaintTarget, pixels: Float32Array): { layer: string; data: number[] } {
  const data = new Array<number>(pixels.length * target.channels);
  for (let k = 0; k < pixels.length; k++) for (let ch = 0; ch < target.channels; ch++) data[k * target.channels + ch] = Math.fround(pixels[k]);
  return { layer: target.layer, data };
}

/**
 * A layer state from a settle frame (engine layout, the layer's range) as [0, 1] pixels:
 * the channels averaged, and a [-1, 1] state (one with negative values) mapped by (v + 1) / 2.
 */
export function fromState(target: PaintTarget, state: ArrayLike<number>): Float32Array {
  const n = target.rows * target.cols;
  const out = new Float32Array(n);
  let min = Infinity;
  for (let i = 0; i < n * target.channels; i++) min = Math.min(min, state[i]);
  const signed = min < 0;
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let ch = 0; ch < target.channels; ch++) s += state[k * target.channels + ch];
    const v = s / target.channels;
    out[k] = Math.max(0, Math.min(1, signed ? (v + 1) / 2 : v));
  }
  return out;
}
