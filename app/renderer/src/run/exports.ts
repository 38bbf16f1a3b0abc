/**
 * Downloads from the run views: charts as PNG, and the run's log (every iteration,
 * batch and evaluation event the engine sent) as CSV or JSON Lines. Blob URLs and an
 * <a download>: works in the browser and in Electron (which asks where to save).
 */
import type { RunEvent } from '../../../../engine/protocol/run.js';

export function download(name: string, href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function downloadBlob(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  download(name, url);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Typed arrays would not survive JSON.stringify as arrays: logs carry none, but be safe. */
function plain(_key: string, v: unknown): unknown {
  return ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
}

export function toJsonl(events: readonly RunEvent[]): string {
  return events.map((e) => JSON.stringify(e, plain)).join('\n') + (events.length ? '\n' : '');
}

/** One row per event; list fields (per-example energies) joined with ';'. Columns are the union of keys, in first-seen order. */
export function toCsv(events: readonly RunEvent[]): string {
  const cols: string[] = [];
  for (const e of events) for (const k of Object.keys(e)) if (!cols.includes(k) && k !== 'tStarHistogram') cols.push(k);
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const s = Array.isArray(v) ? v.map((x) => (x === null ? '' : String(x))).join(';') : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = events.map((e) => cols.map((c) => cell((e as unknown as Record<string, unknown>)[c])).join(','));
  return [cols.join(','), ...rows].join('\n') + '\n';
}
