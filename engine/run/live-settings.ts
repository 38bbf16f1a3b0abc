/**
 * Settings a paused training run may change (run.update; Nengo GUI's "change, continue"):
 * the learning rate, T and θ. A change is checked and acknowledged (run.updated) when it
 * arrives and applied before the next batch.
 */
import type { TrainingConfig } from '../../nodes/config.js';
import { createOptimizer, type Optimizer } from '../train/optimizers.js';
import type { RunContext } from './context.js';
import type { SettingsChange } from './control.js';

/** The parts of a training run a change replaces. */
export interface LiveTraining {
  config: TrainingConfig;
  /** Convergence threshold of the training batches' settles (t*, the unrolls' stop). */
  theta: number;
  optimizer: Optimizer;
}

/** The settings run.update may change, as they hold now. */
export function liveSettings(t: LiveTraining): { lr: number; steps: number; theta: number } {
  return { lr: t.config.optimizer.lr, steps: t.config.steps, theta: t.theta };
}

/**
 * Registers the run's updater: the learning rate, T and θ, applied by `apply()` before the
 * next batch. Gradient workers were started with their settings, so
 * with workers only the learning rate (applied here) may change.
 */
export function acceptChanges(t: LiveTraining, ctx: RunContext, workers: boolean): { apply(): void } {
  let pending: SettingsChange | null = null;
  ctx.control.updater = {
    take(change) {
      if (workers && (change.steps !== undefined || change.theta !== undefined)) return 'gradient workers keep the T and θ they started with: only the learning rate can change (train with workers: 0 to change T or θ)';
      const given = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
      pending = { ...pending, ...given };
      const now = liveSettings(t);
      ctx.emit({ type: 'run.updated', runId: ctx.control.runId, at: ctx.control.position, lr: pending.lr ?? now.lr, steps: pending.steps ?? now.steps, theta: pending.theta ?? now.theta });
      return undefined;
    },
  };
  return {
    apply() {
      if (!pending) return;
      const { lr, steps, theta } = pending;
      pending = null;
      if (steps !== undefined) t.config = { ...t.config, steps };
      if (theta !== undefined) t.theta = theta;
      if (lr !== undefined && lr !== t.config.optimizer.lr) {
        t.config = { ...t.config, optimizer: { ...t.config.optimizer, lr } };
        // Same moments and step count, new rate: a fresh optimiser loaded with the old one's state.
        const next = createOptimizer(t.config.optimizer, t.config.weightDecay);
        next.load(t.optimizer.step, t.optimizer.state());
        t.optimizer.dispose();
        t.optimizer = next;
      }
    },
  };
}

