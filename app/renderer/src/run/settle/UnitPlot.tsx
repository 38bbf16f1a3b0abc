/**
 * Plot a unit (emergent): a unit clicked in a layer image, its activation and its net
 * input z = Σ W·x + b over the recorded iterations of example 0 (the frames carry both).
 */
import { useRef } from 'react';
import { ChartCard, fmt } from '../common.js';
import { LineChart, type ChartHandle } from '../charts/LineChart.js';
import type { SettleRun } from '../run-state.js';

export interface PickedUnit {
  readonly layerId: string;
  readonly unit: number;
}

/** Per recorded frame: iteration, activation, net input (NaN where the layer has none: fully clamped). */
export function unitSeries(run: SettleRun, picked: PickedUnit): { iters: number[]; activation: number[]; net: number[] } {
  const iters: number[] = [];
  const activation: number[] = [];
  const net: number[] = [];
  for (const f of run.frames) {
    const layer = f.layers.find((l) => l.layerId === picked.layerId);
    if (!layer) continue;
    iters.push(f.iter);
    activation.push(layer.data[picked.unit] ?? NaN);
    net.push(layer.netInput?.[picked.unit] ?? NaN);
  }
  return { iters, activation, net };
}

export function UnitPlot({ run, picked, version, onClose }: { run: SettleRun; picked: PickedUnit; version: number; onClose(): void }) {
  const chart = useRef<ChartHandle>(null);
  const series = unitSeries(run, picked);
  return (
    <ChartCard
      title={`Unit ${picked.unit} of ${picked.layerId}`}
      name={`unit-${picked.layerId}-${picked.unit}`}
      chart={chart}
      testId="unit-plot"
      attrs={{ 'data-layer': picked.layerId, 'data-unit': picked.unit, 'data-points': series.iters.length, 'data-first-activation': series.activation[0], 'data-last-activation': series.activation.at(-1), 'data-last-net': series.net.at(-1) }}
      extra={
        <>
          <span className="muted small">
            activation {fmt(series.activation.at(-1), 3)} · net input {fmt(series.net.at(-1), 3)}
          </span>
          <button className="run-mini" data-testid="unit-plot-close" title="Close the unit plot" onClick={onClose}>
            ×
          </button>
        </>
      }
    >
      <LineChart
        key={`${run.runId}-${picked.layerId}-${picked.unit}`}
        ref={chart}
        title={`${picked.layerId}[${picked.unit}]`}
        xLabel="iteration"
        yLabel="value"
        series={[
          { label: 'activation', stroke: '#4f46e5', width: 2 },
          { label: 'net input', stroke: '#d97706', width: 1.5, dash: [5, 3] },
        ]}
        data={() => {
          const s = unitSeries(run, picked);
          return [s.iters, s.activation, s.net];
        }}
        version={version}
        height={150}
      />
    </ChartCard>
  );
}
