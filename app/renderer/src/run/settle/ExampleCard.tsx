/**
 * Settle side by side: the example being settled as the engine set it up — where it
 * starts, which units a clamp holds, what it should become — next to the state at the
 * scrubber's iteration, per shown layer (the targets' layers, else the visible ones).
 */
import type { SettleFrame } from '../../../../../engine/protocol/run.js';
import { LayerImage } from '../draw/Heatmap.js';
import type { SettleRun } from '../run-state.js';

const SIZE = 72;

export function ExampleCard({ run, frame }: { run: SettleRun; frame: SettleFrame | undefined }) {
  const items = run.example;
  if (!items || items.length === 0) return null;
  const first = items[0];
  return (
    <section className="run-card" data-testid="example-card" data-example={first.example} data-label={first.label ?? ''}>
      <header className="run-card__head">
        <h4>
          Example {first.example}
          {first.label !== null && <span className="muted"> · class {first.label}</span>}
        </h4>
        <span className="muted small">start | clamped | {frame ? `iteration ${frame.iter}` : 'result'} | target</span>
      </header>
      {items.map((item) => {
        const range = { lo: item.range[0], hi: item.range[1] };
        const layer = frame?.layers.find((l) => l.layerId === item.layerId);
        const units = item.input.length;
        const now = layer ? layer.data.subarray(0, units) : null;
        return (
          <div className="run-gallery__row" key={item.layerId} title={`layer ${item.layerId}`}>
            <LayerImage layerId={item.layerId} dims={item.dims} data={item.input} range={range} size={SIZE} testId={`example-start-${item.layerId}`} />
            <LayerImage layerId={item.layerId} dims={item.dims} data={item.clamped} range={{ lo: 0, hi: 1 }} size={SIZE} testId={`example-clamp-${item.layerId}`} />
            {now && <LayerImage layerId={item.layerId} dims={item.dims} data={now} range={range} size={SIZE} testId={`example-now-${item.layerId}`} />}
            {item.target && <LayerImage layerId={item.layerId} dims={item.dims} data={item.target} range={range} size={SIZE} testId={`example-target-${item.layerId}`} />}
          </div>
        );
      })}
    </section>
  );
}
