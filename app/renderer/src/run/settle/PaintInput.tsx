/**
 * Draw an input instead of picking a dataset example: a "Draw" toggle for the Settle
 * view's toolbar and a paint canvas for the clamped visible layer (a grid, or a square
 * vector such as 784 → 28×28). A soft brush paints white on black like MNIST; the pixels
 * the clamp does not hold are tinted (the net fills those in). Settle then sends the
 * drawing as settle.start `input`; the engine maps it like the dataset's images.
 */
import { useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent, type ReactNode } from 'react';
import type { DrawnInput } from '../../../../../engine/protocol/run.js';
import type { RunHost } from '../common.js';
import type { SettleRun } from '../run-state.js';
import { brushRadius, fromState, paintTargets, stroke, toInput, type PaintTarget } from './paint-model.js';

const DISPLAY = 224;
/** Free (not held) pixels: blended with this colour so the held part reads as the input. */
const FREE_TINT = [64, 110, 230] as const;
const FREE_ALPHA = 0.3;

export interface PaintInputState {
  /** Drawing instead of picking an example. */
  readonly on: boolean;
  readonly toggle: ReactNode;
  /** The canvas and its buttons, while on (else null). */
  readonly panel: ReactNode;
  /** What settle.start gets: `{ input }` while drawing into a paintable layer, else nothing. */
  readonly command: { input?: DrawnInput };
}

export function usePaintInput({ host, run, disabled }: { host: RunHost; run: SettleRun | null; disabled: boolean }): PaintInputState {
  const [on, setOn] = useState(false);
  const [graph, setGraph] = useState(() => host.graph());
  useEffect(() => host.doc.subscribe(() => setGraph(host.graph())), [host]);
  // The graph as edited may change without a doc event (an edit): refresh when drawing starts.
  useEffect(() => {
    if (on) setGraph(host.graph());
  }, [on, host]);
  const targets = useMemo(() => paintTargets(graph), [graph]);
  const [picked, setPicked] = useState('');
  const target = targets.find((t) => t.layer === picked) ?? targets[0];
  const key = target ? `${target.layer}:${target.rows}x${target.cols}` : '';
  const drawings = useRef(new Map<string, Float32Array>());
  const [version, setVersion] = useState(0);
  const pixels = useMemo(() => {
    if (!target) return null;
    let p = drawings.current.get(key);
    if (!p) drawings.current.set(key, (p = new Float32Array(target.rows * target.cols)));
    return p;
  }, [key, target]);
  const command = on && target && pixels ? { input: toInput(target, pixels) } : {};

  const toggle = (
    <label className="run-check" title={targets.length > 0 ? 'Draw the input of the clamped visible layer instead of picking a dataset example' : 'The graph has no clamped visible layer that is a picture (a grid or a square vector)'}>
      <input type="checkbox" checked={on} disabled={disabled || (targets.length === 0 && !on)} onChange={(e) => setOn(e.target.checked)} data-testid="paint-toggle" /> draw
    </label>
  );
  if (!on) return { on, toggle, panel: null, command };

  const shown = run?.frames.at(-1)?.layers.find((l) => l.layerId === target?.layer);
  const panel = !target || !pixels ? (
    <p className="muted small pad" data-testid="paint-none">
      Nothing to draw into: the graph has no clamped visible layer that is a grid or a square vector.
    </p>
  ) : (
    <div className="run-card" style={{ display: 'flex', gap: 12, alignItems: 'flex-start', margin: '6px 0' }} data-testid="paint-input">
      <PaintCanvas target={target} pixels={pixels} version={version} onChange={() => setVersion((v) => v + 1)} disabled={disabled} />
      <div style={{ display: 'flex', flexDirection: 'column', gap: 6, fontSize: 12 }}>
        {targets.length > 1 ? (
          <label className="run-field">
            layer
            <select value={target.layer} onChange={(e) => setPicked(e.target.value)} data-testid="paint-layer">
              {targets.map((t) => (
                <option key={t.layer} value={t.layer}>
                  {t.layer}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span>
            into <b>{target.layer}</b> <span className="muted">{target.rows}×{target.cols}{target.channels > 1 ? `×${target.channels}` : ''}</span>
          </span>
        )}
        <span className="muted" data-testid="paint-mask" data-mask={target.maskKind}>
          clamp: {target.maskKind}
          {target.held ? ' · tinted pixels are free (the net fills them in)' : ' · the mask is not a picture: the engine picks the held pixels'}
        </span>
        <span className="muted">Drag to paint; the brush adds up to white.</span>
        <span style={{ display: 'flex', gap: 6 }}>
          <button
            className="run-mini"
            data-testid="paint-clear"
            disabled={disabled}
            onClick={() => {
              pixels.fill(0);
              setVersion((v) => v + 1);
            }}
          >
            Clear
          </button>
          <button
            className="run-mini"
            data-testid="paint-from-state"
            disabled={disabled || !shown || shown.data.length < target.rows * target.cols * target.channels}
            title="Copy the layer's state shown by the last settle (a dataset example, completed) into the canvas"
            onClick={() => {
              if (!shown) return;
              pixels.set(fromState(target, shown.data));
              setVersion((v) => v + 1);
            }}
          >
            From last settle
          </button>
        </span>
      </div>
    </div>
  );
  return { on, toggle, panel, command };
}

function PaintCanvas({ target, pixels, version, onChange, disabled }: { target: PaintTarget; pixels: Float32Array; version: number; onChange: () => void; disabled: boolean }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const { rows, cols, held } = target;
  const radius = brushRadius(rows, cols);

  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    if (c.width !== cols) c.width = cols;
    if (c.height !== rows) c.height = rows;
    const img = ctx.createImageData(cols, rows);
    for (let k = 0; k < rows * cols; k++) {
      const g = Math.round(pixels[k] * 255);
      const free = held !== null && held[k] === 0;
      for (let ch = 0; ch < 3; ch++) img.data[4 * k + ch] = free ? Math.round(g * (1 - FREE_ALPHA) + FREE_TINT[ch] * FREE_ALPHA) : g;
      img.data[4 * k + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels, rows, cols, held, version]);

  const at = (e: ReactPointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * cols, y: ((e.clientY - r.top) / r.height) * rows };
  };
  const scale = DISPLAY / Math.max(rows, cols);
  let sum = 0;
  for (let k = 0; k < pixels.length; k++) sum += pixels[k];

  return (
    <canvas
      ref={ref}
      data-testid="paint-canvas"
      data-layer={target.layer}
      data-rows={rows}
      data-cols={cols}
      data-sum={sum.toFixed(3)}
      data-held={held ? held.reduce((a, b) => a + b, 0) : ''}
      data-version={version}
      title={`Paint the input of ${target.layer} (${rows}×${cols})`}
      style={{ width: Math.round(cols * scale), height: Math.round(rows * scale), imageRendering: 'pixelated', cursor: disabled ? 'not-allowed' : 'crosshair', touchAction: 'none', border: '1px solid var(--border)', borderRadius: 4 }}
      onPointerDown={(e) => {
        if (disabled || e.button !== 0) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        const p = at(e);
        last.current = p;
        if (stroke(pixels, rows, cols, p, p, radius)) onChange();
      }}
      onPointerMove={(e) => {
        if (!last.current) return;
        const p = at(e);
        const changed = stroke(pixels, rows, cols, last.current, p, radius);
        last.current = p;
        if (changed) onChange();
      }}
      onPointerUp={() => {
        last.current = null;
      }}
      onPointerCancel={() => {
        last.current = null;
      }}
    />
  );
}
