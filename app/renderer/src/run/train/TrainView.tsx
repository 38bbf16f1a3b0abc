/**
 * Train the saved graph: batches, held-out evaluations, galleries and weight views as
 * they stream; pause / step / cancel; resume from the newest checkpoint. Checkpoints go
 * to the graph's sidecar folder (NAME.weights) next to its file, so training needs the
 * graph saved.
 */
import { useEffect, useState } from 'react';
import { ErrorBanner, RunControls, Stat, fmt, type ViewProps } from '../common.js';
import { isActive } from '../run-client.js';
import type { TrainRun } from '../run-state.js';
import { LogExports } from '../settle/SettleView.js';
import { LossChart, TStarHistogramView } from './TrainCharts.js';
import { Gallery } from './Gallery.js';
import { WeightsView } from './WeightsView.js';
import { LiveSettings } from './LiveSettings.js';
import { UnsettledBanner } from '../advice.js';

const EVAL_EVERY = 25;
const GALLERY_EVERY = 25;
const WEIGHTS_EVERY = 50;

export function TrainView({ host, client, state }: ViewProps) {
  const [batches, setBatches] = useState(300);
  const [replace, setReplace] = useState(false);
  const [doc, setDoc] = useState(() => host.doc.get());
  useEffect(() => host.doc.subscribe(() => setDoc(host.doc.get())), [host]);
  const path = doc.path;
  const run = state.run?.kind === 'train' ? state.run : null;
  const busy = isActive(state);

  useEffect(() => {
    if (path && !busy) void client.listCheckpoints(path);
  }, [client, path, busy]);

  const common = { graph: host.graph(), graphPath: path, evalEvery: EVAL_EVERY, galleryEvery: GALLERY_EVERY, weightsEvery: WEIGHTS_EVERY, galleryCount: 6 };
  const train = () => {
    if (!path) return;
    void client.train({ ...common, graph: host.graph(), batches, ...(replace ? { overwrite: true } : {}) });
  };
  const resume = async () => {
    if (!path) return;
    const list = await client.listCheckpoints(path);
    const latest = [...list].sort((a, b) => b.step - a.step || b.created.localeCompare(a.created))[0];
    if (!latest) {
      client.notice(`no checkpoint next to ${path} yet: train first`);
      return;
    }
    void client.train({ ...common, graph: host.graph(), resumeFrom: latest.dir, batches: latest.step + batches });
  };
  const checkpoints = state.checkpoints ?? [];

  return (
    <div className="run-view" data-testid="train-view">
      <div className="run-toolbar">
        <label className="run-field" title="Batches to run (a resumed run continues for this many more)">
          batches
          <input type="number" min={1} step={50} value={batches} data-testid="train-batches" onChange={(e) => setBatches(Math.max(1, Math.floor(Number(e.target.value) || 1)))} />
        </label>
        <label className="run-check" title="Start over even when the graph's checkpoint folder holds a checkpoint (it is replaced)">
          <input type="checkbox" checked={replace} data-testid="train-replace" onChange={(e) => setReplace(e.target.checked)} /> replace
        </label>
        <span className="run-toolbar__sep" />
        <button className="primary" data-testid="run-train" disabled={busy || !path} onClick={train} title={path ? undefined : 'Save the graph first: checkpoints go next to its file'}>
          ▶ Train
        </button>
        <button data-testid="run-resume-checkpoint" disabled={busy || !path || checkpoints.length === 0} title="Train on from the newest checkpoint of this graph, for this many more batches" onClick={() => void resume()}>
          ⟲ From checkpoint
        </button>
        <RunControls client={client} run={run} />
        <span className="spacer" />
        {run && <LogExports run={run} />}
      </div>
      {!path && <div className="run-banner run-banner--info">Save the graph (File › Save As) to train it: checkpoints are written next to the file.</div>}
      {run && <LiveSettings client={client} run={run} />}
      <ErrorBanner message={run?.error ?? null} />
      {run?.live && run.steps.length > 0 && <UnsettledBanner counts={{ unsettled: run.unsettled, examples: run.batchSize, steps: run.live.steps, theta: run.live.theta }} />}
      {run ? <TrainBody run={run} version={state.version} host={host} /> : <p className="muted pad">Train the saved graph with its training settings; held-out loss every {EVAL_EVERY} batches.</p>}
      <Checkpoints list={checkpoints} run={run} />
    </div>
  );
}

function TrainBody({ run, version, host }: { run: TrainRun; version: number; host: ViewProps['host'] }) {
  const lastEval = run.evalLoss.at(-1);
  const firstEval = run.evalLoss[0];
  return (
    <>
      <div className="run-stats">
        <Stat label="batch" value={`${run.at} / ${run.totalBatches || '—'}`} testId="train-step" />
        <Stat label="train loss" value={fmt(run.loss.at(-1))} />
        <Stat
          label="held-out loss"
          value={
            <span data-testid="heldout-loss" data-first={firstEval ?? ''} data-last={lastEval ?? ''} data-evals={run.evalLoss.length}>
              {fmt(lastEval)}
            </span>
          }
        />
        {run.accuracy !== null && <Stat label="accuracy" value={`${(run.accuracy * 100).toFixed(1)}%`} />}
        <Stat label="examples/s" value={run.examplesPerSec !== null ? Math.round(run.examplesPerSec).toLocaleString() : '—'} />
        <Stat label="tossed" value={run.tossed} tone={run.tossed > 0 ? 'warn' : undefined} testId="train-tossed" />
        <Stat label="2-cycles" value={run.cycle2} tone={run.cycle2 > 0 ? 'warn' : undefined} />
        <Stat label="unsettled" value={run.unsettled} />
        <Stat label="method" value={run.method || '—'} />
      </div>
      <div className="run-split">
        <div className="run-col">
          <LossChart run={run} version={version} />
          <TStarHistogramView run={run} />
        </div>
        <div className="run-col">
          <Gallery run={run} />
          <WeightsView run={run} host={host} />
        </div>
      </div>
    </>
  );
}

function Checkpoints({ list, run }: { list: readonly { dir: string; step: number; created: string; loss: number | null; method: string }[]; run: TrainRun | null }) {
  const written = run?.checkpoints.at(-1);
  return (
    <section className="run-card run-checkpoints" data-testid="checkpoints">
      <header className="run-card__head">
        <h4>Checkpoints (weights)</h4>
        {run?.cancelledCheckpoint && <span className="muted small">cancel wrote {run.cancelledCheckpoint}</span>}
      </header>
      {list.length === 0 && !written ? (
        <p className="muted small pad">None yet.</p>
      ) : (
        <table className="run-table">
          <tbody>
            {list.map((c) => (
              <tr key={c.dir} data-testid="checkpoint-row" data-step={c.step}>
                <td className="mono">{c.dir}</td>
                <td>batch {c.step}</td>
                <td>{c.method}</td>
                <td>loss {fmt(c.loss)}</td>
                <td className="muted">{c.created.replace('T', ' ').slice(0, 19)}</td>
              </tr>
            ))}
            {written && !list.some((c) => c.dir === written.dir && c.step === written.step) && (
              <tr>
                <td className="mono">{written.dir}</td>
                <td>batch {written.step}</td>
                <td colSpan={3} className="muted">
                  written by this run
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}
