/**
 * Canvas views of numbers: one matrix (Heatmap), and a layer of one example in engine
 * layout (LayerImage: square vectors and grids as images, other vectors as strips,
 * tokens as a token × dim matrix). Redrawn when the data object changes.
 */
import { useEffect, useMemo, useRef } from 'react';
import { unitAt } from './unit-at.js';
import { extent, layoutOf, paint, symmetric, type Colormap, type Range } from './colormap.js';

export interface HeatmapProps {
  readonly data: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
  readonly map?: Colormap;
  /** Fixed range; default: symmetric for diverging, the data's extent otherwise. */
  readonly range?: Range;
  readonly offset?: number;
  readonly stride?: number;
  /** CSS size of the longer side. */
  readonly size?: number;
  readonly testId?: string;
  readonly title?: string;
  readonly className?: string;
}

export function Heatmap({ data, rows, cols, map = 'gray', range, offset = 0, stride = 1, size = 120, testId, title, className }: HeatmapProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c) return;
    const r = range ?? (map === 'diverging' ? symmetric(data) : extent(data));
    paint(c, data, rows, cols, map, r, { offset, stride });
    // The range by value: callers build it fresh on every render.
  }, [data, rows, cols, map, range?.lo, range?.hi, offset, stride]);
  const scale = size / Math.max(rows, cols, 1);
  // Thin strips stay readable: at least 4 px per row.
  const h = Math.max(rows * scale, Math.min(rows * 4, 40));
  return (
    <canvas
      ref={ref}
      className={`heatmap ${className ?? ''}`}
      data-testid={testId}
      title={title}
      style={{ width: `${Math.round(cols * scale)}px`, height: `${Math.round(h)}px` }}
    />
  );
}

export interface LayerImageProps {
  readonly layerId: string;
  readonly dims: readonly number[];
  /** All examples' values; example `example` is drawn. */
  readonly data: Float32Array;
  readonly example?: number;
  /** The activation's range when known (tanh: [-1, 1]); default from the data. */
  readonly range?: Range;
  readonly map?: Colormap;
  readonly size?: number;
  /** Set on the canvas (the first tile): what the tests read. */
  readonly testId?: string;
  readonly iter?: number;
  /** A click on a unit: its index in engine layout (./unit-at.ts). */
  readonly onPick?: (unit: number) => void;
}

export function LayerImage({ layerId, dims, data, example = 0, range, map, size = 150, testId, iter, onPick }: LayerImageProps) {
  const layout = layoutOf(dims);
  const per = dims.reduce((a, b) => a * b, 1);
  const start = example * per;
  const slice = useMemo(() => data.subarray(start, start + per), [data, start, per]);
  const r = range ?? (map === 'diverging' ? symmetric(slice) : extent(slice));
  const tiles = Math.min(layout.tiles, 16);
  const cells = layout.rows * layout.cols;
  const padded = useMemo(() => (layout.kind === 'strip' && cells > per ? padTo(slice, cells) : slice), [slice, cells, per, layout.kind]);
  return (
    <div
      className={`layer-image${onPick ? ' layer-image--pickable' : ''}`}
      data-layer={layerId}
      data-iter={iter}
      onClick={
        onPick &&
        ((e) => {
          const canvas = e.target instanceof HTMLCanvasElement ? e.target : null;
          if (!canvas) return;
          const r = canvas.getBoundingClientRect();
          const unit = unitAt(dims, [...e.currentTarget.children].indexOf(canvas), (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
          if (unit !== null) onPick(unit);
        })
      }
    >
      {Array.from({ length: tiles }, (_, t) => (
        <Heatmap
          key={t}
          data={padded}
          rows={layout.rows}
          cols={layout.cols}
          offset={t}
          stride={layout.stride}
          map={map ?? 'gray'}
          range={r}
          size={tiles > 1 ? Math.max(48, size / Math.ceil(Math.sqrt(tiles))) : size}
          testId={t === 0 ? testId : undefined}
          title={`${layerId}${layout.tiles > 1 ? ` channel ${t}` : ''}: ${dims.join('×')}, range ${r.lo.toFixed(2)}…${r.hi.toFixed(2)}`}
        />
      ))}
    </div>
  );
}

function padTo(a: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n).fill(NaN);
  out.set(a);
  return out;
}
