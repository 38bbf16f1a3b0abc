/**
 * A line chart as a standalone SVG document, built from the series data (not a capture of
 * the canvas): one <polyline> per series (null / non-finite points skipped, as the chart
 * spans gaps), x and y axes with a few round ticks, axis labels, a title, a legend, and the
 * chart's horizontal / vertical markers. Pure: no DOM, so it is tested in Node.
 */

export interface SvgSeries {
  readonly label: string;
  readonly stroke: string;
  readonly width?: number;
  readonly dash?: readonly number[];
  readonly points?: boolean;
  /** Same length as the chart's x. */
  readonly y: ArrayLike<number | null | undefined>;
}

export interface SvgMarker {
  readonly value: number;
  readonly color: string;
  readonly label?: string;
  readonly dash?: readonly number[];
}

export interface SvgChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly x: ArrayLike<number | null | undefined>;
  readonly series: readonly SvgSeries[];
  readonly logY?: boolean;
  readonly width?: number;
  readonly height?: number;
  readonly hMarkers?: readonly SvgMarker[];
  readonly vMarkers?: readonly SvgMarker[];
}

const PAD = { left: 64, right: 16, top: 34, bottom: 42 };
const LEGEND = 18;

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** About `count` round tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function tickText(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(1);
  return String(Number(v.toPrecision(6)));
}

function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function dashAttr(dash: readonly number[] | undefined): string {
  return dash && dash.length > 0 ? ` stroke-dasharray="${dash.join(' ')}"` : '';
}

/** The points of one series that can be drawn: finite x and y (and y > 0 on a log scale). */
function drawable(chart: SvgChart, s: SvgSeries): [number, number][] {
  const out: [number, number][] = [];
  const n = Math.min(chart.x.length, s.y.length);
  for (let i = 0; i < n; i++) {
    const x = chart.x[i];
    const y = s.y[i];
    if (x === null || x === undefined || y === null || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (chart.logY && y <= 0) continue;
    out.push([x, y]);
  }
  return out;
}

export function chartSvg(chart: SvgChart): string {
  const W = chart.width ?? 640;
  const H = chart.height ?? 320;
  const legendRows = chart.series.length;
  const plot = { left: PAD.left, top: PAD.top, right: W - PAD.right, bottom: H - PAD.bottom - LEGEND * legendRows };
  const lines = chart.series.map((s) => drawable(chart, s));
  const all = lines.flat();
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => (chart.logY ? Math.log10(p[1]) : p[1]));
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (x0 === x1) [x0, x1] = [x0 - 0.5, x1 + 0.5];
  if (y0 === y1) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const yPad = (y1 - y0) * 0.05;
  y0 -= yPad;
  y1 += yPad;
  const px = (x: number) => plot.left + ((x - x0) / (x1 - x0)) * (plot.right - plot.left);
  const pyRaw = (v: number) => plot.bottom - ((v - y0) / (y1 - y0)) * (plot.bottom - plot.top);
  const py = (y: number) => pyRaw(chart.logY ? Math.log10(y) : y);

  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="11">`);
  out.push(`<title>${escapeXml(chart.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${PAD.left}" y="20" font-size="14" fill="#1d2330">${escapeXml(chart.title)}</text>`);

  // Axes with ticks and grid lines.
  out.push(`<g class="axes" stroke="#98a2b3" stroke-width="1">`);
  out.push(`<line x1="${plot.left}" y1="${plot.bottom}" x2="${plot.right}" y2="${plot.bottom}"/>`);
  out.push(`<line x1="${plot.left}" y1="${plot.top}" x2="${plot.left}" y2="${plot.bottom}"/>`);
  out.push(`</g>`);
  out.push(`<g class="ticks" fill="#667085">`);
  for (const t of niceTicks(x0, x1)) {
    const x = num(px(t));
    out.push(`<line x1="${x}" y1="${num(plot.bottom)}" x2="${x}" y2="${num(plot.bottom + 4)}" stroke="#98a2b3"/>`);
    out.push(`<text x="${x}" y="${num(plot.bottom + 16)}" text-anchor="middle">${escapeXml(tickText(t))}</text>`);
  }
  const yTicks = chart.logY ? niceTicks(Math.ceil(y0), Math.floor(y1)).filter(Number.isInteger) : niceTicks(y0, y1);
  for (const t of yTicks) {
    const y = num(pyRaw(t));
    out.push(`<line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="#eceef2"/>`);
    out.push(`<text x="${plot.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(chart.logY ? `1e${t}` : tickText(t))}</text>`);
  }
  out.push(`</g>`);
  out.push(`<text x="${num((plot.left + plot.right) / 2)}" y="${num(plot.bottom + 32)}" text-anchor="middle" fill="#475467">${escapeXml(chart.xLabel)}</text>`);
  out.push(
    `<text x="14" y="${num((plot.top + plot.bottom) / 2)}" text-anchor="middle" fill="#475467" transform="rotate(-90 14 ${num((plot.top + plot.bottom) / 2)})">${escapeXml(chart.yLabel)}</text>`,
  );

  // Markers, clipped to the plot.
  for (const m of chart.hMarkers ?? []) {
    if (chart.logY && m.value <= 0) continue;
    const y = py(m.value);
    if (!Number.isFinite(y) || y < plot.top || y > plot.bottom) continue;
    out.push(`<line class="marker" x1="${plot.left}" y1="${num(y)}" x2="${plot.right}" y2="${num(y)}" stroke="${escapeXml(m.color)}"${dashAttr(m.dash ?? [5, 4])}/>`);
    if (m.label) out.push(`<text x="${plot.right - 4}" y="${num(y - 4)}" text-anchor="end" fill="${escapeXml(m.color)}">${escapeXml(m.label)}</text>`);
  }
  for (const m of chart.vMarkers ?? []) {
    const x = px(m.value);
    if (!Number.isFinite(x) || x < plot.left || x > plot.right) continue;
    out.push(`<line class="marker" x1="${num(x)}" y1="${plot.top}" x2="${num(x)}" y2="${num(plot.bottom)}" stroke="${escapeXml(m.color)}"${dashAttr(m.dash)}/>`);
    if (m.label) out.push(`<text x="${num(x + 4)}" y="${plot.top + 12}" fill="${escapeXml(m.color)}">${escapeXml(m.label)}</text>`);
  }

  // The series: one polyline each.
  chart.series.forEach((s, i) => {
    const pts = lines[i].map(([x, y]) => `${num(px(x))},${num(py(y))}`).join(' ');
    out.push(
      `<polyline class="series" data-label="${escapeXml(s.label)}" fill="none" stroke="${escapeXml(s.stroke)}" stroke-width="${s.width ?? 1.5}" stroke-linejoin="round"${dashAttr(s.dash)} points="${pts}"/>`,
    );
    if (s.points) for (const [x, y] of lines[i]) out.push(`<circle cx="${num(px(x))}" cy="${num(py(y))}" r="2.5" fill="${escapeXml(s.stroke)}"/>`);
  });

  // Legend.
  chart.series.forEach((s, i) => {
    const y = H - LEGEND * (legendRows - i) + 4;
    out.push(`<line x1="${PAD.left}" y1="${y}" x2="${PAD.left + 22}" y2="${y}" stroke="${escapeXml(s.stroke)}" stroke-width="2"${dashAttr(s.dash)}/>`);
    out.push(`<text x="${PAD.left + 28}" y="${y}" dominant-baseline="middle" fill="#344054">${escapeXml(s.label)}</text>`);
  });
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
