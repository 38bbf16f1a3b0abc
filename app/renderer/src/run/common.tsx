/** Small pieces the run views share: the context they run in, run controls, chips, stats, export buttons. */
import type { ReactNode, RefObject } from 'react';
import type { AttractorApi } from '../../../shared/api.js';
import type { GuaranteeKind } from '../../../../engine/protocol/check.js';
import type { RunClient } from './run-client.js';
import type { Run, RunState } from './run-state.js';
import type { ChartHandle } from './charts/LineChart.js';
import { download, downloadBlob } from './exports.js';

/** What the run views need from the app (the Studio satisfies it): the API, the graph as edited, and where its file is. */
export interface RunHost {
  readonly api: AttractorApi;
  graph(): unknown;
  readonly doc: {
    get(): { readonly path: string | null; readonly dirty: boolean; readonly name: string; readonly openings: number };
    subscribe(listener: () => void): () => void;
  };
}

export interface ViewProps {
  readonly host: RunHost;
  readonly client: RunClient;
  readonly state: RunState;
}

const GUARANTEE_LABEL: Record<GuaranteeKind, string> = {
  descent: 'energy descent',
  'fixed-point-or-2-cycle': 'fixed point or 2-cycle',
  none: 'no guarantee',
};

export function GuaranteeChip({ kind, reason }: { kind: GuaranteeKind | null; reason?: string }) {
  if (!kind) return <span className="guarantee guarantee--pending" data-testid="guarantee-chip" data-kind="">guarantee: —</span>;
  return (
    <span className={`guarantee guarantee--${kind}`} data-testid="guarantee-chip" data-kind={kind} title={reason}>
      {GUARANTEE_LABEL[kind]}
    </span>
  );
}

export function Stat({ label, value, testId, tone, title }: { label: string; value: ReactNode; testId?: string; tone?: 'warn' | 'bad'; title?: string }) {
  return (
    <div className={`run-stat${tone ? ` run-stat--${tone}` : ''}`} title={title}>
      <span className="run-stat__label">{label}</span>
      <span className="run-stat__value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}

export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toPrecision(digits);
}

/** Pause/Resume, Step, Cancel for the run in progress (any kind). */
export function RunControls({ client, run }: { client: RunClient; run: Run | null }) {
  const active = run && (run.status === 'running' || run.status === 'paused' || run.status === 'starting');
  const paused = run?.status === 'paused';
  return (
    <>
      <button data-testid="run-pause" disabled={!active || run?.status === 'starting'} onClick={() => void client.control(paused ? 'run.resume' : 'run.pause')}>
        {paused ? '▶ Resume' : '❚❚ Pause'}
      </button>
      <button data-testid="run-step" disabled={!paused} title="One iteration (settle) or batch (train) while paused" onClick={() => void client.control('run.step')}>
        ⇥ Step
      </button>
      <button data-testid="run-cancel" className="danger" disabled={!active} onClick={() => void client.control('run.cancel')}>
        ■ Cancel
      </button>
    </>
  );
}

/** What a run's position counts, in the status badge. */
const POSITION: Record<Run['kind'], string> = { settle: 'iter', train: 'batch', gradcheck: 'entry' };

export function StatusBadge({ run }: { run: Run | null }) {
  if (!run) return <span className="run-status run-status--idle">idle</span>;
  return (
    <span className={`run-status run-status--${run.status}`} data-testid="run-status" data-status={run.status} data-run={run.runId}>
      {run.status}
      {run.status === 'running' || run.status === 'paused' ? ` · ${POSITION[run.kind]} ${run.at}` : ''}
    </span>
  );
}

export function ErrorBanner({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="run-banner run-banner--error" role="alert" data-testid="run-error">
      {message}
    </div>
  );
}

/** A chart's frame: title, actions (PNG and SVG export), the chart. */
export function ChartCard({ title, chart, extra, children, testId, attrs, name }: {
  title: string;
  chart: RefObject<ChartHandle | null>;
  extra?: ReactNode;
  children: ReactNode;
  testId: string;
  attrs?: Record<string, string | number | undefined>;
  name: string;
}) {
  const png = () => {
    const url = chart.current?.png();
    if (url) download(`${name}.png`, url);
  };
  const svg = () => {
    const text = chart.current?.svg();
    if (text) downloadBlob(`${name}.svg`, text, 'image/svg+xml');
  };
  return (
    <section className="run-card" data-testid={testId} {...attrs}>
      <header className="run-card__head">
        <h4>{title}</h4>
        {extra}
        <span className="spacer" />
        <button className="run-mini" title="Download the chart as PNG" onClick={png}>
          PNG
        </button>
        <button className="run-mini" data-testid={`export-svg-${name}`} title="Download the chart as SVG (drawn from the data)" onClick={svg}>
          SVG
        </button>
      </header>
      {children}
    </section>
  );
}
