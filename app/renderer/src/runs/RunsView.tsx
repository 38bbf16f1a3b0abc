/**
 * The Runs view: a graph's run records (NAME.runs/), newest first, with status and result;
 * the ones ticked are overlaid (training and held-out loss, t*; a resumed run with its
 * history), their differing settings side by side, and a run's weights open in Settle.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RunCurves, RunInfo, SettingsTable } from '../../../../engine/protocol/runs.js';
import type { AttractorApi } from '../../../shared/api.js';
import { ChartCard, fmt } from '../run/common.js';
import { LineChart, type ChartHandle, type SeriesSpec } from '../run/charts/LineChart.js';
import { requestSettle } from './requests.js';

const COLORS = ['#4f46e5', '#dc2626', '#059669', '#d97706', '#0891b2', '#7c3aed', '#db2777', '#65a30d'];

function result(r: RunInfo): string {
  const s = r.summary;
  if (s?.train) return `${s.train.steps} batches · loss ${fmt(s.train.lastLoss)} · held-out ${fmt(s.train.heldOutLoss)}`;
  if (s?.settle) return `${s.settle.iterations} iterations · ${s.settle.converged}/${s.settle.examples} converged`;
  if (s?.eval) return `held-out ${fmt(s.eval.loss)} on ${s.eval.examples}`;
  return s?.message ?? '';
}

export function RunsView({ api, graphPath, runs }: { api: AttractorApi; graphPath: string; runs: readonly RunInfo[] }) {
  const [picked, setPicked] = useState<string[]>([]);
  const [kind, setKind] = useState<'all' | 'train' | 'settle' | 'eval'>('all');
  const shown = runs.filter((r) => kind === 'all' || r.record.kind === kind);
  // The newest train run is shown until the user picks.
  const chosen = picked.length > 0 ? picked : runs.filter((r) => r.record.kind === 'train').slice(0, 1).map((r) => r.record.id);
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...(p.length > 0 ? p : chosen), id].slice(-8)));
  return (
    <div className="runs-view" data-testid="runs-view">
      <div className="run-toolbar">
        <label className="run-field">
          show
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="runs-kind">
            <option value="all">all runs</option>
            <option value="train">train</option>
            <option value="settle">settle</option>
            <option value="eval">eval</option>
          </select>
        </label>
        <span className="muted small">{runs.length} runs in {graphPath.replace(/\.attractor\.json$/, '.runs')}</span>
      </div>
      <table className="run-table runs-table">
        <thead>
          <tr>
            <th />
            <th>run</th>
            <th>kind</th>
            <th>status</th>
            <th>from</th>
            <th>result</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.record.id} data-testid="runs-row" data-run={r.record.id} data-status={r.status} className={chosen.includes(r.record.id) ? 'is-picked' : undefined}>
              <td>
                <input type="checkbox" checked={chosen.includes(r.record.id)} onChange={() => toggle(r.record.id)} data-testid="runs-pick" aria-label={`compare ${r.record.id}`} />
              </td>
              <td className="mono">{r.record.id}</td>
              <td>{r.record.kind}</td>
              <td>
                <span className={`run-status run-status--${r.status === 'done' ? 'done' : r.status === 'running' ? 'running' : 'failed'}`}>{r.status}</span>
              </td>
              <td className="muted">{r.record.sweep ? `${r.record.sweep.id.slice(6)} #${r.record.sweep.index}` : r.record.origin}</td>
              <td>{result(r)}</td>
              <td>
                {r.summary?.train?.checkpoint && (
                  <button className="run-mini" data-testid="runs-open-settle" title="Settle with this run's weights" onClick={() => requestSettle(r.summary!.train!.checkpoint!)}>
                    Settle ▸
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {chosen.length > 0 && <Compare api={api} graphPath={graphPath} ids={chosen} stamp={runs.map((r) => `${r.record.id}:${r.status}`).join()} />}
    </div>
  );
}

/** x values of all runs merged; each run's y on them, null where it has none. */
function align(curves: readonly RunCurves[], x: (c: RunCurves) => number[], y: (c: RunCurves) => (number | null)[]): [number[], ...(number | null)[][]] {
  const xs = [...new Set(curves.flatMap(x))].sort((a, b) => a - b);
  const at = new Map(xs.map((v, i) => [v, i]));
  const ys = curves.map((c) => {
    const out: (number | null)[] = new Array(xs.length).fill(null);
    x(c).forEach((v, i) => (out[at.get(v)!] = y(c)[i]));
    return out;
  });
  return [xs, ...ys];
}

function Compare({ api, graphPath, ids, stamp }: { api: AttractorApi; graphPath: string; ids: string[]; stamp: string }) {
  const [data, setData] = useState<{ curves: RunCurves[]; settings: SettingsTable } | null>(null);
  const key = ids.join(',');
  useEffect(() => {
    let live = true;
    void api.call('runs.curves', { graphPath, ids }).then((d) => live && setData(d), () => undefined);
    return () => {
      live = false;
    };
    // `stamp` refetches when a picked run's status changes (it ended, it grew).
  }, [api, graphPath, key, stamp]);
  const curves = data?.curves ?? [];
  const series: SeriesSpec[] = curves.map((c, i) => ({ label: c.id.slice(-14), stroke: COLORS[i % COLORS.length], width: 1.5 }));
  const hasTrain = curves.some((c) => c.steps.length > 0);
  const hasSettle = curves.some((c) => c.iters.length > 0);
  const version = useMemo(() => Date.now(), [data]);
  const loss = useRef<ChartHandle>(null);
  const held = useRef<ChartHandle>(null);
  const tstar = useRef<ChartHandle>(null);
  const energy = useRef<ChartHandle>(null);
  const chartKey = curves.map((c) => c.id).join();
  return (
    <div className="runs-compare" data-testid="runs-compare" data-runs={curves.map((c) => c.id).join(',')}>
      {hasTrain && (
        <div className="run-split">
          <div className="run-col">
            <ChartCard title="Training loss" chart={loss} testId="runs-chart-loss" name="runs-loss" attrs={{ 'data-points': curves.reduce((n, c) => n + c.steps.length, 0) }}>
              <LineChart key={chartKey} ref={loss} title="Training loss" xLabel="batch" yLabel="loss" series={series} data={() => align(curves, (c) => c.steps, (c) => c.loss)} version={version} />
            </ChartCard>
            <ChartCard title="Mean t* per batch" chart={tstar} testId="runs-chart-tstar" name="runs-tstar">
              <LineChart key={chartKey} ref={tstar} title="Mean t*" xLabel="batch" yLabel="t*" series={series} data={() => align(curves, (c) => c.steps, (c) => c.meanTStar)} version={version} />
            </ChartCard>
          </div>
          <div className="run-col">
            <ChartCard title="Held-out loss" chart={held} testId="runs-chart-heldout" name="runs-heldout">
              <LineChart key={chartKey} ref={held} title="Held-out loss" xLabel="batch" yLabel="loss" series={series.map((s) => ({ ...s, points: true }))} data={() => align(curves, (c) => c.evalSteps, (c) => c.heldOutLoss)} version={version} />
            </ChartCard>
            <Settings table={data!.settings} />
          </div>
        </div>
      )}
      {!hasTrain && hasSettle && (
        <ChartCard title="Mean energy per iteration" chart={energy} testId="runs-chart-energy" name="runs-energy">
          <LineChart key={chartKey} ref={energy} title="Mean energy" xLabel="iteration" yLabel="energy" series={series} data={() => align(curves, (c) => c.iters, (c) => c.energy)} version={version} />
        </ChartCard>
      )}
      {!hasTrain && data && <Settings table={data.settings} />}
    </div>
  );
}

function show(v: unknown): string {
  return v === null || v === undefined ? '—' : typeof v === 'number' ? String(Number(v.toPrecision(6))) : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function Settings({ table }: { table: SettingsTable }) {
  const [all, setAll] = useState(false);
  const rows = table.rows.filter((r) => all || r.differs);
  return (
    <section className="run-card" data-testid="runs-settings">
      <header className="run-card__head">
        <h4>Settings {all ? '' : 'that differ'}</h4>
        <span className="spacer" />
        <label className="run-check small">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> all
        </label>
      </header>
      {rows.length === 0 ? (
        <p className="muted small pad">{table.runs.length > 1 ? 'The runs picked have the same settings.' : 'Pick two runs or more to compare their settings.'}</p>
      ) : (
        <table className="run-table">
          <thead>
            <tr>
              <th>setting</th>
              {table.runs.map((id) => (
                <th key={id} className="mono">
                  {id.slice(-14)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.path} data-testid="runs-setting" data-path={r.path} className={r.differs ? 'differs' : undefined}>
                <td className="mono">{r.path}</td>
                {r.values.map((v, i) => (
                  <td key={i}>{show(v)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
