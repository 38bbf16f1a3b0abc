/**
 * Settle one example of the graph as edited: pick it (part and index, or at random within
 * the part's size the engine reported), with the graph's own weights or a trained
 * checkpoint of the saved graph, run with every iteration recorded, pause / step / cancel,
 * and watch energy, max change, t*, 2-cycles and each layer's state.
 */
import { useEffect, useState } from 'react';
import type { CheckpointInfo, FixedPointStability } from '../../../../../engine/protocol/run.js';
import { ErrorBanner, RunControls, Stat, fmt, type ViewProps } from '../common.js';
import { isActive } from '../run-client.js';
import type { SettleRun } from '../run-state.js';
import { downloadBlob, toCsv, toJsonl } from '../exports.js';
import { SettleCharts } from './SettleCharts.js';
import { FramesView, useFrameCursor } from './FramesView.js';
import { usePaintInput } from './PaintInput.js';
import { ExampleCard } from './ExampleCard.js';
import { UnitPlot, type PickedUnit } from './UnitPlot.js';
import { useStartEdits } from './start-edits.js';
import { UnsettledBanner } from '../advice.js';
import { useSettleRequests } from '../../runs/requests.js';

export function SettleView({ host, client, state }: ViewProps) {
  const [part, setPart] = useState<'test' | 'train'>('test');
  const [index, setIndex] = useState(0);
  const [attention, setAttention] = useState(true);
  const [doc, setDoc] = useState(() => host.doc.get());
  useEffect(() => host.doc.subscribe(() => setDoc(host.doc.get())), [host]);
  const path = doc.path;
  /** '' = the graph's own `weights`, else fresh ones; otherwise a checkpoint folder. */
  const [weights, setWeights] = useState('');
  useSettleRequests(setWeights);
  const [checkpoints, setCheckpoints] = useState<{ path: string; list: readonly CheckpointInfo[] } | null>(null);
  /** The part sizes the engine reported for the graph they belong to (path, or name while unsaved). */
  const [sizes, setSizes] = useState<{ graph: string; parts: { train: number; test: number } } | null>(null);
  const run = state.run?.kind === 'settle' ? state.run : null;
  const busy = isActive(state);
  // Draw: a painted input for the clamped visible layer instead of the dataset example.
  const paint = usePaintInput({ host, run, disabled: busy });
  const graphKey = path ?? `unsaved:${doc.name}`;
  const edits = useStartEdits(run, graphKey);

  useEffect(() => {
    if (!path || busy) return;
    let live = true;
    void client.listCheckpoints(path).then((list) => live && setCheckpoints({ path, list }));
    return () => {
      live = false;
    };
  }, [client, path, busy]);
  const list = checkpoints && checkpoints.path === path ? checkpoints.list : [];
  // A checkpoint of another graph (or one gone) is not offered: back to the graph's own.
  const chosen = weights !== '' && list.some((c) => c.dir === weights) ? weights : '';

  const runParts = run?.parts ?? null;
  const runId = run?.runId;
  useEffect(() => {
    if (runParts && runId && startedFor.get(runId) === graphKey) setSizes({ graph: graphKey, parts: runParts });
  }, [runParts, runId, graphKey]);
  const size = sizes && sizes.graph === graphKey ? sizes.parts[part] : null;

  const start = () => {
    void client.settle({
      graph: host.graph(),
      graphPath: path,
      ...(chosen !== '' ? { weights: chosen } : {}),
      examples: [{ part, index }],
      ...paint.command,
      ...edits.command,
      // Every iteration's frame: any rate limit skips some (a small net settles an iteration in
      // well under a millisecond), and the scrubber promises them all.
      record: { activations: true, attention, every: 1, maxFps: UNLIMITED_FPS, netInput: true },
    });
    if (client.state.run) startedFor.set(client.state.run.runId, graphKey);
  };

  return (
    <div className="run-view" data-testid="settle-view">
      <div className="run-toolbar">
        {paint.toggle}
        <label className="run-field" style={paint.on ? { display: 'none' } : undefined}>
          example
          <select value={part} onChange={(e) => setPart(e.target.value as 'test' | 'train')} data-testid="settle-part">
            <option value="test">held-out</option>
            <option value="train">train</option>
          </select>
          <input type="number" min={0} step={1} value={index} data-testid="settle-index" onChange={(e) => setIndex(Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
          <button
            className="run-mini"
            data-testid="settle-random"
            data-size={size ?? ''}
            disabled={!size}
            title={size ? `A random example of the ${part === 'test' ? 'held-out' : 'train'} part (0 to ${size - 1})` : size === 0 ? 'This part has no examples' : 'Settle once: the engine then says how many examples the part has'}
            onClick={() => size && setIndex(Math.floor(Math.random() * size))}
          >
            ⚄
          </button>
        </label>
        <label className="run-field" title={path ? 'Settle with the graph’s own weights, or with a trained checkpoint' : 'Save the graph to settle with its trained checkpoints'}>
          weights
          <select value={chosen} onChange={(e) => setWeights(e.target.value)} data-testid="settle-weights" disabled={!path}>
            <option value="">graph's own / fresh</option>
            {list.map((c) => (
              <option key={c.dir} value={c.dir} data-step={c.step}>
                {baseName(c.dir)} · batch {c.step}
                {c.loss !== null ? ` · loss ${fmt(c.loss, 3)}` : ''}
              </option>
            ))}
          </select>
        </label>
        <label className="run-check" title="Keep the attention weights of every iteration (Attention tab)">
          <input type="checkbox" checked={attention} onChange={(e) => setAttention(e.target.checked)} data-testid="settle-attention" /> attention
        </label>
        {edits.toggle}
        <span className="run-toolbar__sep" />
        <button className="primary" data-testid="run-settle" disabled={busy} title={busy ? 'A run is in progress: one at a time per engine' : undefined} onClick={start}>
          ▶ Settle
        </button>
        {/* While another kind of run holds the engine, its controls are here too: the banner below says to cancel it. */}
        <RunControls client={client} run={busy ? state.run : run} />
        <span className="spacer" />
        {run && <LogExports run={run} />}
      </div>
      {paint.panel}
      {busy && state.run && state.run.kind !== 'settle' && (
        <div className="run-banner run-banner--info" data-testid="settle-blocked">
          {state.run.kind === 'train' ? 'Training' : 'A gradient check'} is running: the engine runs one thing at a time, so Settle is available again once it ends (or Cancel it).
        </div>
      )}
      <ErrorBanner message={run?.error ?? null} />
      {run ? <SettleBody run={run} version={state.version} onEdit={edits.on ? edits.flip : undefined} /> : <p className="muted pad">Settle one example of the graph on the canvas (unsaved edits included). Every iteration is recorded.</p>}
    </div>
  );
}

/** No rate limit on frames (the protocol takes any positive rate). */
const UNLIMITED_FPS = 1e9;

/** Which graph each settle run of this window was started for (its part sizes belong to it). */
const startedFor = new Map<string, string>();

function baseName(dir: string): string {
  return dir.split(/[\\/]/).filter(Boolean).at(-1) ?? dir;
}

function SettleBody({ run, version, onEdit }: { run: SettleRun; version: number; onEdit?: (unit: PickedUnit) => void }) {
  const cursor = useFrameCursor(run);
  const [unit, setUnit] = useState<PickedUnit | null>(null);
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
        <StabilityStat stability={run.done?.stability[0] ?? null} />
        <Stat label="schedule" value={run.plan ? `${run.plan.schedule} · ${run.plan.phases} ph` : '—'} />
      </div>
      {run.weightsFrom && (
        <p className="muted small pad" data-testid="settle-weights-from" title={run.weightsFrom}>
          {run.weightsFrom}
        </p>
      )}
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
      {run.done && run.steps !== null && run.theta !== null && (
        <UnsettledBanner counts={{ unsettled: run.done.tStar.filter((t, i) => t === null && !run.done!.cycle2[i]).length, examples: run.done.tStar.length, steps: run.steps, theta: run.theta }} />
      )}
      <ExampleCard run={run} frame={frame} />
      {unit && <UnitPlot run={run} picked={unit} version={version} onClose={() => setUnit(null)} />}
      <div className="run-split">
        <SettleCharts run={run} version={version} cursor={cursor.picked === null ? null : (frame?.iter ?? null)} />
        <FramesView run={run} cursor={cursor} onPick={onEdit ?? setUnit} />
      </div>
    </>
  );
}

/** ρ of the settle step's Jacobian at the fixed point reached, with what it means on hover. */
function StabilityStat({ stability }: { stability: FixedPointStability | null }) {
  if (!stability) return <Stat label="ρ(J)" value="—" testId="stability" />;
  const attracts = stability.rho < 1;
  const meaning = attracts
    ? 'The fixed point attracts under this schedule: small perturbations shrink by ρ per iteration, and recurrent backprop’s adjoint series converges.'
    : stability.dominant === 'negative'
      ? 'Not attracting under this schedule along a direction that flips sign each iteration (a 2-cycle in the making): the adjoint series diverges, conjugate gradients can still solve it if this is an energy minimum.'
      : 'Not attracting under this schedule (a saddle or worse): recurrent backprop tosses this example.';
  const title = `Spectral radius of one settle iteration’s Jacobian at x* (power iteration, ${stability.steps} steps${stability.converged ? '' : ', not converged: an estimate'}). ${meaning}`;
  return <Stat label="ρ(J)" value={`${fmt(stability.rho, 3)}${stability.converged ? '' : '?'}`} testId="stability" tone={attracts ? undefined : 'warn'} title={title} />;
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
