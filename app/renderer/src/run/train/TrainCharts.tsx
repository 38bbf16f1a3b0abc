/** Training curves: train and held-out loss on one chart (linear or log y), and the held-out t* histogram as bars on a canvas. */
import { useEffect, useRef, useState } from 'react';
import { ChartCard, fmt } from '../common.js';
import { LineChart, type ChartHandle } from '../charts/LineChart.js';
import type { TrainRun } from '../run-state.js';

export function LossChart({ run, version }: { run: TrainRun; version: number }) {
  const chart = useRef<ChartHandle>(null);
  const [logY, setLogY] = useState(false);
  return (
    <ChartCard
      title="Loss per batch"
      name="loss"
      chart={chart}
      testId="loss-chart"
      attrs={{ 'data-points': run.loss.length, 'data-evals': run.evalLoss.length, 'data-log': logY ? 'true' : 'false' }}
      extra={
        <>
          <label className="run-check small" title="Log scale for the loss axis">
            <input type="checkbox" checked={logY} data-testid="loss-log" onChange={(e) => setLogY(e.target.checked)} /> log
          </label>
          <span className="muted small">held-out every eval: {run.evalLoss.map((v) => fmt(v, 3)).slice(-4).join(' → ')}</span>
        </>
      }
    >
      <LineChart
        key={logY ? 'log' : 'linear'}
        logY={logY}
        ref={chart}
        title="Loss"
        xLabel="batch"
        yLabel="loss"
        series={[
          { label: 'train', stroke: '#98a2b3', width: 1 },
          { label: 'held-out', stroke: '#4f46e5', width: 2, points: true },
        ]}
        data={() => [run.steps, run.loss, run.heldOut]}
        version={version}
        height={190}
      />
    </ChartCard>
  );
}

export function TStarHistogramView({ run }: { run: TrainRun }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const h = run.histogram;
  useEffect(() => {
    const c = ref.current;
    if (!c || !h) return;
    const dpr = window.devicePixelRatio || 1;
    const W = c.clientWidth || 300;
    const H = 110;
    c.width = W * dpr;
    c.height = H * dpr;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.scale(dpr, dpr);
    ctx.clearRect(0, 0, W, H);
    const bars = [...h.counts, h.unsettled];
    const max = Math.max(1, ...bars);
    const pad = { l: 28, r: 6, t: 6, b: 20 };
    const bw = (W - pad.l - pad.r) / bars.length;
    ctx.font = '10px system-ui, sans-serif';
    ctx.fillStyle = '#667085';
    ctx.fillText(String(max), 2, pad.t + 8);
    ctx.fillText('0', 2, H - pad.b);
    bars.forEach((v, i) => {
      const bh = ((H - pad.t - pad.b) * v) / max;
      ctx.fillStyle = i === bars.length - 1 ? '#d92d20' : '#4f46e5';
      ctx.fillRect(pad.l + i * bw + 1, H - pad.b - bh, Math.max(1, bw - 2), bh);
    });
    ctx.fillStyle = '#667085';
    const step = Math.max(1, Math.ceil(h.counts.length / 8));
    for (let i = 0; i <= h.counts.length; i += step) ctx.fillText(String(h.bins[i] ?? ''), pad.l + i * bw, H - 6);
    ctx.fillStyle = '#d92d20';
    ctx.fillText('∞', pad.l + h.counts.length * bw + bw / 2 - 3, H - 6);
  }, [h]);
  return (
    <section className="run-card" data-testid="tstar-histogram">
      <header className="run-card__head">
        <h4>t* on held-out examples</h4>
        <span className="muted small">{h ? `${h.counts.reduce((a, b) => a + b, 0)} settled · ${h.unsettled} not (red)` : 'after the first evaluation'}</span>
      </header>
      <canvas ref={ref} className="run-hist" />
    </section>
  );
}
