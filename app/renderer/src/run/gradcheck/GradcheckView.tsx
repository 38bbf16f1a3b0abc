/**
 * Check gradients on the graph as edited: BPTT with a long T, recurrent backprop and
 * central finite differences on sampled entries of every parameter, compared overall and
 * parameter by parameter (a wrong gradient often hides in one parameter), with the
 * examples recurrent backprop tossed and why, and equilibrium propagation's estimate at a
 * small β beside them where the graph allows it. Every number is the engine's.
 */
import { useEffect, useState } from 'react';
import type { Agreement, GradcheckDone, GradcheckProgress, GradcheckTotals } from '../../../../../engine/protocol/run.js';
import { FD_NOISE_RESOLUTIONS } from '../../../../../engine/protocol/gradcheck-events.js';
import { ErrorBanner, RunControls, fmt, type ViewProps } from '../common.js';
import { isActive } from '../run-client.js';
import type { GradcheckRun } from '../run-state.js';

/**
 * Relative errors under this agree to float32 central differences (ε = 1e-3 on a loss
 * settled to θ = 1e-6 resolves about three digits), or under a few of the differences'
 * resolution where the gradient is that small; under ten times it, look closer.
 */
const AGREE = 1e-2;
/** Equilibrium propagation is an estimate, exact only as β → 0: a few percent at β = 0.01 is its bias, not a bug. */
const EQPROP_AGREE = 5e-2;


function tone(a: Agreement, floor = AGREE): 'ok' | 'warn' | 'bad' {
  if (!Number.isFinite(a.maxRelError)) return 'bad';
  return a.maxRelError < floor ? 'ok' : a.maxRelError < 10 * floor ? 'warn' : 'bad';
}

const STAGE: Record<GradcheckProgress['stage'], string> = {
  bptt: 'BPTT with a long T',
  'recurrent-backprop': 'recurrent backprop',
  'finite-differences': 'finite differences',
};

export function GradcheckView({ host, client, state }: ViewProps) {
  const [batch, setBatch] = useState(2);
  const [perParam, setPerParam] = useState(4);
  // Equilibrium propagation's β: its estimate's bias grows as β², its settling noise as θ/β.
  const [beta, setBeta] = useState(0.01);
  const [doc, setDoc] = useState(() => host.doc.get());
  useEffect(() => host.doc.subscribe(() => setDoc(host.doc.get())), [host]);
  const run = state.run?.kind === 'gradcheck' ? state.run : null;
  const busy = isActive(state);
  const start = () => void client.gradcheck({ graph: host.graph(), graphPath: doc.path, batch, perParam, beta });
  const count = (set: (n: number) => void, max: number) => (e: { target: { value: string } }) => set(Math.min(max, Math.max(1, Math.floor(Number(e.target.value) || 1))));
  return (
    <div className="run-view" data-testid="gradcheck-view">
      <div className="run-toolbar">
        <label className="run-field" title="Training examples settled together for every gradient">
          examples
          <input type="number" min={1} max={64} value={batch} onChange={count(setBatch, 64)} data-testid="gradcheck-batch" />
        </label>
        <label className="run-field" title="Entries sampled from each parameter; each costs two settles for its finite difference">
          entries / parameter
          <input type="number" min={1} max={64} value={perParam} onChange={count(setPerParam, 64)} data-testid="gradcheck-per-param" />
        </label>
        <label className="run-field" title="Equilibrium propagation's nudge β: its estimate is compared too (bias grows as β², settling noise as θ/β)">
          eqprop β
          <input
            type="number"
            min={1e-4}
            step={0.005}
            value={beta}
            onChange={(e) => {
              const v = Number(e.target.value);
              if (Number.isFinite(v) && v > 0) setBeta(v);
            }}
            data-testid="gradcheck-beta"
          />
        </label>
        <span className="run-toolbar__sep" />
        <button className="primary" data-testid="run-gradcheck" disabled={busy} onClick={start}>
          ▶ Check gradients
        </button>
        <RunControls client={client} run={run} />
      </div>
      <ErrorBanner message={run?.error ?? null} />
      {run ? (
        <GradcheckBody run={run} />
      ) : (
        <p className="muted pad">
          Compare the gradients training would use — BPTT and recurrent backprop — with central finite differences of the settled loss, on a few training examples and sampled entries of every
          parameter of the graph on the canvas (its own weights, or fresh ones).
        </p>
      )}
    </div>
  );
}

function GradcheckBody({ run }: { run: GradcheckRun }) {
  return (
    <>
      {run.totals && <Totals totals={run.totals} />}
      {run.progress && !run.done && run.status !== 'failed' && run.status !== 'cancelled' && <Progress progress={run.progress} />}
      {run.done && <Report done={run.done} />}
    </>
  );
}

function Totals({ totals }: { totals: GradcheckTotals }) {
  return (
    <p className="muted small pad" data-testid="gradcheck-totals">
      {totals.weights}; {totals.batch} example{totals.batch === 1 ? '' : 's'}; {totals.entries} entries of {totals.params} parameters; ε = {totals.epsilon}, θ = {totals.theta}, adjoint tolerance{' '}
      {totals.adjointTolerance}, T ≤ {totals.steps}
    </p>
  );
}

function Progress({ progress }: { progress: GradcheckProgress }) {
  const fd = progress.stage === 'finite-differences';
  return (
    <p className="pad" data-testid="gradcheck-progress" data-stage={progress.stage}>
      {STAGE[progress.stage]}
      {fd ? ` ${progress.done}/${progress.total}` : '…'}
      {fd && <progress max={progress.total} value={progress.done} style={{ marginLeft: 8 }} />}
    </p>
  );
}

function Report({ done }: { done: GradcheckDone }) {
  const kept = done.tStar.length - done.tossed;
  return (
    <div className="pad" data-testid="gradcheck-report">
      <table className="run-table">
        <thead>
          <tr>
            <th />
            <th>cosine</th>
            <th title="max |a − b| over the entries, relative to max |b|">max relative error</th>
          </tr>
        </thead>
        <tbody>
          <Row label="BPTT vs finite differences" a={done.bpttVsFd} testId="gradcheck-bptt-fd" />
          <Row label="recurrent backprop vs finite differences" a={done.rbpVsFd} testId="gradcheck-rbp-fd" />
          <Row label="BPTT vs recurrent backprop" a={done.bpttVsRbp} testId="gradcheck-bptt-rbp" />
          {done.eqprop && (
            <>
              <Row label={`equilibrium propagation (β = ${done.eqprop.beta}) vs finite differences`} a={done.eqprop.vsFd} testId="gradcheck-eqprop-fd" floor={EQPROP_AGREE} />
              <Row label="equilibrium propagation vs recurrent backprop" a={done.eqprop.vsRbp} testId="gradcheck-eqprop-rbp" floor={EQPROP_AGREE} />
            </>
          )}
        </tbody>
      </table>
      <p className="small muted" data-testid="gradcheck-resolution">
        Finite differences resolve gradients down to ≈ {fmt(done.fdResolution, 2)} (one float32 ulp of the loss over 2ε): where a parameter’s scale is near that, its errors against them are rounding.
      </p>
      <p className="small" data-testid="gradcheck-tossed" data-tossed={done.tossed}>
        t*: {done.tStar.map((t) => t ?? '–').join(' ')} · recurrent backprop kept {kept} of {done.tStar.length} examples
        {done.tossed > 0 && ` (tossed: ${done.tossedWhy.notSettled} not settled, ${done.tossedWhy.diverged} adjoint not converged)`}
      </p>
      {done.notes.map((n) => (
        <div key={n} className="run-banner run-banner--warn" data-testid="gradcheck-note">
          {n}
        </div>
      ))}
      <h4>Per parameter</h4>
      <table className="run-table" data-testid="gradcheck-params">
        <thead>
          <tr>
            <th>parameter</th>
            <th>entries</th>
            <th title="max |finite difference|: the scale the errors are relative to">scale</th>
            <th>BPTT vs FD</th>
            <th>RBP vs FD</th>
            <th>BPTT vs RBP</th>
          </tr>
        </thead>
        <tbody>
          {done.perParam.map((p) => (
            <tr key={p.param} data-testid={`gradcheck-param-${p.param}`} data-worst={Math.max(p.bpttVsFd.maxRelError, p.rbpVsFd.maxRelError, p.bpttVsRbp.maxRelError)}>
              <td>{p.param}</td>
              <td>{p.entries}</td>
              <td>{fmt(p.scale, 3)}</td>
              {[p.bpttVsFd, p.rbpVsFd, p.bpttVsRbp].map((a, i) => (
                <td key={i} className={`run-${tone(a, i < 2 ? Math.max(AGREE, (FD_NOISE_RESOLUTIONS * done.fdResolution) / p.scale) : AGREE)}`} title={`cosine ${fmt(a.cosine, 6)}`}>
                  {fmt(a.maxRelError, 3)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Row({ label, a, testId, floor = AGREE }: { label: string; a: Agreement; testId: string; floor?: number }) {
  return (
    <tr data-testid={testId} data-cosine={a.cosine} data-error={a.maxRelError}>
      <td>{label}</td>
      <td>{fmt(a.cosine, 6)}</td>
      <td className={`run-${tone(a, floor)}`}>{fmt(a.maxRelError, 3)}</td>
    </tr>
  );
}
