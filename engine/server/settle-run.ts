/**
 * A settle run: the runtime's own settle loop (settleIterations), driven one iteration at
 * a time with a gate in between, so every iteration streams out as it happens and pause,
 * step and cancel act between iterations. Returns the events that close the run; every
 * tensor is freed before they go out.
 */
import { tf } from '../tf.js';
import type { Dataset } from '../data/dataset.js';
import { buildBatch, disposeBatch, type Batch } from '../runtime/batch.js';
import type { BoundNet } from '../runtime/network.js';
import { partIndices, pickExamples } from '../runtime/prepare.js';
import { disposeState, settleIterations, type IterationInfo } from '../runtime/settle.js';
import { summarizePlan } from '../compile/check.js';
import type { Plan } from '../compile/plan.js';
import type { EnergyRise, OscillatingUnits, RunEvent, SettleStart } from '../protocol/run.js';
import { openNetwork, openRun, RunFailure } from './open.js';
import { attentionEvents, layerFrames, oscillatingUnits } from './views.js';
import { drawnInput } from './drawn-input.js';
import type { RunContext } from './context.js';

/** A rise of the energy larger than this, relative to its size, is real and not float32 rounding. */
const RISE_TOLERANCE = 1e-5;
const DEFAULT_FPS = 30;

export async function runSettle(cmd: SettleStart, ctx: RunContext): Promise<RunEvent[]> {
  const opened = await openRun(cmd, cmd.overrides ?? {}, ctx.hostDir);
  const { plan, datasets } = opened;
  const { steps, theta, seed } = plan.settle;
  // A drawn input is one example: the first picked still feeds the other clamps.
  const drawn = cmd.input ? drawnInput(plan, cmd.input) : undefined;
  const indices = exampleIndices(cmd, datasets, seed).slice(0, drawn ? 1 : undefined);
  const { network, from } = await openNetwork(opened, cmd.weights, seed);
  let bound: BoundNet | undefined;
  let batch: Batch | undefined;
  try {
      bound = network.bind();
      try {
        batch = buildBatch(plan, datasets, indices, seed + 1, drawn);
      } catch (err) {
        throw new RunFailure(`${opened.source}: ${(err as Error).message}`);
      }
      ctx.emit({
        type: 'run.started',
        runId: cmd.runId,
        kind: 'settle',
        backend: ctx.backend,
        plan: summarizePlan(plan),
        warnings: opened.warnings,
        totals: {
          examples: datasets.size > 0 ? indices : [],
          steps,
          theta,
          seed,
          weights: from,
          parts: datasets.size > 0 ? { train: partIndices(datasets, 'train').length, test: partIndices(datasets, 'test').length } : { train: 0, test: 0 },
          ...(cmd.input ? { drawnInto: cmd.input.layer } : {}),
        },
      });
      return await drive(cmd, ctx, plan, bound, batch);
  } finally {
    if (batch) disposeBatch(batch);
    bound?.dispose();
    network.dispose();
  }
}

/** Dataset indices: positions within a part (checked), or `count` picked from the held-out part like `attractor settle`. */
function exampleIndices(cmd: SettleStart, datasets: ReadonlyMap<string, Dataset>, seed: number): number[] {
  if (!Array.isArray(cmd.examples)) return pickExamples(datasets, cmd.examples.count, seed, 'test');
  if (datasets.size === 0) return cmd.examples.map((e) => e.index);
  const parts = { train: partIndices(datasets, 'train'), test: partIndices(datasets, 'test') };
  return cmd.examples.map((e, i) => {
    const pool = parts[e.part];
    if (e.index >= pool.length) throw new RunFailure(`examples[${i}].index: ${e.index} is past the end of the ${e.part} part (${pool.length} examples: 0 to ${pool.length - 1})`);
    return pool[e.index];
  });
}

async function drive(cmd: SettleStart, ctx: RunContext, plan: Plan, bound: BoundNet, batch: Batch): Promise<RunEvent[]> {
  const { runId, record } = cmd;
  const { steps, theta, seed } = plan.settle;
  const size = batch.size;
  const started = performance.now();
  const descent = plan.guarantee.kind === 'descent';
  const frameExamples = record.examples ?? 1;
  const every = record.every ?? 1;
  const minGap = 1000 / (record.maxFps ?? DEFAULT_FPS);
  let lastFrame = -Infinity;
  const frame = (iter: number, state: ReadonlyMap<string, tf.Tensor>, force: boolean) => {
    if (!record.activations && !record.attention) return;
    const now = performance.now();
    if (!force && (iter % every !== 0 || now - lastFrame < minGap)) return;
    lastFrame = now;
    const s = state as Map<string, tf.Tensor>;
    if (record.activations) ctx.emit({ type: 'settle.frame', runId, iter, layers: layerFrames(plan, s, frameExamples) });
    if (record.attention) attentionEvents(bound, s, frameExamples, runId, iter).forEach(ctx.emit);
  };

  const e0 = tf.tidy(() => bound.energy(batch.initial));
  let energy = Array.from(e0.dataSync());
  e0.dispose();
  checkFinite(energy, 0);
  ctx.emit({ type: 'settle.iteration', runId, iter: 0, energy, maxChange: [], tStar: energy.map(() => null), converged: 0, cycling: 0, energyRose: false });
  frame(0, batch.initial, true);

  const rises: EnergyRise[] = [];
  let oscillating: OscillatingUnits[][] = energy.map(() => []);
  let lastInfo: IterationInfo | undefined;
  const iterations = settleIterations({ net: bound, initial: batch.initial, clamps: batch.clamps, dropout: batch.dropout }, { steps, theta, seed });
  let cancelledAt: number | undefined;
  try {
    for (;;) {
      // After the last iteration the generator only hands over its result: no gate, no pause there.
      const last = lastInfo !== undefined && (lastInfo.converged + lastInfo.cycling === size || lastInfo.iteration >= steps);
      const gate = last ? 'run' : await ctx.control.gate();
      if (gate === 'cancel') {
        cancelledAt = ctx.control.position;
        break;
      }
      const r = iterations.next();
      if (r.done) {
        disposeState(r.value.state);
        break;
      }
      const info = r.value;
      ctx.control.position = info.iteration;
      const now = info.energy ? [...info.energy] : [];
      checkFinite(now, info.iteration);
      let rose = false;
      if (descent) {
        now.forEach((e, b) => {
          if (e - energy[b] > RISE_TOLERANCE * (1 + Math.abs(energy[b]))) {
            rose = true;
            rises.push({ example: b, iter: info.iteration, from: energy[b], to: e });
          }
        });
      }
      energy = now;
      ctx.emit({
        type: 'settle.iteration',
        runId,
        iter: info.iteration,
        energy: now,
        maxChange: [...info.changes],
        tStar: info.tStar.map((t) => (t >= 0 ? t : null)),
        converged: info.converged,
        cycling: info.cycling,
        energyRose: rose,
      });
      if (info.cycling > 0) oscillating = oscillatingUnits(plan, info.state, info.previous, info.cycle2, theta);
      const isLast = info.converged + info.cycling === size || info.iteration >= steps;
      frame(info.iteration, info.state, gate === 'step' || isLast);
      lastInfo = info;
    }
  } finally {
    // Cancelled, or a throw between iterations: the suspended settle frees its states.
    abandon(iterations);
  }
  if (cancelledAt !== undefined) return [{ type: 'run.cancelled', runId, at: cancelledAt }];

  const tStar = lastInfo ? lastInfo.tStar.map((t) => (t >= 0 ? t : null)) : energy.map(() => null);
  const cycle2 = lastInfo ? [...lastInfo.cycle2] : energy.map(() => false);
  ctx.emit({
    type: 'settle.done',
    runId,
    iterations: lastInfo?.iteration ?? 0,
    tStar,
    cycle2,
    cycle2Units: cycle2.map((c, b) => (c ? oscillating[b] ?? [] : [])),
    guarantee: plan.guarantee.kind,
    energyRose: rises.length > 0,
    energyRises: rises,
    finalEnergy: energy,
  });
  const converged = tStar.filter((t) => t !== null).length;
  return [
    {
      type: 'run.done',
      runId,
      summary: { kind: 'settle', iterations: lastInfo?.iteration ?? 0, converged, cycling: cycle2.filter(Boolean).length, ms: performance.now() - started },
    },
  ];
}

/** Ends a settle generator early (a no-op once it has finished): its finally frees its tensors. */
function abandon(g: Generator<IterationInfo, unknown, void>): void {
  g.return(undefined);
}

function checkFinite(energy: readonly number[], iter: number): void {
  const b = energy.findIndex((e) => !Number.isFinite(e));
  if (b >= 0) {
    throw new RunFailure(`the energy of example ${b} became ${energy[b]} at iteration ${iter}: the weights or the data hold values the net cannot settle with`);
  }
}
