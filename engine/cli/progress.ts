/** A one-line progress bar for terminals: batches, loss, t*, tossed, examples/s, ETA. */
import type { BatchReport } from '../train/trainer.js';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressLine(r: BatchReport, total: number, batchSize: number, secondsPerBatch: number, width = 24): string {
  const done = Math.min(width, Math.round((width * r.step) / total));
  const bar = `${'█'.repeat(done)}${'░'.repeat(width - done)}`;
  const tStar = r.meanTStar === null ? '–' : r.meanTStar.toFixed(1);
  const eta = formatDuration((total - r.step) * secondsPerBatch);
  const rate = secondsPerBatch > 0 ? Math.round(batchSize / secondsPerBatch) : 0;
  return `${bar} ${r.step}/${total}  loss ${r.loss.toFixed(4)}  t* ${tStar}  tossed ${r.tossed}  ${rate} ex/s  ETA ${eta}`;
}
