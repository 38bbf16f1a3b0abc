/**
 * A uPlot line chart that lives as long as the component and is fed in place: a new
 * `version` calls setData with the current series (no React work per point, no chart
 * rebuilt). Horizontal and vertical markers (θ, t*, energy rises) are drawn by a draw
 * hook on the chart's own canvas, so they are in the PNG export too.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartSvg } from './svg.js';
import { INTEGER_INCREMENTS, integerTickLabels, logTickLabels } from './ticks.js';

export interface SeriesSpec {
  readonly label: string;
  readonly stroke: string;
  readonly width?: number;
  readonly points?: boolean;
  readonly dash?: number[];
}

export interface Marker {
  readonly value: number;
  readonly color: string;
  readonly label?: string;
  readonly dash?: number[];
}

export interface LineChartProps {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly SeriesSpec[];
  /** [x, ...ys], read on every version change; the arrays may be the same ones, grown. */
  readonly data: () => uPlot.AlignedData;
  readonly version: number;
  readonly logY?: boolean;
  readonly height?: number;
  readonly hMarkers?: () => readonly Marker[];
  readonly vMarkers?: () => readonly Marker[];
}

export interface ChartHandle {
  /** The chart as a PNG data URL, with its title (white background). */
  png(): string | null;
  /** The chart as a standalone SVG document, built from the series data (./svg.ts). */
  svg(): string;
}

export const LineChart = forwardRef<ChartHandle, LineChartProps>(function LineChart(props, ref) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useImperativeHandle(ref, () => ({
    png() {
      const u = plot.current;
      if (!u) return null;
      const src = u.ctx.canvas;
      const out = document.createElement('canvas');
      out.width = src.width;
      out.height = src.height + 28;
      const ctx = out.getContext('2d');
      if (!ctx) return null;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, out.width, out.height);
      ctx.fillStyle = '#1d2330';
      ctx.font = `${13 * (window.devicePixelRatio || 1)}px system-ui, sans-serif`;
      ctx.fillText(latest.current.title, 8, 19);
      ctx.drawImage(src, 0, 28);
      return out.toDataURL('image/png');
    },
    svg() {
      const p = latest.current;
      const [x, ...ys] = p.data();
      return chartSvg({
        title: p.title,
        xLabel: p.xLabel,
        yLabel: p.yLabel,
        x,
        series: p.series.map((s, i) => ({ ...s, y: ys[i] ?? [] })),
        logY: p.logY,
        hMarkers: p.hMarkers?.(),
        vMarkers: p.vMarkers?.(),
      });
    },
  }));

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const p = latest.current;
    const drawMarkers = (u: uPlot) => {
      const ctx = u.ctx;
      const { left, top, width, height } = u.bbox;
      ctx.save();
      ctx.lineWidth = Math.max(1, devicePixelRatio);
      ctx.font = `${10.5 * devicePixelRatio}px system-ui, sans-serif`;
      for (const m of latest.current.hMarkers?.() ?? []) {
        const y = u.valToPos(m.value, 'y', true);
        if (!Number.isFinite(y) || y < top || y > top + height) continue;
        ctx.strokeStyle = m.color;
        ctx.setLineDash((m.dash ?? [5, 4]).map((d) => d * devicePixelRatio));
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(left + width, y);
        ctx.stroke();
        if (m.label) {
          ctx.fillStyle = m.color;
          ctx.fillText(m.label, left + width - ctx.measureText(m.label).width - 4, y - 4);
        }
      }
      for (const m of latest.current.vMarkers?.() ?? []) {
        const x = u.valToPos(m.value, 'x', true);
        if (!Number.isFinite(x) || x < left || x > left + width) continue;
        ctx.strokeStyle = m.color;
        ctx.setLineDash((m.dash ?? []).map((d) => d * devicePixelRatio));
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        if (m.label) {
          ctx.fillStyle = m.color;
          ctx.fillText(m.label, x + 4, top + 12 * devicePixelRatio);
        }
      }
      ctx.restore();
    };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: p.height ?? 170,
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: p.logY ? { distr: 3 } : { auto: true } },
      axes: [
        // x counts iterations or batches: whole-number ticks only.
        { label: p.xLabel, labelSize: 16, size: 34, stroke: '#667085', grid: { stroke: '#eceef2', width: 1 }, ticks: { stroke: '#d0d5dd', width: 1 }, incrs: [...INTEGER_INCREMENTS], values: (_u, splits) => integerTickLabels(splits) },
        {
          label: p.yLabel,
          labelSize: 16,
          size: 58,
          stroke: '#667085',
          grid: { stroke: '#eceef2', width: 1 },
          ticks: { stroke: '#d0d5dd', width: 1 },
          ...(p.logY
            ? {
                values: (_u: uPlot, splits: number[]) => {
                  const labels = logTickLabels(splits);
                  // The axis is drawn on a canvas: its labels are kept where tests and tools can read them.
                  el.dataset.yTicks = labels.filter((l) => l !== '').join(' ');
                  return labels;
                },
              }
            : {}),
        },
      ],
      series: [
        { label: p.xLabel },
        ...p.series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          width: s.width ?? 1.5,
          dash: s.dash,
          spanGaps: true,
          points: { show: s.points ?? false, size: 5, fill: s.stroke },
        })),
      ],
      hooks: { draw: [drawMarkers] },
    };
    const u = new uPlot(opts, p.data(), el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = el.clientWidth;
      if (w > 0 && Math.abs(w - u.width) > 2) u.setSize({ width: w, height: latest.current.height ?? 170 });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The chart is built once; series shape and log scale are fixed per mount (callers key on them).
  }, []);

  useEffect(() => {
    plot.current?.setData(latest.current.data());
  }, [props.version]);

  return <div className="run-chart__plot" ref={box} />;
});
