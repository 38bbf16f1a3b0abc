/**
 * The settle run's charts: energy per iteration (example 0) with the compiler's
 * guarantee beside it and an alarm when energy rose under descent, and the max change
 * per iteration on a log scale with the θ tolerance line and the t* marker.
 */
import { useRef } from 'react';
import { ChartCard, GuaranteeChip, fmt } from '../common.js';
import { LineChart, type ChartHandle, type Marker } from '../charts/LineChart.js';
import type { SettleRun } from '../run-state.js';

export function SettleCharts({ run, version, cursor }: { run: SettleRun; version: number; cursor: number | null }) {
  const energyChart = useRef<ChartHandle>(null);
  const changeChart = useRef<ChartHandle>(null);
  const guarantee = run.plan?.guarantee ?? null;
  const first = run.energy[0];
  const last = run.energy.at(-1);
  const vMarkers = (): Marker[] => {
    const out: Marker[] = [];
    if (run.tStar !== null) out.push({ value: run.tStar, color: '#067647', label: 't*', dash: [4, 3] });
    for (const r of run.rises.slice(0, 50)) out.push({ value: r, color: '#d92d20' });
    if (cursorRef.current !== null) out.push({ value: cursorRef.current, color: '#98a2b3', dash: [2, 2] });
    return out;
  };
  const cursorRef = useRef<number | null>(cursor);
  cursorRef.current = cursor;
  return (
    <div className="run-charts">
      {run.rises.length > 0 && (
        <div className="run-banner run-banner--alarm" role="alert" data-testid="energy-alarm">
          Energy rose under a descent guarantee at iteration{run.rises.length > 1 ? 's' : ''} {run.rises.slice(0, 8).join(', ')}
          {run.rises.length > 8 ? ', …' : ''}: the schedule or the weights break the compiler's promise.
        </div>
      )}
      <ChartCard
        title="Energy E"
        name="energy"
        chart={energyChart}
        testId="energy-chart"
        attrs={{
          'data-points': run.energy.length,
          'data-first-energy': first !== undefined ? String(first) : undefined,
          'data-last-energy': last !== undefined ? String(last) : undefined,
        }}
        extra={
          <>
            <GuaranteeChip kind={guarantee?.kind ?? null} reason={guarantee?.reason} />
            <span className="muted small">
              {first !== undefined && last !== undefined ? `${fmt(first)} → ${fmt(last)}` : ''}
            </span>
          </>
        }
      >
        <LineChart
          ref={energyChart}
          title="Energy per iteration"
          xLabel="iteration"
          yLabel="E"
          series={[{ label: 'E (example 0)', stroke: '#4f46e5', width: 1.75, points: run.energy.length < 60 }]}
          data={() => [run.iters, run.energy]}
          version={version}
          vMarkers={vMarkers}
          height={165}
        />
      </ChartCard>
      <ChartCard
        title="Max change ‖Δx‖∞"
        name="max-change"
        chart={changeChart}
        testId="change-chart"
        extra={<span className="muted small">θ = {fmt(run.theta, 3)}</span>}
      >
        <LineChart
          ref={changeChart}
          title="Max change per iteration"
          xLabel="iteration"
          yLabel="max |Δx|"
          logY
          series={[{ label: 'max |Δx| (example 0)', stroke: '#b54708', width: 1.5 }]}
          data={() => [run.iters, run.maxChange.map((v) => (Number.isFinite(v) && v > 0 ? v : null))]}
          version={version}
          hMarkers={() => (run.theta !== null ? [{ value: run.theta, color: '#067647', label: 'θ' }] : [])}
          vMarkers={vMarkers}
          height={140}
        />
      </ChartCard>
    </div>
  );
}
