/**
 * Held-out loss against one swept parameter (picked), one dot per configuration done,
 * the best ringed; a log axis for parameters whose values span a decade or more. Plain SVG.
 */
import { useState } from 'react';
import type { SweepInfo } from '../../../../engine/protocol/sweeps.js';
import { fmt } from '../run/common.js';

const W = 360;
const H = 220;
const PAD = { l: 52, r: 12, t: 12, b: 34 };

export function SweepScatter({ sweep }: { sweep: SweepInfo }) {
  const numeric = sweep.spec.params.filter((p) => p.values.every((v) => typeof v === 'number')).map((p) => p.path);
  const [axis, setAxis] = useState<string | null>(null);
  const x = axis && numeric.includes(axis) ? axis : (numeric[0] ?? null);
  const points = sweep.rows.filter((r) => r.heldOutLoss !== null && x !== null).map((r) => ({ x: r.set[x!] as number, y: r.heldOutLoss!, best: r.index === sweep.best, index: r.index }));
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const log = xs.length > 0 && Math.min(...xs) > 0 && Math.max(...xs) / Math.min(...xs) >= 10;
  const tx = (v: number) => (log ? Math.log10(v) : v);
  const [x0, x1] = xs.length > 0 ? [Math.min(...xs.map(tx)), Math.max(...xs.map(tx))] : [0, 1];
  const [y0, y1] = ys.length > 0 ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const sx = (v: number) => PAD.l + ((tx(v) - x0) / (x1 - x0 || 1)) * (W - PAD.l - PAD.r);
  const sy = (v: number) => H - PAD.b - ((v - y0) / (y1 - y0 || 1)) * (H - PAD.t - PAD.b);
  return (
    <section className="run-card" data-testid="sweep-scatter" data-points={points.length}>
      <header className="run-card__head">
        <h4>Held-out loss against</h4>
        {numeric.length > 0 ? (
          <select value={x ?? ''} onChange={(e) => setAxis(e.target.value)} data-testid="sweep-axis">
            {numeric.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        ) : (
          <span className="muted small">no numeric parameter</span>
        )}
      </header>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label="held-out loss of each configuration">
        <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} stroke="#d0d5dd" />
        <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} stroke="#d0d5dd" />
        {ys.length > 0 && (
          <>
            <text x={PAD.l - 4} y={sy(y1) + 4} fontSize="10" textAnchor="end" fill="#667085">{fmt(y1, 3)}</text>
            <text x={PAD.l - 4} y={sy(y0)} fontSize="10" textAnchor="end" fill="#667085">{fmt(y0, 3)}</text>
            <text x={PAD.l} y={H - PAD.b + 14} fontSize="10" fill="#667085">{fmt(Math.min(...xs), 3)}</text>
            <text x={W - PAD.r} y={H - PAD.b + 14} fontSize="10" textAnchor="end" fill="#667085">{fmt(Math.max(...xs), 3)}</text>
          </>
        )}
        <text x={(W + PAD.l) / 2} y={H - 4} fontSize="11" textAnchor="middle" fill="#344054">{x ?? ''}{log ? ' (log)' : ''}</text>
        {points.map((p) => (
          <g key={p.index} data-testid={p.best ? 'sweep-best-point' : undefined}>
            <circle cx={sx(p.x)} cy={sy(p.y)} r={p.best ? 6 : 4} fill={p.best ? '#f59e0b' : '#4f46e5'} fillOpacity={0.85} stroke={p.best ? '#92400e' : 'none'} strokeWidth={1.5}>
              <title>{`#${p.index}: ${x} = ${p.x}, held-out ${fmt(p.y)}`}</title>
            </circle>
          </g>
        ))}
      </svg>
    </section>
  );
}
