/**
 * Attention blocks read as graphs (seed 000): for a settle run recorded with attention,
 * pick a block and a head and scrub the iterations; the weights as a query × key
 * heatmap, and as a drawing with tokens as vertices and the weights above a threshold
 * as edges (stroke width ∝ weight).
 */
import { useEffect, useState } from 'react';
import type { SettleAttention } from '../../../../../engine/protocol/run.js';
import { AttentionHeatmap } from './AttentionHeatmap.js';
import type { ViewProps } from '../common.js';
import { AttentionGraph } from './AttentionGraph.js';

export function AttentionView({ state }: ViewProps) {
  const run = state.run?.kind === 'settle' ? state.run : null;
  const blocks = run ? [...run.attention.keys()] : [];
  const [block, setBlock] = useState<string | null>(null);
  const [head, setHead] = useState(0);
  const [picked, setPicked] = useState<number | null>(null);
  const [threshold, setThreshold] = useState(0.1);
  const current = block && blocks.includes(block) ? block : (blocks[0] ?? null);
  useEffect(() => setPicked(null), [run?.runId, current]);
  const list: SettleAttention[] = (current && run?.attention.get(current)) || [];
  const index = picked === null ? list.length - 1 : Math.min(picked, list.length - 1);
  const ev = index >= 0 ? list[index] : undefined;
  const h = ev ? Math.min(head, ev.heads - 1) : 0;

  if (!run || blocks.length === 0) {
    return (
      <div className="run-view" data-testid="attention-view">
        <p className="muted pad">
          {run ? 'This settle run recorded no attention: the graph has no attention block, or “attention” was off.' : 'Settle a graph with an attention block (self-attention or a Hopfield memory), with “attention” ticked.'}
        </p>
      </div>
    );
  }
  return (
    <div className="run-view" data-testid="attention-view">
      <div className="run-toolbar">
        <label className="run-field">
          block
          <select value={current ?? ''} onChange={(e) => setBlock(e.target.value)} data-testid="attention-block">
            {blocks.map((b) => (
              <option key={b} value={b}>
                {b} ({run.attention.get(b)?.[0]?.kind})
              </option>
            ))}
          </select>
        </label>
        <label className="run-field">
          head
          <select value={h} onChange={(e) => setHead(Number(e.target.value))} data-testid="attention-head">
            {Array.from({ length: ev?.heads ?? 1 }, (_, i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
        </label>
        <label className="run-field run-field--wide">
          iteration
          <input
            type="range"
            min={0}
            max={Math.max(0, list.length - 1)}
            value={Math.max(0, index)}
            data-testid="attention-scrubber"
            onChange={(e) => setPicked(Number(e.target.value) >= list.length - 1 ? null : Number(e.target.value))}
          />
          <span className="mono" data-testid="attention-iter">{ev?.iter ?? '—'}</span>
        </label>
        <label className="run-field run-field--wide">
          edges ≥
          <input type="range" min={0} max={1} step={0.01} value={threshold} data-testid="attention-threshold" onChange={(e) => setThreshold(Number(e.target.value))} />
          <span className="mono">{threshold.toFixed(2)}</span>
        </label>
      </div>
      {ev && (
        <div className="run-split">
          <section className="run-card">
            <header className="run-card__head">
              <h4>Weights, head {h}</h4>
              <span className="muted small">
                {ev.tokens} queries × {ev.keys} {ev.kind === 'hopfield-memory' ? 'stored patterns' : 'keys'} · colour 0…1
              </span>
            </header>
            <AttentionHeatmap ev={ev} head={h} />
          </section>
          <AttentionGraph ev={ev} head={h} threshold={threshold} />
        </div>
      )}
    </div>
  );
}

