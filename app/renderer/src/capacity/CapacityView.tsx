/**
 * The Capacity panel: the capacity and basin explorer on the graph on the canvas (a classic
 * Hopfield net or a Hopfield memory block), or on a textbook net built for the sweep. It
 * asks the engine for a sweep of load, corruption and β (capacity.start), shows each cell
 * as it is measured, draws retrieval and overlap against α (or β) and tabulates the cells
 * with their standard errors. Every number is the engine's.
 */
import { useEffect, useState } from 'react';
import { CAPACITY_SCHEDULES, corruptionText, parseCorruptions, parseValueList, type CapacityCell, type CapacityNet, type CapacitySchedule, type CapacitySweep } from '../../../../engine/protocol/capacity.js';
import { ErrorBanner, RunControls, type ViewProps } from '../run/common.js';
import { isActive } from '../run/run-client.js';
import type { CapacityRun } from '../run/run-state.js';
import { chartSvg } from '../run/charts/svg.js';
import { capacityCharts } from './capacity-charts.js';

type Source = 'graph' | CapacityNet;

interface Form {
  source: Source;
  sizes: string;
  load: string;
  by: 'alpha' | 'patterns';
  corrupt: string;
  betas: string;
  trials: number;
  probes: number;
  schedule: '' | CapacitySchedule;
  normalize: boolean;
}

const DEFAULT_FORM: Form = { source: 'classic', sizes: '100', load: '0.05:0.25:0.05', by: 'alpha', corrupt: 'flip:0.05', betas: '', trials: 3, probes: 50, schedule: '', normalize: false };

/** The form as a sweep, or what is wrong with it (named by field). */
function sweepOf(f: Form): { sweep: CapacitySweep } | { error: string } {
  try {
    const field = <T,>(name: string, read: () => T): T => {
      try {
        return read();
      } catch (err) {
        throw new Error(`${name}: ${(err as Error).message}`);
      }
    };
    const sweep: CapacitySweep = {
      ...(f.source !== 'graph' ? { net: f.source, sizes: field('sizes N', () => parseValueList(f.sizes)) } : {}),
      load: { by: f.by, values: field(f.by === 'alpha' ? 'loads α' : 'patterns P', () => parseValueList(f.load)) },
      corruptions: field('corruption', () => parseCorruptions(f.corrupt)),
      ...(f.betas.trim() !== '' ? { betas: field('β', () => parseValueList(f.betas)) } : {}),
      trials: f.trials,
      probes: f.probes,
      ...(f.schedule !== '' ? { schedule: f.schedule } : {}),
      ...(f.normalize ? { normalize: true } : {}),
    };
    return { sweep };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

export function CapacityView({ host, client, state }: ViewProps) {
  const [form, setForm] = useState<Form>(DEFAULT_FORM);
  const [doc, setDoc] = useState(() => host.doc.get());
  useEffect(() => host.doc.subscribe(() => setDoc(host.doc.get())), [host]);
  const run = state.run?.kind === 'capacity' ? state.run : null;
  const busy = isActive(state);
  const parsed = sweepOf(form);
  const set = <K extends keyof Form>(key: K) => (value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));
  const text = (key: 'sizes' | 'load' | 'corrupt' | 'betas') => (e: { target: { value: string } }) => set(key)(e.target.value);
  const count = (key: 'trials' | 'probes', max: number) => (e: { target: { value: string } }) => set(key)(Math.min(max, Math.max(1, Math.floor(Number(e.target.value) || 1))));
  const start = () => {
    if (!('sweep' in parsed)) return;
    const graph = form.source === 'graph' ? { graph: host.graph(), graphPath: doc.path } : { graphPath: null };
    void client.capacity({ ...graph, sweep: parsed.sweep });
  };
  return (
    <div className="run-view" data-testid="capacity-view">
      <div className="run-toolbar">
        <label className="run-field" title="The net to measure: the graph on the canvas (its layer size, β and schedule), or a textbook net built for the sweep">
          net
          <select value={form.source} onChange={(e) => set('source')(e.target.value as Source)} data-testid="capacity-source">
            <option value="classic">classic Hopfield (built)</option>
            <option value="memory">Hopfield memory (built)</option>
            <option value="graph">the graph on the canvas</option>
          </select>
        </label>
        {form.source !== 'graph' && (
          <label className="run-field" title="Layer sizes N, a list (100,200) or a range (A:B:STEP)">
            N
            <input value={form.sizes} onChange={text('sizes')} size={8} data-testid="capacity-sizes" />
          </label>
        )}
        <label className="run-field" title="The load: α = P/N or pattern counts P, a list or a range A:B:STEP">
          <select value={form.by} onChange={(e) => set('by')(e.target.value as Form['by'])} data-testid="capacity-by">
            <option value="alpha">α</option>
            <option value="patterns">P</option>
          </select>
          <input value={form.load} onChange={text('load')} size={14} data-testid="capacity-load" />
        </label>
        <label className="run-field" title="How probes start: flip:F (signs flipped), mask:F (set to 0), noise:S (Gaussian σ); several, comma-separated">
          corruption
          <input value={form.corrupt} onChange={text('corrupt')} size={14} data-testid="capacity-corrupt" />
        </label>
        <label className="run-field" title="Memory blocks: inverse temperatures β (empty: the graph's, or 1)">
          β
          <input value={form.betas} onChange={text('betas')} size={10} data-testid="capacity-betas" />
        </label>
        <label className="run-field" title="Independent nets per cell (fresh patterns and probes); ± is their standard error">
          trials
          <input type="number" min={1} max={100} value={form.trials} onChange={count('trials', 100)} data-testid="capacity-trials" />
        </label>
        <label className="run-field" title="Corrupted probes per trial">
          probes
          <input type="number" min={1} max={1024} value={form.probes} onChange={count('probes', 1024)} data-testid="capacity-probes" />
        </label>
        <label className="run-field" title="How probes settle; classic capacity (α_c ≈ 0.138) is defined for asynchronous updates">
          schedule
          <select value={form.schedule} onChange={(e) => set('schedule')(e.target.value as Form['schedule'])} data-testid="capacity-schedule">
            <option value="">the net's own</option>
            {CAPACITY_SCHEDULES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="run-field" title="Unit-length patterns (±1/√N), Ramsauer et al.'s setting for β">
          <input type="checkbox" checked={form.normalize} onChange={(e) => set('normalize')(e.target.checked)} data-testid="capacity-normalize" />
          unit patterns
        </label>
        <span className="run-toolbar__sep" />
        <button className="primary" data-testid="run-capacity" disabled={busy || !('sweep' in parsed)} onClick={start}>
          ▶ Measure
        </button>
        <RunControls client={client} run={run} />
      </div>
      <ErrorBanner message={'error' in parsed ? parsed.error : (run?.error ?? null)} />
      {run ? (
        <CapacityBody run={run} />
      ) : (
        <p className="muted pad">
          Store P random patterns, start probes from corrupted copies, settle them and count how many come back — over loads α = P/N, corruptions and (memory blocks) β, several independent
          trials a cell. The classic net’s retrieval collapses near α_c ≈ 0.138 (Amit, Gutfreund &amp; Sompolinsky); a memory block moves from a global average to single memories as β grows
          (Ramsauer et al. 2020).
        </p>
      )}
    </div>
  );
}

function CapacityBody({ run }: { run: CapacityRun }) {
  const cells = run.cells.filter(Boolean);
  const total = run.totals?.cells.length ?? 0;
  const axis = run.totals?.axis ?? 'alpha';
  const charts = cells.length > 0 ? capacityCharts(cells, axis) : null;
  return (
    <>
      {run.totals && (
        <p className="muted small pad" data-testid="capacity-totals">
          {run.totals.source}: {run.totals.schedule} ({run.totals.update}), ≤ {run.totals.steps} steps, θ = {run.totals.theta}; {run.totals.trials} trials × {run.totals.probes} probes a cell,
          retrieved: bit error ≤ {run.totals.tolerance}
        </p>
      )}
      <p className="pad" data-testid="capacity-progress" data-done={cells.length} data-total={total}>
        {cells.length} / {total} cells
        <progress max={total || 1} value={cells.length} style={{ marginLeft: 8 }} />
        {run.progress && run.status === 'running' && ` · settling: ${run.progress.settling.settled}/${run.progress.settling.probes} probes at step ${run.progress.settling.iteration}`}
      </p>
      {charts && (
        <div className="pad" data-testid="capacity-charts">
          <Svg svg={chartSvg(charts.retrieved)} testId="capacity-chart-retrieved" />
          <Svg svg={chartSvg(charts.overlap)} testId="capacity-chart-overlap" />
        </div>
      )}
      {run.summary && (
        <ul className="pad small" data-testid="capacity-crossings">
          {run.summary.crossings.map((c) => (
            <li key={c.curve} data-at={c.at ?? ''}>
              {c.curve}: {c.at === null ? `does not ${c.direction === 'falls' ? 'fall' : 'rise'} through ½ on this grid` : `retrieval crosses ½ at ${c.axis === 'alpha' ? 'α' : 'β'} ≈ ${c.at.toFixed(3)}`}
            </li>
          ))}
        </ul>
      )}
      {cells.length > 0 && <CellTable cells={cells} />}
    </>
  );
}

function Svg({ svg, testId }: { svg: string; testId: string }) {
  // The chart is our own markup built from numbers and escaped labels (svg.ts).
  return <div className="capacity-chart" data-testid={testId} dangerouslySetInnerHTML={{ __html: svg.replace(/^<\?xml[^>]*>/, '') }} />;
}

const pm = (s: { mean: number; se: number | null }, d = 3) => `${s.mean.toFixed(d)}${s.se === null ? '' : ` ± ${s.se.toFixed(d)}`}`;

function CellTable({ cells }: { cells: readonly CapacityCell[] }) {
  const memory = cells.some((c) => c.beta !== null);
  return (
    <table className="run-table pad" data-testid="capacity-cells">
      <thead>
        <tr>
          <th>N</th>
          <th>P</th>
          <th>α</th>
          {memory && <th>β</th>}
          <th>corruption</th>
          <th>overlap m</th>
          <th>retrieved</th>
          <th>exact</th>
          <th>t*</th>
          <th title="own pattern / another pattern / none (mixture, spurious or metastable)">own / other / mixture</th>
          {memory && <th title="1/Σp² of the attention at x*: how many memories the state averages">spread</th>}
        </tr>
      </thead>
      <tbody>
        {cells.map((c) => (
          <tr key={`${c.n}-${c.patterns}-${c.beta}-${corruptionText(c.corruption)}`} data-testid="capacity-cell" data-alpha={c.alpha} data-retrieved={c.retrieved.mean}>
            <td>{c.n}</td>
            <td>{c.patterns}</td>
            <td>{c.alpha.toFixed(3)}</td>
            {memory && <td>{c.beta}</td>}
            <td>{corruptionText(c.corruption)}</td>
            <td>{pm(c.overlap)}</td>
            <td>{pm(c.retrieved, 2)}</td>
            <td>{c.exact.mean.toFixed(2)}</td>
            <td>{c.tStar.mean === null ? '–' : c.tStar.mean.toFixed(1)}</td>
            <td>{[c.closest.own, c.closest.other, c.closest.mixture].map((s) => s.mean.toFixed(2)).join(' / ')}</td>
            {memory && <td>{c.participation?.mean.toFixed(2) ?? '–'}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
