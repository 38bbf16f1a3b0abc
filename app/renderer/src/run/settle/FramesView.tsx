/**
 * The settle run's state, layer by layer, at one recorded iteration: a scrubber over the
 * frames received (it follows the newest until moved), play/pause to replay them, and
 * one image per layer (click a unit to plot it).
 */
import { useEffect, useState } from 'react';
import type { PlanLayerSummary } from '../../../../../engine/protocol/check.js';
import { LayerImage } from '../draw/Heatmap.js';
import type { Range } from '../draw/colormap.js';
import type { Colormap } from '../draw/colormap.js';
import type { SettleRun } from '../run-state.js';
import type { PickedUnit } from './UnitPlot.js';

const RANGES: Record<string, Range> = { tanh: { lo: -1, hi: 1 }, sign: { lo: -1, hi: 1 }, sigmoid: { lo: 0, hi: 1 }, softmax: { lo: 0, hi: 1 } };

function look(layer: PlanLayerSummary | undefined, dims: readonly number[]): { range?: Range; map: Colormap } {
  const range = layer ? RANGES[layer.activation] : undefined;
  const square = dims.length === 1 && Math.round(Math.sqrt(dims[0])) ** 2 === dims[0] && dims[0] >= 16;
  const image = dims.length === 3 || square;
  if (image) return { range, map: 'gray' };
  return { range, map: range && range.lo === 0 ? 'viridis' : 'diverging' };
}

/** Which frame is shown: null follows the newest. Controlled by the settle view (the charts mark it). */
export function useFrameCursor(run: SettleRun) {
  const [picked, setPicked] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const n = run.frames.length;
  useEffect(() => setPicked(null), [run.runId]);
  useEffect(() => {
    if (!playing) return;
    const t = setInterval(() => {
      setPicked((p) => {
        const next = (p ?? -1) + 1;
        if (next >= run.frames.length) {
          setPlaying(false);
          return run.frames.length - 1;
        }
        return next;
      });
    }, 90);
    return () => clearInterval(t);
  }, [playing, run]);
  const index = picked === null ? n - 1 : Math.min(picked, n - 1);
  return { index, picked, setPicked, playing, setPlaying };
}

export function FramesView({ run, cursor, onPick }: { run: SettleRun; cursor: ReturnType<typeof useFrameCursor>; onPick?: (picked: PickedUnit) => void }) {
  const { index, setPicked, playing, setPlaying } = cursor;
  const frame = index >= 0 ? run.frames[index] : undefined;
  const n = run.frames.length;
  const layers = run.plan?.layers ?? [];
  return (
    <section className="run-card run-frames">
      <header className="run-card__head">
        <h4>Layer states</h4>
        <span className="muted small">{run.drawnInto ? `drawn into ${run.drawnInto}` : `dataset #${run.examples[0] ?? '—'}`}</span>
        <span className="spacer" />
        <button
          className="run-mini"
          data-testid="frames-play"
          disabled={n < 2}
          onClick={() => {
            if (!playing && index >= n - 1) setPicked(0);
            setPlaying(!playing);
          }}
        >
          {playing ? '❚❚' : '▶'} replay
        </button>
      </header>
      <div className="run-scrub">
        <input
          type="range"
          data-testid="iteration-scrubber"
          min={0}
          max={Math.max(0, n - 1)}
          value={Math.max(0, index)}
          disabled={n < 2}
          onChange={(e) => {
            setPlaying(false);
            const v = Number(e.target.value);
            setPicked(v >= n - 1 ? null : v);
          }}
          aria-label="Iteration"
        />
        <span className="run-scrub__label" data-testid="iteration-label" data-iter={frame?.iter ?? ''}>
          {frame ? `iteration ${frame.iter}` : 'no frames yet'}
          <span className="muted"> · frame {index + 1}/{n}</span>
        </span>
      </div>
      <div className="run-layers">
        {frame?.layers.map((l) => {
          const summary = layers.find((s) => s.id === l.layerId);
          const { range, map } = look(summary, l.dims);
          return (
            <figure key={l.layerId} className="run-layer">
              <LayerImage layerId={l.layerId} dims={l.dims} data={l.data} range={range} map={map} size={132} testId={`layer-image-${l.layerId}`} iter={frame.iter} onPick={onPick && ((unit) => onPick({ layerId: l.layerId, unit }))} />
              <figcaption>
                <b>{l.layerId}</b> <span className="muted">{summary?.shape ?? l.dims.join('×')}</span>
                {summary && <span className="muted"> · {summary.activation}{summary.clamped !== 'no' ? ` · clamped ${summary.clamped}` : ''}</span>}
                {summary?.activation === 'softmax' && l.dims.length === 1 && <Predicted layerId={l.layerId} values={l.data.subarray(0, l.dims[0])} />}
              </figcaption>
            </figure>
          );
        })}
      </div>
    </section>
  );
}

/** A softmax layer (a classifier's labels) read as its prediction: the most probable class and its probability. */
function Predicted({ layerId, values }: { layerId: string; values: Float32Array }) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return (
    <span className="run-predicted" data-testid={`predicted-${layerId}`} data-class={best}>
      {' '}
      · predicted <b>{best}</b> ({(values[best] * 100).toFixed(0)}%)
    </span>
  );
}
