/**
 * Runs | Sweep: the workbench's column between the palette and the canvas (its handle when
 * closed), for the saved graph's run records and sweeps. Resized from its right edge; its
 * width and open state are the workbench layout's (chrome/workbench-layout.ts), so they
 * survive a reload. Escape inside it closes it. Mounted once by the app shell; everything
 * comes from the services over the API (runs.*, sweep.*), polled while it is open.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { RunHost } from '../run/common.js';
import { Splitter } from '../app/chrome/Splitter.js';
import type { SideColumn } from '../app/chrome/workbench-layout.js';
import { useRunsList, useSweepParamRequests, type SweepParamRequest } from './requests.js';
import { RunsView } from './RunsView.js';
import { SweepView } from './SweepView.js';
import './runs.css';

export function ExperimentsDock({ host, column }: { host: RunHost; column: SideColumn }) {
  const { open, setOpen, width, setWidth } = column;
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
    }, [setOpen]),
  );
  // Closed from the keyboard, the focus goes to the handle rather than to the page.
  const handle = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);
  useEffect(() => {
    if (!open && refocus.current) handle.current?.focus();
    refocus.current = false;
  }, [open]);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    refocus.current = true;
    setOpen(false);
  };
  return (
    <>
      {!open && (
        <button ref={handle} className="runs-handle" data-testid="runs-open" data-folded={column.wanted || undefined} onClick={() => setOpen(true)} title={column.wanted ? 'Runs and sweeps (folded to make room; opening it folds the run panel)' : 'Run history and sweeps of this graph'}>
          ▸ Runs
        </button>
      )}
      <aside className="runs-dock" aria-label="Runs and sweeps" data-testid="runs-dock" hidden={!open} onKeyDown={onKeyDown}>
        <Splitter edge="right" size={width} onResize={setWidth} testId="runs-dock-splitter" label="Resize the runs and sweeps panel" />
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
          <button className="icon-button" data-testid="runs-close" title="Hide runs and sweeps (Escape)" onClick={() => setOpen(false)}>
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
