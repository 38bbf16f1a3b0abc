/** Completions of held-out examples during training: start state, clamp mask, settled result, target. */
import { LayerImage } from '../draw/Heatmap.js';
import type { TrainRun } from '../run-state.js';

export function Gallery({ run }: { run: TrainRun }) {
  const g = run.gallery;
  return (
    <section className="run-card" data-testid="gallery">
      <header className="run-card__head">
        <h4>Completion gallery</h4>
        <span className="muted small">{g ? `batch ${g.step} · input | clamped | result | target` : 'after the first gallery refresh'}</span>
      </header>
      {g && (
        <div className="run-gallery">
          {g.items.map((item, i) => {
            const range = { lo: item.range[0], hi: item.range[1] };
            return (
              <div className="run-gallery__row" key={`${item.example}-${i}`} data-testid="gallery-row" data-label={item.label ?? ''} title={`example ${item.example}${item.label !== null ? ` (class ${item.label})` : ''}, layer ${item.layerId}`}>
                {item.label !== null && <span className="run-gallery__label">{item.label}</span>}
                <LayerImage layerId={item.layerId} dims={item.dims} data={item.input} range={range} size={52} />
                <LayerImage layerId={item.layerId} dims={item.dims} data={item.clamped} range={{ lo: 0, hi: 1 }} size={52} />
                <LayerImage layerId={item.layerId} dims={item.dims} data={item.result} range={range} size={52} testId={i === 0 ? 'gallery-result' : undefined} />
                {item.target && <LayerImage layerId={item.layerId} dims={item.dims} data={item.target} range={range} size={52} />}
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
