/**
 * One head's attention weights as a graph (SVG). Self-attention: tokens as vertices (on
 * their grid when they are image patches, else in order on a line, edges as arcs), an
 * edge j → i for every weight ≥ threshold (i ≠ j), stroke width and opacity ∝ weight.
 * A Hopfield memory or cross-attention: queries on the left, keys or patterns on the right.
 * Where tokens go and which carry labels: attention-layout.ts.
 */
import type { SettleAttention } from '../../../../../engine/protocol/run.js';
import { attentionLayout, edgePath } from './attention-layout.js';

const W = 360;
const H = 300;
/** Drawing more edges than this says nothing more: the strongest are kept. */
const MAX_EDGES = 600;

export function AttentionGraph({ ev, head, threshold }: { ev: SettleAttention; head: number; threshold: number }) {
  const layout = attentionLayout(ev, W, H);
  const bipartite = layout.kind === 'bipartite';
  const { queries, keys } = layout;
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
      <svg className="run-attn-graph" viewBox={`0 0 ${W} ${H}`} width={W} height={H} data-testid="attention-graph" data-edges={edges.length} data-layout={layout.kind} role="img" aria-label={`attention graph of ${ev.block}, head ${head}`}>
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
          // A query gathers from the keys it attends to: the edge points from key j to query i,
          // ending at the vertex's rim (straight edges) or on it (arcs, which arrive from above).
          const dx = a.x - b.x;
          const dy = a.y - b.y;
          const len = Math.hypot(dx, dy) || 1;
          const end = layout.kind === 'sequence' ? { x: a.x, y: a.y - vr - 1 } : { x: a.x - (dx / len) * (vr + 1), y: a.y - (dy / len) * (vr + 1) };
          return (
            <path
              key={`${i}-${j}`}
              className="run-attn-edge"
              d={edgePath(layout.kind, b, end, H)}
              fill="none"
              strokeWidth={0.5 + 4.5 * w}
              strokeOpacity={0.25 + 0.7 * w}
              markerEnd={bipartite ? undefined : 'url(#attn-arrow)'}
              data-i={i}
              data-j={j}
            >
              <title>{`${bipartite ? `pattern ${j}` : `token ${j}`} → query ${i}: ${w.toFixed(3)}`}</title>
            </path>
          );
        })}
        {queries.map((p, i) => (
          <circle key={`q${i}`} cx={p.x} cy={p.y} r={vr} className="run-attn-vertex" />
        ))}
        {layout.labels.map((l) => (
          <text key={`l${l.index}`} x={l.x} y={l.y} textAnchor="middle" className="run-attn-label" data-testid="attention-label">
            {l.index}
          </text>
        ))}
        {bipartite &&
          keys.map((p, j) => <circle key={`k${j}`} cx={p.x} cy={p.y} r={vr * 0.8} className="run-attn-vertex run-attn-vertex--key" />)}
      </svg>
    </section>
  );
}
