/**
 * The run panel: a resizable column at the right of the workbench with Settle | Train | Attention | Gradients | Capacity,
 * the engine's backend and the run's status. Mounted once by the app shell
 * (`<RunDock host={studio} />`); it owns its RunClient (one subscription to engine events).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { RunClient, useRunState } from './run-client.js';
import { StatusBadge, type RunHost } from './common.js';
import { SettleView } from './settle/SettleView.js';
import { TrainView } from './train/TrainView.js';
import { AttentionView } from './attention/AttentionView.js';
import { GradcheckView } from './gradcheck/GradcheckView.js';
import { CapacityView } from '../capacity/CapacityView.js';
import { Splitter } from '../app/chrome/Splitter.js';
import type { SideColumn } from '../app/chrome/workbench-layout.js';
import { useSettleRequests } from '../runs/requests.js';
import './run.css';

type Tab = 'settle' | 'train' | 'attention' | 'gradients' | 'capacity';

/**
 * `client`: the app's RunClient (shared with the status bar); without one the dock makes and owns its own.
 * `column`: its open state and width, which the workbench's layout keeps (chrome/workbench-layout.ts).
 */
export function RunDock({ host, client: given, column }: { host: RunHost; client?: RunClient; column: SideColumn }) {
  const own = useMemo(() => (given ? null : new RunClient(host.api)), [host, given]);
  useEffect(() => () => own?.dispose(), [own]);
  const client = given ?? own!;
  const state = useRunState(client);
  const { open, setOpen, width, setWidth } = column;
  const [tab, setTab] = useState<Tab>('settle');
  const [asked, setAsked] = useState(false);

  // The engine starts on first use: ask for its backend once the panel is opened.
  useEffect(() => {
    if (open && !asked && !state.backend) {
      setAsked(true);
      void client.info();
    }
  }, [open, asked, state.backend, client]);

  // Another graph opened: what the panel shows of the last one goes (issue 15: stale layers, guarantee, attention).
  useEffect(() => {
    let seen = host.doc.get().openings;
    return host.doc.subscribe(() => {
      const now = host.doc.get().openings;
      if (now !== seen) client.forget();
      seen = now;
    });
  }, [host, client]);
  // Runs › Settle ▸ (a run's weights): the Settle tab, open.
  useSettleRequests(useCallback(() => (setOpen(true), setTab('settle')), [setOpen]));

  // A run that started shows its own tab.
  const kind = state.run?.kind;
  const runId = state.run?.runId;
  useEffect(() => {
    if (kind === 'train') setTab('train');
  }, [kind, runId]);

  const attentionBlocks = state.run?.kind === 'settle' ? state.run.attention.size : 0;
  const props = { host, client, state };
  return (
    <>
      {!open && (
        <button className="run-handle" data-testid="run-open" onClick={() => setOpen(true)} title="Settle and train this graph">
          ▸ Run
        </button>
      )}
      <aside className={`run-dock${open ? ' run-dock--open' : ''}`} aria-label="Run" data-testid="run-dock" hidden={!open}>
        <Splitter edge="left" size={width} onResize={setWidth} testId="run-dock-splitter" label="Resize the run panel" />
        <div className="run-dock__head">
          <div className="tabs" role="tablist">
            <button role="tab" className="tab" aria-selected={tab === 'settle'} data-testid="run-tab-settle" onClick={() => setTab('settle')}>
              Settle
            </button>
            <button role="tab" className="tab" aria-selected={tab === 'train'} data-testid="run-tab-train" onClick={() => setTab('train')}>
              Train
            </button>
            <button role="tab" className="tab" aria-selected={tab === 'attention'} data-testid="run-tab-attention" onClick={() => setTab('attention')}>
              Attention
              {attentionBlocks > 0 && <span className="count">{attentionBlocks}</span>}
            </button>
            <button role="tab" className="tab" aria-selected={tab === 'gradients'} data-testid="run-tab-gradients" title="Check gradients: BPTT, recurrent backprop and finite differences" onClick={() => setTab('gradients')}>
              Gradients
            </button>
            <button role="tab" className="tab" aria-selected={tab === 'capacity'} data-testid="run-tab-capacity" title="Capacity and basins of a memory net: retrieval against load, corruption and β" onClick={() => setTab('capacity')}>
              Capacity
            </button>
          </div>
          <span className="spacer" />
          <StatusBadge run={state.run} />
          <span className="run-backend" data-testid="engine-backend" data-name={state.backend?.name ?? ''} title={state.backend?.description}>
            {state.backend ? state.backend.detail : state.engineError ? 'engine error' : 'engine starting…'}
          </span>
          <button className="icon-button" data-testid="run-close" title="Hide the run panel" onClick={() => setOpen(false)}>
            ×
          </button>
        </div>
        {state.engineError && (
          <div className="run-banner run-banner--error" role="alert" data-testid="engine-error">
            {state.engineError}
          </div>
        )}
        <div className="run-dock__body">
          {tab === 'settle' && <SettleView {...props} />}
          {tab === 'train' && <TrainView {...props} />}
          {tab === 'attention' && <AttentionView {...props} />}
          {tab === 'gradients' && <GradcheckView {...props} />}
          {tab === 'capacity' && <CapacityView {...props} />}
        </div>
      </aside>
    </>
  );
}
