/** Plain-text tables of the benchmark's results (the JSON output is the same data, unformatted). */
import type { Spread } from './stats.js';
import type { Comparison, SideSummary } from './interleave/summary.js';
import type { MemoryRow } from './suite.js';

/** First column left-aligned, the rest right-aligned, two spaces apart. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** 4 significant digits, '-' for missing. */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

export function ms(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '-';
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** "q1–q3" of a spread of milliseconds. */
function iqrMs(s: Spread | undefined): string {
  return s && s.n > 0 ? `${ms(s.q1)}–${ms(s.q3)}` : '-';
}

function times(v: number): string {
  return Number.isFinite(v) ? `${v.toFixed(2)}×` : '-';
}

/** Training and settle timings, reads and memory of every side that ran a round (sideLines says why the others did not). */
export function sidesTable(sides: readonly SideSummary[]): string[] {
  const rows = sides.filter((s) => s.rounds > 0).map((s) => {
    const t = s.training;
    const st = s.settle;
    const its = (w: typeof t) => (w ? fmt(w.meanIterations, 3) : '-');
    return [
      s.id,
      ms(t?.ms.median),
      iqrMs(t?.ms),
      its(t),
      t?.meanAdjointSteps ? fmt(t.meanAdjointSteps, 3) : '-',
      fmt(t?.gflops, 3),
      t?.readsPer === null || t === undefined ? '-' : fmt(t.readsPer, 3),
      ms(st?.ms.median),
      iqrMs(st?.ms),
      its(st),
      st?.readsPer === null || st === undefined ? '-' : fmt(st.readsPer, 3),
      formatBytes(s.memory?.maxRssBytes),
      formatBytes(s.memory?.peakTensorBytes ?? s.memory?.peakDeviceBytes),
      fmt(s.mse),
    ];
  });
  return table(
    ['side', 'ms/batch', 'IQR', 'its', 'adjoint', 'GFLOP/s', 'reads', 'ms/settle', 'IQR', 'its', 'reads', 'peak RSS', 'peak tensors', 'held-out MSE'],
    rows,
  );
}

/** What each side runs on, and why a side did not run or stopped. */
export function sideLines(sides: readonly SideSummary[], notRun: readonly { id: string; reason: string }[]): string[] {
  const lines = sides.map((s) => {
    if (!s.info) return `  ${s.id.padEnd(10)} not run: ${s.failed ?? 'unknown'}`;
    const failed = s.failed ? ` — ${s.rounds > 0 ? `stopped after ${s.rounds} rounds` : 'failed'}: ${s.failed}` : '';
    const software = s.info.softwareAdapter ? ' — a software adapter: a correctness device, its times say nothing of a GPU' : '';
    return `  ${s.id.padEnd(10)} ${s.info.detail}${software}${failed}`;
  });
  return [...lines, ...notRun.map((n) => `  ${n.id.padEnd(10)} not run: ${n.reason}`)];
}

/** Per-round speed-ups of ours over each reference compared, with their spread, and the MSE ratio. */
export function comparisonTable(comparisons: readonly Comparison[]): string[] {
  return table(
    ['ours vs reference', 'batch: median', 'IQR', 'min–max', 'settle: median', 'IQR', 'min–max', 'MSE ours/ref'],
    comparisons.map((c) => [
      `${c.ours} vs ${c.reference}`,
      times(c.trainingSpeedup.median),
      c.trainingSpeedup.n > 0 ? `${times(c.trainingSpeedup.q1)}–${times(c.trainingSpeedup.q3)}` : '-',
      c.trainingSpeedup.n > 0 ? `${times(c.trainingSpeedup.min)}–${times(c.trainingSpeedup.max)}` : '-',
      times(c.settleSpeedup.median),
      c.settleSpeedup.n > 0 ? `${times(c.settleSpeedup.q1)}–${times(c.settleSpeedup.q3)}` : '-',
      c.settleSpeedup.n > 0 ? `${times(c.settleSpeedup.min)}–${times(c.settleSpeedup.max)}` : '-',
      times(c.mseRatio),
    ]),
  );
}

export function memoryTable(rows: readonly MemoryRow[]): string[] {
  const steps = [...new Set(rows.map((r) => r.steps))];
  const at = (method: MemoryRow['method'], T: number) => rows.find((r) => r.method === method && r.steps === T);
  const body = steps.map((T) => {
    const b = at('bptt', T);
    const r = at('recurrent-backprop', T);
    return [
      String(T),
      b ? (b.skipped ? `skipped: ${b.skipped}` : formatBytes(b.memory.peakBytes)) : '-',
      r ? formatBytes(r.memory.peakBytes) : '-',
      b && !b.skipped ? String(b.iterations) : '-',
      r ? `${r.iterations} + ${r.adjointSteps}` : '-',
      b && !b.skipped ? ms(b.ms) : '-',
      r ? ms(r.ms) : '-',
    ];
  });
  return table(['T', 'bptt peak', 'rec-backprop peak', 'bptt its', 'rbp its + adjoint', 'bptt ms', 'rbp ms'], body);
}
