/**
 * The capacity explorer's curves as SVG charts (../run/charts/svg.ts): the fraction of
 * probes retrieved, and the mean overlap m, against α (one line per N, β and corruption)
 * or against β (one per N, P and corruption). Pure: the view draws them, and
 * scripts/capacity-charts.mjs renders the README's from `attractor capacity --json`.
 */
import { capacityCurves, type CapacityAxis, type CapacityCell } from '../../../../engine/protocol/capacity.js';
import type { SvgChart } from '../run/charts/svg.js';

const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

/** α_c of the classic net as N → ∞ (Amit, Gutfreund & Sompolinsky 1985). */
export const ALPHA_C = 0.138;

export function capacityCharts(cells: readonly CapacityCell[], axis: CapacityAxis, width = 560, height = 300): { retrieved: SvgChart; overlap: SvgChart } {
  const curves = capacityCurves(cells.filter(Boolean), axis);
  const x = [...new Set(curves.flatMap((c) => c.x))].sort((a, b) => a - b);
  // β spans decades: drawn against log10 β.
  const shown = axis === 'beta' ? x.map(Math.log10) : x;
  const at = (xs: readonly number[], v: number) => xs.indexOf(v);
  const series = (value: (c: CapacityCell) => number) =>
    curves.map((curve, i) => ({
      label: curve.label,
      stroke: COLORS[i % COLORS.length],
      points: true,
      y: x.map((v) => (at(curve.x, v) < 0 ? null : value(curve.cells[at(curve.x, v)]))),
    }));
  const xLabel = axis === 'alpha' ? 'load α = P/N' : 'log10 β';
  const classic = axis === 'alpha' && cells.some((c) => c && c.beta === null);
  const vMarkers = classic ? [{ value: ALPHA_C, color: '#6b7280', label: 'α_c ≈ 0.138 (N → ∞)' }] : [];
  const common = { xLabel, x: shown, width, height, vMarkers };
  return {
    retrieved: { ...common, title: 'Retrieved (bit error within tolerance)', yLabel: 'fraction of probes', series: series((c) => c.retrieved.mean), hMarkers: [{ value: 0.5, color: '#9ca3af', label: '½' }] },
    overlap: { ...common, title: 'Overlap m with the stored pattern', yLabel: 'mean m', series: series((c) => c.overlap.mean) },
  };
}
