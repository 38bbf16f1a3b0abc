/**
 * Settle one example of the graph as edited: pick it (part and index, or at random),
 * run with every iteration recorded, pause / step / cancel, and watch energy, max change,
 * t*, 2-cycles and each layer's state.
 */
import { useState } from 'react';
import { ErrorBanner, RunControls, Stat, fmt, type ViewProps } from '../common.js';
import { isActive } from '../run-client.js';
import type { SettleRun } from '../run-state.js';
import { downloadBlob, toCsv, toJsonl } from '../exports.js';
import { SettleCharts } from './SettleCharts.js';
import { FramesView, useFrameCursor } from './FramesView.js';

export function SettleView({ host, client, state }: ViewProps) {
  const [part, setPart] = useState<'test' | 'train'>('test');
  const [index, setIndex] = useState(0);
  const [attention, setAttention] = useState(true);
  const run = state.run?.kind === 'settle' ? state.run : null;
  const busy = isActive(state);

  const start = () => {
    const { path } = host.doc.get();
    void client.settle({
      graph: host.graph(),
      graphPath: path,
      examples: [{ part, index }],
      // Every iteration's frame: the engine's default rate limit (30/s) would skip some.
      record: { activations: true, attention, every: 1, maxFps: 1000 },
    });
  };

  return (
    <div className="run-view" data-testid="settle-view">
      <div className="run-toolbar">
        <label className="run-field">
          example
          <select value={part} onChange={(e) => setPart(e.target.value as 'test' | 'train')} data-testid="settle-part">
            <option value="test">held-out</option>
            <option value="train">train</option>
          </select>
          <input type="number" min={0} step={1} value={index} data-testid="settle-index" onChange={(e) => setIndex(Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
          <button className="run-mini" title="A random example" onClick={() => setIndex(Math.floor(Math.random() * 1000))}>
            ⚄
          </button>
        </label>
        <label className="run-check" title="Keep the attention weights of every iteration (Attention tab)">
          <input type="checkbox" checked={attention} onChange={(e) => setAttention(e.target.checked)} data-testid="settle-attention" /> attention
        </label>
        <span className="run-toolbar__sep" />
        <button className="primary" data-testid="run-settle" disabled={busy} onClick={start}>
          ▶ Settle
        </button>
        <RunControls client={client} run={run} />
        <span className="spacer" />
        {run && <LogExports run={run} />}
      </div>
      <ErrorBanner message={run?.error ?? null} />
      {run ? <SettleBody run={run} version={state.version} /> : <p className="muted pad">Settle one example of the graph on the canvas (unsaved edits included). Every iteration is recorded.</p>}
    </div>
  );
}

function SettleBody({ run, version }: { run: SettleRun; version: number }) {
  const cursor = useFrameCursor(run);
  const frame = cursor.index >= 0 ? run.frames[cursor.index] : undefined;
  const cycleUnits = run.done?.cycle2Units[0] ?? [];
  const inCycle = run.done ? run.done.cycle2[0] : run.cycling > 0;
  return (
    <>
      <div className="run-stats">
        <Stat label="iteration" value={run.at} />
        <Stat label="t*" value={run.tStar ?? (run.done ? 'not settled' : '—')} testId="tstar" tone={run.done && run.tStar === null ? 'warn' : undefined} />
        <Stat label="energy" value={fmt(run.energy.at(-1))} />
        <Stat label="max |Δx|" value={fmt(run.maxChange.at(-1), 3)} />
        <Stat label="θ" value={fmt(run.theta, 3)} />
        <Stat label="2-cycle" value={inCycle ? 'yes' : 'no'} testId="cycle2" tone={inCycle ? 'warn' : undefined} />
        <Stat label="schedule" value={run.plan ? `${run.plan.schedule} · ${run.plan.phases} ph` : '—'} />
      </div>
      {inCycle && (
        <div className="run-banner run-banner--warn" data-testid="cycle2-units">
          2-cycle: units still alternate between two states
          {cycleUnits.length > 0 &&
            ': ' +
              cycleUnits
                .map((u) => `${u.layerId} [${u.units.slice(0, 12).join(', ')}${u.truncated || u.units.length > 12 ? ', …' : ''}]`)
                .join('; ')}
        </div>
      )}
      <div className="run-split">
        <SettleCharts run={run} version={version} cursor={cursor.picked === null ? null : (frame?.iter ?? null)} />
        <FramesView run={run} cursor={cursor} />
      </div>
    </>
  );
}

export function LogExports({ run }: { run: { runId: string; log: readonly import('../../../../../engine/protocol/run.js').RunEvent[] } }) {
  return (
    <span className="run-exports">
      <button className="run-mini" disabled={run.log.length === 0} title="Every iteration / batch / evaluation event as CSV" onClick={() => downloadBlob(`${run.runId}.csv`, toCsv(run.log), 'text/csv')}>
        CSV
      </button>
      <button className="run-mini" disabled={run.log.length === 0} title="Every iteration / batch / evaluation event as JSON Lines" onClick={() => downloadBlob(`${run.runId}.jsonl`, toJsonl(run.log), 'application/x-ndjson')}>
        JSONL
      </button>
    </span>
  );
}
