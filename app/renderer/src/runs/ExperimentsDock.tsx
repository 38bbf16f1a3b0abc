/**
 * Runs | Sweep: a drawer on the left of the workbench, opened from its handle, for the
 * saved graph's run records and sweeps. Mounted once by the app shell; everything comes
 * from the services over the API (runs.*, sweep.*), polled while it is open.
 */
import { useCallback, useEffect, useState } from 'react';
import type { RunHost } from '../run/common.js';
import { useRunsList, useSweepParamRequests, type SweepParamRequest } from './requests.js';
import { RunsView } from './RunsView.js';
import { SweepView } from './SweepView.js';
import './runs.css';

export function ExperimentsDock({ host }: { host: RunHost }) {
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<'runs' | 'sweep'>('runs');
  const [doc, setDoc] = useState(() => host.doc.get());
  useEffect(() => host.doc.subscribe(() => setDoc(host.doc.get())), [host]);
  const path = doc.path;
  const { data, error, refresh } = useRunsList(host.api, open ? path : null);
  // The inspector's ⤳ opens the sweep builder with that parameter (kept until the builder takes it).
  const [incoming, setIncoming] = useState<SweepParamRequest[]>([]);
  const consume = useCallback(() => setIncoming([]), []);
  useSweepParamRequests(
    useCallback((r: SweepParamRequest) => {
      setIncoming((list) => [...list, r]);
      setOpen(true);
      setTab('sweep');
    }, []),
  );
  return (
    <>
      {!open && (
        <button className="runs-handle" data-testid="runs-open" onClick={() => setOpen(true)} title="Run history and sweeps of this graph">
          ▸ Runs
        </button>
      )}
      <aside className="runs-dock" aria-label="Runs and sweeps" data-testid="runs-dock" hidden={!open}>
        <div className="run-dock__head">
          <div className="tabs" role="tablist">
            <button role="tab" className="tab" aria-selected={tab === 'runs'} data-testid="runs-tab-runs" onClick={() => setTab('runs')}>
              Runs
              {data && <span className="count">{data.runs.length}</span>}
            </button>
            <button role="tab" className="tab" aria-selected={tab === 'sweep'} data-testid="runs-tab-sweep" onClick={() => setTab('sweep')}>
              Sweep
              {data && data.sweeps.length > 0 && <span className="count">{data.sweeps.length}</span>}
            </button>
          </div>
          <span className="spacer" />
          <button className="icon-button" data-testid="runs-close" title="Hide runs and sweeps" onClick={() => setOpen(false)}>
            ×
          </button>
        </div>
        <div className="run-dock__body">
          {!path && <div className="run-banner run-banner--info">Save the graph: its runs and sweeps live in folders beside its file (NAME.runs/, NAME.sweeps/).</div>}
          {error && (
            <div className="run-banner run-banner--error" role="alert">
              {error}
            </div>
          )}
          {path && data && tab === 'runs' && <RunsView api={host.api} graphPath={path} runs={data.runs} />}
          {path && data && tab === 'sweep' && <SweepView api={host.api} graphPath={path} sweeps={data.sweeps} refresh={refresh} incoming={incoming} consume={consume} />}
        </div>
      </aside>
    </>
  );
}
