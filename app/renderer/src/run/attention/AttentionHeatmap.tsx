/**
 * One head's attention weights (example 0) as a query × key heatmap on a fixed scale: the
 * weights are probabilities, so the colours run from 0 to 1 and uniform attention over 16
 * keys looks faint (1/16), not like full attention. A colour bar marks the uniform level;
 * hovering a cell reads its query, key and weight.
 */
import { useMemo, useState } from 'react';
import type { SettleAttention } from '../../../../../engine/protocol/run.js';
import { Heatmap } from '../draw/Heatmap.js';

const SCALE = { lo: 0, hi: 1 };
const BAR = Float32Array.from({ length: 64 }, (_, i) => i / 63);

export function AttentionHeatmap({ ev, head }: { ev: SettleAttention; head: number }) {
  const [hover, setHover] = useState<{ q: number; k: number } | null>(null);
  const size = ev.tokens * ev.keys;
  const offset = head * size; // example 0: [examples, heads, tokens, keys]
  const keyWord = ev.kind === 'hopfield-memory' ? 'pattern' : 'key';
  const uniform = 1 / ev.keys;
  const weights = useMemo(() => ev.weights, [ev]);
  const onMove = (e: React.MouseEvent<HTMLDivElement>) => {
    const canvas = e.currentTarget.querySelector('canvas');
    if (!canvas) return;
    const r = canvas.getBoundingClientRect();
    const k = Math.floor(((e.clientX - r.left) / r.width) * ev.keys);
    const q = Math.floor(((e.clientY - r.top) / r.height) * ev.tokens);
    setHover(q >= 0 && q < ev.tokens && k >= 0 && k < ev.keys ? { q, k } : null);
  };
  const value = hover ? weights[offset + hover.q * ev.keys + hover.k] : null;
  return (
    <div className="attention-heatmap">
      <div onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
        <Heatmap data={weights} rows={ev.tokens} cols={ev.keys} offset={offset} map="viridis" range={SCALE} size={300} testId="attention-heatmap" />
      </div>
      <div className="attention-colorbar" data-testid="attention-colorbar">
        <span className="mono small">0</span>
        <span className="attention-colorbar__bar">
          <Heatmap data={BAR} rows={1} cols={BAR.length} map="viridis" range={SCALE} size={160} />
          <span className="attention-colorbar__mark" style={{ left: `${uniform * 100}%` }} title={`uniform over ${ev.keys} ${keyWord}s: ${uniform.toPrecision(3)}`} />
        </span>
        <span className="mono small">1</span>
        <span className="muted small">▲ uniform = 1/{ev.keys}</span>
      </div>
      <p className="mono small" data-testid="attention-readout" data-value={value ?? ''}>
        {hover && value !== null ? `query ${hover.q} → ${keyWord} ${hover.k}: ${value.toPrecision(3)}` : 'hover a cell for its weight'}
      </p>
    </div>
  );
}
