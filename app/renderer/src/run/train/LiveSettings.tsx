/**
 * Change a paused training run's learning rate, T and θ, then continue (Nengo GUI's
 * "change, continue"): sent as run.update, in force from the next batch; the fields show
 * what the engine confirmed (run.updated) and its refusal lands in the run's error banner.
 */
import { useEffect, useState } from 'react';
import type { RunClient } from '../run-client.js';
import type { TrainRun } from '../run-state.js';

export function LiveSettings({ client, run }: { client: RunClient; run: TrainRun }) {
  const live = run.live;
  const [lr, setLr] = useState('');
  const [steps, setSteps] = useState('');
  const [theta, setTheta] = useState('');
  useEffect(() => {
    if (!live) return;
    setLr(String(live.lr));
    setSteps(String(live.steps));
    setTheta(String(live.theta));
  }, [live]);
  if (!live || run.status !== 'paused') return null;

  const parsed = { lr: Number(lr), steps: Number(steps), theta: Number(theta) };
  const valid = parsed.lr > 0 && Number.isFinite(parsed.lr) && Number.isInteger(parsed.steps) && parsed.steps > 0 && parsed.theta > 0 && Number.isFinite(parsed.theta);
  const changed = valid && (parsed.lr !== live.lr || parsed.steps !== live.steps || parsed.theta !== live.theta);
  const apply = () => {
    const change: { lr?: number; steps?: number; theta?: number } = {};
    if (parsed.lr !== live.lr) change.lr = parsed.lr;
    if (parsed.steps !== live.steps) change.steps = parsed.steps;
    if (parsed.theta !== live.theta) change.theta = parsed.theta;
    void client.update(change);
  };
  return (
    <div className="run-toolbar run-live" data-testid="live-settings" data-lr={live.lr} data-steps={live.steps} data-theta={live.theta}>
      <span className="muted small">paused: change, then continue —</span>
      <label className="run-field" title="Learning rate from the next batch (the optimiser keeps its moments)">
        lr
        <input value={lr} data-testid="live-lr" size={7} onChange={(e) => setLr(e.target.value)} />
      </label>
      <label className="run-field" title="Iterations each training settle gets (T)">
        T
        <input value={steps} data-testid="live-steps" size={4} onChange={(e) => setSteps(e.target.value)} />
      </label>
      <label className="run-field" title="Convergence threshold θ of the training settles">
        θ
        <input value={theta} data-testid="live-theta" size={7} onChange={(e) => setTheta(e.target.value)} />
      </label>
      <button data-testid="live-apply" disabled={!changed} title={valid ? undefined : 'lr and θ > 0, T a whole number ≥ 1'} onClick={apply}>
        Apply
      </button>
    </div>
  );
}
