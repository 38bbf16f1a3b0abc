/**
 * One head's attention weights as a graph (SVG). Self-attention: tokens as vertices (on
 * a grid when they are image patches, i.e. a square number of them; else on a circle),
 * an edge i → j for every weight ≥ threshold (i ≠ j), stroke width and opacity ∝ weight.
 * A Hopfield memory: queries on the left, stored patterns on the right, bipartite.
 */
import type { SettleAttention } from '../../../../../engine/protocol/run.js';

const W = 360;
const H = 300;
/** Drawing more edges than this says nothing more: the strongest are kept. */
const MAX_EDGES = 600;

interface Pt {
  x: number;
  y: number;
}

function layoutTokens(n: number): Pt[] {
  const side = Math.round(Math.sqrt(n));
  if (side * side === n && n >= 4) {
    const gap = Math.min((W - 60) / (side - 1 || 1), (H - 60) / (side - 1 || 1));
    const x0 = (W - gap * (side - 1)) / 2;
    const y0 = (H - gap * (side - 1)) / 2;
    return Array.from({ length: n }, (_, i) => ({ x: x0 + (i % side) * gap, y: y0 + Math.floor(i / side) * gap }));
  }
  const r = Math.min(W, H) / 2 - 26;
  return Array.from({ length: n }, (_, i) => ({ x: W / 2 + r * Math.cos((2 * Math.PI * i) / n - Math.PI / 2), y: H / 2 + r * Math.sin((2 * Math.PI * i) / n - Math.PI / 2) }));
}

function column(n: number, x: number): Pt[] {
  const gap = Math.min(22, (H - 30) / Math.max(1, n - 1));
  const y0 = H / 2 - (gap * (n - 1)) / 2;
  return Array.from({ length: n }, (_, i) => ({ x, y: y0 + i * gap }));
}

export function AttentionGraph({ ev, head, threshold }: { ev: SettleAttention; head: number; threshold: number }) {
  const bipartite = ev.kind !== 'self-attention' || ev.tokens !== ev.keys;
  const queries = bipartite ? column(ev.tokens, 70) : layoutTokens(ev.tokens);
  const keys = bipartite ? column(ev.keys, W - 70) : queries;
  const base = head * ev.tokens * ev.keys;
  const edges: { i: number; j: number; w: number }[] = [];
  for (let i = 0; i < ev.tokens; i++) {
    for (let j = 0; j < ev.keys; j++) {
      if (!bipartite && i === j) continue;
      const w = ev.weights[base + i * ev.keys + j];
      if (w >= threshold && w > 0) edges.push({ i, j, w });
    }
  }
  edges.sort((a, b) => b.w - a.w);
  const shown = edges.slice(0, MAX_EDGES).reverse(); // strongest drawn last, on top
  const vr = Math.max(3, Math.min(8, 120 / Math.max(ev.tokens, ev.keys)));
  return (
    <section className="run-card">
      <header className="run-card__head">
        <h4>As a graph</h4>
        <span className="muted small">
          {edges.length} edge{edges.length === 1 ? '' : 's'} ≥ {threshold.toFixed(2)}
          {edges.length > MAX_EDGES ? ` (strongest ${MAX_EDGES} drawn)` : ''} · iteration {ev.iter}
        </span>
      </header>
      <svg className="run-attn-graph" viewBox={`0 0 ${W} ${H}`} width={W} height={H} data-testid="attention-graph" data-edges={edges.length} role="img" aria-label={`attention graph of ${ev.block}, head ${head}`}>
        <defs>
          <marker id="attn-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="5" markerHeight="5" orient="auto-start-reverse">
            <path d="M0,0 L8,4 L0,8 z" fill="#4f46e5" />
          </marker>
        </defs>
        {bipartite && (
          <>
            <text x={70} y={12} textAnchor="middle" className="run-attn-caption">queries</text>
            <text x={W - 70} y={12} textAnchor="middle" className="run-attn-caption">{ev.kind === 'hopfield-memory' ? 'patterns' : 'keys'}</text>
          </>
        )}
        {shown.map(({ i, j, w }) => {
          const a = queries[i];
          const b = keys[j];
          // A query gathers from the keys it attends to: the edge points from key j to query i.
          const dx = a.x - b.x;
          const dy = a.y - b.y;
          const len = Math.hypot(dx, dy) || 1;
          const ex = a.x - (dx / len) * (vr + 1);
          const ey = a.y - (dy / len) * (vr + 1);
          return (
            <line
              key={`${i}-${j}`}
              className="run-attn-edge"
              x1={b.x}
              y1={b.y}
              x2={ex}
              y2={ey}
              strokeWidth={0.5 + 4.5 * w}
              strokeOpacity={0.25 + 0.7 * w}
              markerEnd={bipartite ? undefined : 'url(#attn-arrow)'}
            >
              <title>{`${bipartite ? `pattern ${j}` : `token ${j}`} → query ${i}: ${w.toFixed(3)}`}</title>
            </line>
          );
        })}
        {queries.map((p, i) => (
          <g key={`q${i}`}>
            <circle cx={p.x} cy={p.y} r={vr} className="run-attn-vertex" />
            {ev.tokens <= 64 && (
              <text x={p.x} y={p.y + 3} textAnchor="middle" className="run-attn-label">
                {i}
              </text>
            )}
          </g>
        ))}
        {bipartite &&
          keys.map((p, j) => <circle key={`k${j}`} cx={p.x} cy={p.y} r={vr * 0.8} className="run-attn-vertex run-attn-vertex--key" />)}
      </svg>
    </section>
  );
}
