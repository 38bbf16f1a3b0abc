/** Plain-text tables of the benchmark's results (the JSON output is the same data, unformatted). */
import type { ReferenceRun } from './reference.js';
import type { MemoryRow, Quality, SettleBench, TrainResult } from './suite.js';
import { formatBytes, type ProcessMemory } from './measure.js';

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

export function ms(v: number): string {
  if (!Number.isFinite(v)) return '-';
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '-';
}

export interface RefRunResult {
  readonly label: string;
  readonly ok: boolean;
  readonly run?: ReferenceRun;
  readonly reason?: string;
}

/** The reference leaves its first 5 batches out of the median unless that would leave none. */
export function referenceTimedBatches(run: ReferenceRun): number {
  return run.batches > 5 ? run.batches - 5 : run.batches;
}

export function speedTable(settle: SettleBench | undefined, trains: readonly TrainResult[], refs: readonly RefRunResult[]): string[] {
  const rows: string[][] = [];
  if (settle) {
    rows.push([
      `settle (no tape, θ=${settle.theta}, ≤${settle.maxSteps} its, batch ${settle.batchSize}, ×${settle.ms.count})`,
      ms(settle.ms.median),
      ms(settle.ms.p10),
      ms(settle.ms.p90),
      fmt(settle.meanIterations, 3),
      ms(settle.ms.median / settle.meanIterations),
      '-',
      fmt(settle.gflops, 3),
      '-',
      '-',
      '-',
    ]);
  }
  for (const t of trains) {
    rows.push([
      `train ${t.method} (T=${t.steps}, batch ${t.batchSize}, ×${t.ms.count})`,
      ms(t.ms.median),
      ms(t.ms.p10),
      ms(t.ms.p90),
      fmt(t.meanIterations, 3),
      t.method === 'bptt' ? ms(t.ms.median / t.meanIterations) : '-',
      t.method === 'recurrent-backprop' ? fmt(t.meanAdjointSteps, 3) : '-',
      fmt(t.gflops, 3),
      formatBytes(t.memory.peakBytes),
      '-',
      '-',
    ]);
  }
  const bptt = trains.find((t) => t.method === 'bptt');
  for (const r of refs) {
    if (!r.ok || !r.run) continue;
    const run = r.run;
    rows.push([
      `reference bptt, ${r.label} (T=${run.steps}, batch ${run.batchSize}, ×${referenceTimedBatches(run)})`,
      ms(run.msMedian),
      ms(run.msP10),
      ms(run.msP90),
      fmt(run.steps, 3),
      ms(run.msMedian / run.steps),
      '-',
      fmt(run.gflops, 3),
      '-',
      bptt ? ratio(run.msMedian, bptt.ms.median) : '-',
      bptt ? ratio(run.msMedian / run.steps, bptt.ms.median / bptt.meanIterations) : '-',
    ]);
  }
  return table(['ms per batch', 'median', 'p10', 'p90', 'iterations', 'ms/iter', 'adjoint', 'GFLOP/s', 'peak tensors', 'ref/ours', 'per iter'], rows);
}

export function qualityTable(
  untrained: Quality | undefined,
  bptt: (Quality & { batches: number }) | undefined,
  rbp: (Quality & { batches: number }) | undefined,
  settle: SettleBench | undefined,
  refs: readonly RefRunResult[],
): string[] {
  // Every reference run trains the same seeded net on the same batches (threads change only the
  // speed), so one run's numbers stand for all of them.
  const ref = refs.find((r) => r.ok && r.run)?.run;
  const headers = ['held-out masked MSE (bottom half, T=20)', 'ours', ...(ref ? ['reference', 'ours/ref'] : [])];
  const row = (label: string, ours: number | undefined, theirs: number | undefined, compare = true) => [
    label,
    fmt(ours),
    ...(ref ? [fmt(theirs), compare && ours !== undefined && theirs !== undefined ? ratio(ours, theirs) : '-'] : []),
  ];
  return table(headers, [
    row('untrained', untrained?.mse, ref?.mseBefore),
    row(`bptt, ${bptt?.batches ?? '-'} batches${ref ? ` (reference ${ref.batches})` : ''}`, bptt?.mse, ref?.mse),
    row(`recurrent-backprop, ${rbp?.batches ?? '-'} batches`, rbp?.mse, undefined),
    row('baseline: train mean image', undefined, ref?.baselineMeanImage),
    // Not the same measurement (ours: settles of 64-example held-out batches, ≤ 100 steps, settled
    // examples only; the reference: all 1000, ≤ 200 steps, unsettled counted as 200): no ratio.
    row('mean steps to converge (θ=1e-3) after bptt', settle?.meanTStar ?? undefined, ref?.meanStepsToConverge, false),
  ]);
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

/** Bytes per iteration BPTT adds, from the smallest and largest T measured. */
export function bpttGrowth(rows: readonly MemoryRow[]): number | undefined {
  const b = rows.filter((r) => r.method === 'bptt' && !r.skipped).sort((x, y) => x.iterations - y.iterations);
  if (b.length < 2) return undefined;
  const first = b[0];
  const last = b[b.length - 1];
  if (last.iterations === first.iterations) return undefined;
  return (last.memory.peakBytes - first.memory.peakBytes) / (last.iterations - first.iterations);
}

export function processLine(p: ProcessMemory, tensors: number): string {
  return `process: RSS ${formatBytes(p.rssBytes)} (max so far ${formatBytes(p.maxRssBytes)}), live tensors ${tensors}`;
}
