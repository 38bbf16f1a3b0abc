/** Run records and sweeps as the terminal shows them (`attractor runs`, `attractor sweep`). */
import type { RunInfo } from '../protocol/runs.js';
import type { SweepInfo, SweepValue } from '../protocol/sweeps.js';

export function num(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toPrecision(digits);
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}

function value(v: SweepValue | undefined): string {
  return v === undefined ? '' : String(v);
}

/** The sweep's configurations, best (lowest held-out loss) first, the best marked. */
export function sweepTable(info: SweepInfo): string[] {
  const paths = info.spec.params.map((p) => p.path);
  const order = [...info.rows].sort((a, b) => (a.heldOutLoss ?? Infinity) - (b.heldOutLoss ?? Infinity) || a.index - b.index);
  const rows = order.map((r) => [r.index === info.best ? '★' : '', String(r.index), ...paths.map((p) => value(r.set[p])), String(r.seed), r.status, num(r.heldOutLoss), num(r.lastLoss), r.runId ?? '']);
  return [
    `sweep ${info.id}: ${info.status}`,
    ...table(['', '#', ...paths, 'seed', 'status', 'held-out', 'train loss', 'run'], rows).map((l) => `  ${l}`),
    `results: ${info.dir}/results.csv, results.json`,
  ];
}

/** One line per run, newest first. */
export function runsTable(runs: readonly RunInfo[]): string[] {
  const rows = runs.map((r) => {
    const s = r.summary;
    const result = s?.train
      ? `${s.train.steps} batches, loss ${num(s.train.lastLoss)}, held-out ${num(s.train.heldOutLoss)}`
      : s?.settle
        ? `${s.settle.iterations} iterations, ${s.settle.converged}/${s.settle.examples} converged`
        : s?.eval
          ? `held-out ${num(s.eval.loss)} on ${s.eval.examples}`
          : (s?.message ?? '');
    const where = r.record.sweep ? `${r.record.sweep.id}#${r.record.sweep.index}` : r.record.origin;
    return [r.record.id, r.record.kind, r.status, r.record.started.replace('T', ' ').slice(0, 19), r.record.backend.name, String(r.record.seed), where, result];
  });
  return table(['id', 'kind', 'status', 'started (UTC)', 'backend', 'seed', 'from', 'result'], rows);
}
