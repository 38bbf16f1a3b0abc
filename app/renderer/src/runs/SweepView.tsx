/**
 * The Sweep view: build a sweep (parameters by path with values or ranges — or sent from
 * the inspector's ⤳ buttons —, seeds, the local runner or Slurm with its options), start
 * it, and follow it: each configuration's status, held-out loss against a parameter as a
 * scatter with the best run highlighted, the results as CSV or JSON, a task's log, and
 * cancel and resume.
 */
import { useEffect, useState } from 'react';
import { parseSweepValues, resultsCsv, resultsJson, sweepSize, type SweepInfo, type SweepSpecInput } from '../../../../engine/protocol/sweeps.js';
import type { AttractorApi } from '../../../shared/api.js';
import { fmt } from '../run/common.js';
import { downloadBlob } from '../run/exports.js';
import type { SweepParamRequest } from './requests.js';
import { SweepScatter } from './SweepScatter.js';
import { SweepLog } from './SweepLog.js';

interface ParamRow {
  path: string;
  values: string;
}

function valuesOf(text: string): { values: (number | string | boolean)[] | null; error: string | null } {
  try {
    return { values: parseSweepValues(text), error: null };
  } catch (err) {
    return { values: null, error: (err as Error).message };
  }
}

export function SweepView({ api, graphPath, sweeps, refresh, incoming, consume }: {
  api: AttractorApi;
  graphPath: string;
  sweeps: readonly SweepInfo[];
  refresh: () => void;
  /** Parameters sent from the inspector since the view last took them. */
  incoming: readonly SweepParamRequest[];
  consume: () => void;
}) {
  const [params, setParams] = useState<ParamRow[]>([{ path: 'training.optimizer.lr', values: '0.001:0.03:4:log' }]);
  const [seeds, setSeeds] = useState(1);
  const [runner, setRunner] = useState<'local' | 'slurm'>('local');
  const [jobs, setJobs] = useState(2);
  const [slurm, setSlurm] = useState({ partition: '', time: '', gres: '', account: '' });
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => {
    if (incoming.length === 0) return;
    setParams((ps) => incoming.reduce((acc, r) => [...acc.filter((p) => p.path !== r.path && p.path !== ''), { path: r.path, values: String(r.value ?? '') }], ps));
    consume();
  }, [incoming, consume]);

  const parsed = params.map((p) => ({ path: p.path.trim(), ...valuesOf(p.values) }));
  const valid = parsed.every((p) => p.values && p.path !== '');
  const total = valid ? sweepSize({ params: parsed.map((p) => ({ values: p.values! })), seeds }) : 0;
  const spec = (): SweepSpecInput => ({
    params: parsed.map((p) => ({ path: p.path, values: p.values! })),
    seeds,
    runner,
    ...(runner === 'local' ? { jobs } : {}),
    ...(runner === 'slurm' ? { slurm: Object.fromEntries(Object.entries(slurm).filter(([, v]) => v.trim() !== '')) } : {}),
  });
  const call = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const start = () =>
    call(async () => {
      const { id } = await api.call('sweep.start', { graphPath, spec: spec() });
      setSelected(id);
    });
  const sweep = sweeps.find((s) => s.id === selected) ?? sweeps[0] ?? null;
  const set = (i: number, change: Partial<ParamRow>) => setParams((ps) => ps.map((p, j) => (j === i ? { ...p, ...change } : p)));

  return (
    <div className="sweep-view" data-testid="sweep-view">
      <section className="run-card sweep-builder">
        <header className="run-card__head">
          <h4>New sweep</h4>
          <span className="muted small">paths: training.optimizer.lr, settle.steps, NODE.param (⤳ in the inspector adds one); values v1,v2,… or lo:hi:n[:log]</span>
        </header>
        {params.map((p, i) => (
          <div className="sweep-param" key={i} data-testid="sweep-param">
            <input className="mono" value={p.path} placeholder="training.optimizer.lr" onChange={(e) => set(i, { path: e.target.value })} data-testid="sweep-path" aria-label="parameter path" />
            <input className="mono" value={p.values} placeholder="0.001,0.01 or 0.001:0.1:5:log" onChange={(e) => set(i, { values: e.target.value })} data-testid="sweep-values" aria-label="values" />
            <span className={parsed[i].error ? 'field__error' : 'muted small'}>{parsed[i].error ?? `${parsed[i].values!.length} value${parsed[i].values!.length === 1 ? '' : 's'}`}</span>
            <button className="run-mini" onClick={() => setParams((ps) => ps.filter((_, j) => j !== i))} title="Remove this parameter">
              ×
            </button>
          </div>
        ))}
        <div className="run-toolbar">
          <button className="run-mini" onClick={() => setParams((ps) => [...ps, { path: '', values: '' }])} data-testid="sweep-add">
            + parameter
          </button>
          <label className="run-field">
            seeds
            <input type="number" min={1} value={seeds} onChange={(e) => setSeeds(Math.max(1, Math.floor(Number(e.target.value) || 1)))} data-testid="sweep-seeds" />
          </label>
          <label className="run-field">
            runner
            <select value={runner} onChange={(e) => setRunner(e.target.value as 'local' | 'slurm')} data-testid="sweep-runner">
              <option value="local">local (worker pool)</option>
              <option value="slurm">Slurm (job array)</option>
            </select>
          </label>
          {runner === 'local' ? (
            <label className="run-field">
              jobs
              <input type="number" min={1} value={jobs} onChange={(e) => setJobs(Math.max(1, Math.floor(Number(e.target.value) || 1)))} data-testid="sweep-jobs" />
            </label>
          ) : (
            (['partition', 'time', 'gres', 'account'] as const).map((k) => (
              <label className="run-field" key={k}>
                {k}
                <input className="sweep-slurm" value={slurm[k]} placeholder={k === 'time' ? '1:00:00' : k === 'gres' ? 'gpu:1' : ''} onChange={(e) => setSlurm({ ...slurm, [k]: e.target.value })} data-testid={`sweep-${k}`} />
              </label>
            ))
          )}
          <span className="spacer" />
          <button className="primary" disabled={!valid || total === 0} onClick={() => void start()} data-testid="sweep-start">
            ▶ Sweep {total} run{total === 1 ? '' : 's'}
          </button>
        </div>
        {error && (
          <div className="run-banner run-banner--error" role="alert" data-testid="sweep-error">
            {error}
          </div>
        )}
      </section>
      {sweeps.length > 0 && sweep && (
        <SweepResults api={api} graphPath={graphPath} sweep={sweep} sweeps={sweeps} onSelect={setSelected} call={call} />
      )}
    </div>
  );
}

function SweepResults({ api, graphPath, sweep, sweeps, onSelect, call }: {
  api: AttractorApi;
  graphPath: string;
  sweep: SweepInfo;
  sweeps: readonly SweepInfo[];
  onSelect: (id: string) => void;
  call: (work: () => Promise<unknown>) => Promise<void>;
}) {
  const [logOf, setLogOf] = useState<number | null>(null);
  const paths = sweep.spec.params.map((p) => p.path);
  const c = sweep.counts;
  const open = sweep.status === 'running';
  return (
    <section className="run-card" data-testid="sweep-results" data-sweep={sweep.id} data-status={sweep.status} data-best={sweep.best ?? ''}>
      <header className="run-card__head">
        <select value={sweep.id} onChange={(e) => onSelect(e.target.value)} data-testid="sweep-pick">
          {sweeps.map((s) => (
            <option key={s.id} value={s.id}>
              {s.id} · {s.status}
            </option>
          ))}
        </select>
        <span className={`run-status run-status--${sweep.status === 'done' ? 'done' : open ? 'running' : 'failed'}`} data-testid="sweep-status">
          {sweep.status}
        </span>
        <span className="muted small" data-testid="sweep-counts">
          {c.done}/{sweep.rows.length} done · {c.running} running · {c.pending} pending{c.cancelled ? ` · ${c.cancelled} cancelled` : ''}
          {c.failed + c.interrupted > 0 ? ` · ${c.failed + c.interrupted} failed` : ''} · {sweep.spec.runner}
          {sweep.state?.jobs.length ? ` (job ${sweep.state.jobs.map((j) => j.jobId).join(', ')})` : ''}
        </span>
        <span className="spacer" />
        <button className="danger" disabled={!open} onClick={() => void call(() => api.call('sweep.cancel', { graphPath, id: sweep.id }))} data-testid="sweep-cancel">
          ■ Cancel
        </button>
        <button disabled={open || sweep.status === 'done'} onClick={() => void call(() => api.call('sweep.resume', { graphPath, id: sweep.id }))} data-testid="sweep-resume">
          ⟲ Resume
        </button>
        <button className="run-mini" onClick={() => downloadBlob(`${sweep.id}.csv`, resultsCsv(sweep), 'text/csv')} data-testid="sweep-csv">
          CSV
        </button>
        <button className="run-mini" onClick={() => downloadBlob(`${sweep.id}.json`, resultsJson(sweep), 'application/json')}>
          JSON
        </button>
      </header>
      <div className="run-split">
        <div className="run-col">
          <SweepScatter sweep={sweep} />
        </div>
        <div className="run-col">
          <table className="run-table sweep-table">
            <thead>
              <tr>
                <th>#</th>
                {paths.map((p) => (
                  <th key={p} className="mono">
                    {p}
                  </th>
                ))}
                <th>seed</th>
                <th>status</th>
                <th>held-out</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {sweep.rows.map((r) => (
                <tr key={r.index} data-testid="sweep-row" data-status={r.status} className={r.index === sweep.best ? 'is-best' : undefined}>
                  <td>{r.index === sweep.best ? '★' : r.index}</td>
                  {paths.map((p) => (
                    <td key={p}>{String(r.set[p])}</td>
                  ))}
                  <td>{r.seed}</td>
                  <td>{r.status}</td>
                  <td>{fmt(r.heldOutLoss)}</td>
                  <td>
                    <button className="run-mini" onClick={() => setLogOf(logOf === r.index ? null : r.index)} title="This task's output">
                      log
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {logOf !== null && <SweepLog api={api} graphPath={graphPath} sweepId={sweep.id} index={logOf} />}
    </section>
  );
}
