/**
 * The weights the net uses (symmetrised), as the engine sends them: dense matrices as
 * diverging heatmaps (block means when downsampled), conv kernels [k, k, in, out] as one
 * tile per (in, out) pair, biases as strips; with the symmetry error of within-layer
 * couplings (0 by construction).
 */
import { useMemo } from 'react';
import { Heatmap } from '../draw/Heatmap.js';
import { symmetric } from '../draw/colormap.js';
import type { TrainRun } from '../run-state.js';
import type { WeightView } from '../../../../../engine/protocol/run.js';
import { fmt, type RunHost } from '../common.js';
import { ParamName, nodeLabels } from '../../app/node-names.js';
import { weightStats } from './weight-stats.js';

const MAX_TILES = 32;

function Kernel({ p }: { p: WeightView }) {
  const [k1, k2, cin, cout] = p.dataShape;
  const range = symmetric(p.data);
  const tiles: { i: number; o: number }[] = [];
  for (let o = 0; o < cout && tiles.length < MAX_TILES; o++) for (let i = 0; i < cin && tiles.length < MAX_TILES; i++) tiles.push({ i, o });
  // tfjs layout [k, k, in, out]: element (a, b, i, o) at ((a·k2 + b)·cin + i)·cout + o; one tile reads every cin·cout-th value.
  return (
    <div className="run-kernels">
      {tiles.map(({ i, o }) => (
        <Heatmap key={`${i}-${o}`} data={p.data} rows={k1} cols={k2} offset={i * cout + o} stride={cin * cout} map="diverging" range={range} size={34} title={`in ${i} → out ${o}`} />
      ))}
      {cin * cout > MAX_TILES && <span className="muted small">+{cin * cout - MAX_TILES} more</span>}
    </div>
  );
}

/** A matrix lying wide: a tall one (784×256) is drawn transposed, the caption says so. */
function Matrix({ p }: { p: WeightView }) {
  const [r, c] = p.dataShape;
  const tall = r > c;
  const data = useMemo(() => {
    if (!tall) return p.data;
    const t = new Float32Array(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = p.data[i * c + j];
    return t;
  }, [p.data, r, c, tall]);
  return <Heatmap data={data} rows={tall ? c : r} cols={tall ? r : c} map="diverging" size={Math.min(340, 120 * (Math.max(r, c) / Math.min(r, c)))} title={`${p.name}${tall ? ' (transposed)' : ''}`} />;
}

function Strip({ p }: { p: WeightView }) {
  const n = p.data.length;
  const cols = Math.min(n, 64);
  const rows = Math.ceil(n / cols);
  const data = useMemo(() => {
    if (rows * cols === n) return p.data;
    const out = new Float32Array(rows * cols).fill(NaN);
    out.set(p.data);
    return out;
  }, [p.data, rows, cols, n]);
  return <Heatmap data={data} rows={rows} cols={cols} map="diverging" size={150} title={p.name} />;
}

function Param({ p, labels }: { p: WeightView; labels: ReadonlyMap<string, string> }) {
  const d = p.dataShape;
  const stats = useMemo(() => weightStats(p.data), [p.data]);
  let body;
  if (stats.single !== null)
    body = (
      <span className="run-weight__value mono" data-testid={`value-${p.name}`}>
        {fmt(stats.single, 3)}
      </span>
    );
  else if (d.length === 4) body = <Kernel p={p} />;
  else if (d.length === 2) body = <Matrix p={p} />;
  else body = <Strip p={p} />;
  return (
    <figure className="run-weight" data-testid={`weights-${p.name}`}>
      {body}
      <figcaption>
        <ParamName name={p.name} labels={labels} /> <span className="muted">{p.kind} · {p.shape.join('×')}{p.dataShape.length === 2 && p.dataShape[0] > p.dataShape[1] ? ' · drawn transposed' : ''}</span>
        {p.downsampled && <span className="muted"> · block mean {p.downsampled.block.join('×')}</span>}
        {stats.single === null && (
          <span className="muted mono" data-testid={`magnitude-${p.name}`} data-max={stats.maxAbs}>
            {' '}
            · |w| ≤ {fmt(stats.maxAbs, 2)}, rms {fmt(stats.rms, 2)}
          </span>
        )}
        {p.symmetricError !== undefined && (
          <span className={p.symmetricError === 0 ? 'run-ok' : 'run-bad'} data-testid={`symmetry-${p.name}`}>
            {' '}
            · symmetry error {p.symmetricError === 0 ? '0' : fmt(p.symmetricError, 2)}
          </span>
        )}
      </figcaption>
    </figure>
  );
}

export function WeightsView({ run, host }: { run: TrainRun; host: RunHost }) {
  const w = run.weights;
  // The graph as the run was started from it is the one on the canvas; its labels name the parameters.
  const labels = useMemo(() => nodeLabels(host.graph()), [host, w?.step]);
  return (
    <section className="run-card" data-testid="weights">
      <header className="run-card__head">
        <h4>Weights</h4>
        <span className="muted small">{w ? `batch ${w.step} · blue < 0 < red` : 'after the first weight view'}</span>
      </header>
      {w && (
        <div className="run-weights">
          {w.params.map((p) => (
            <Param key={p.name} p={p} labels={labels} />
          ))}
        </div>
      )}
    </section>
  );
}
