/**
 * A settle run: the examples picked, the weights opened, the batch built, then the
 * runtime's settle loop driven one iteration at a time with the gate in between, so every
 * iteration streams out as it happens and pause, step and cancel act between iterations.
 * Under a `descent` guarantee every rise of an example's energy is recorded. Every tensor
 * is freed before the outcome is returned.
 */
import { tf } from '../tf.js';
import { summarizePlan } from '../compile/check.js';
import { buildBatch, disposeBatch, type Batch } from '../runtime/batch.js';
import { doingText, ensureRunFits } from './memory-check.js';
import type { BoundNet, State } from '../runtime/network.js';
import { partIndices } from '../runtime/prepare.js';
import { readValues } from '../runtime/readback.js';
import { disposeState, type IterationInfo } from '../runtime/settle.js';
import type { DrawnInput, EnergyRise, FixedPointStability, OscillatingUnits, StartState } from '../protocol/run.js';
import { fixedPointStability } from '../analysis/stability.js';
import type { RunContext } from './context.js';
import { drawnInput } from './drawn-input.js';
import { exampleViews } from './example-views.js';
import { applyStarts, startStates } from './start-state.js';
import { EnergyWatch } from './energy-watch.js';
import { exampleIndices, type ExampleChoice } from './examples.js';
import { layerFrames, oscillatingUnits } from './frames.js';
import { attentionEvents } from './attention.js';
import { RunInputError } from './input-error.js';
import { iterations } from './iterations.js';
import { summarizeLayers, type LayerSummary } from './layer-summary.js';
import type { OpenedRun } from './open.js';
import { openNetwork, type WeightsChoice } from './weights.js';
import { energyTerms, finalStates, phaseEnergies, type EnergyTerm, type LayerState, type PhaseEnergies } from './settle-details.js';
import { recorded, RunRecorder, type RecordOptions } from '../experiments/records.js';

/** Which frames (layer states, attention weights) go out while settling. */
export interface FrameRecording {
  readonly activations: boolean;
  readonly attention: boolean;
  /** At most every this many iterations. */
  readonly every: number;
  /** Examples per frame, from the first. */
  readonly examples: number;
  /** Frames per second at most; iteration 0, the last one and steps while paused always go out. */
  readonly maxFps: number;
  /** Frames also carry each updated layer's net input. */
  readonly netInput?: boolean;
}

export interface SettleRequest {
  readonly examples: ExampleChoice;
  /** A drawn example for one clamped layer; the run then settles one example (the first picked, which still feeds the other clamps). */
  readonly input?: DrawnInput;
  /** Edited starts of any layers; the run then settles one example from them. */
  readonly start?: readonly StartState[];
  /** Absent: the graph's own weights sidecar, else fresh weights from the seed. */
  readonly weights?: WeightsChoice;
  readonly record: FrameRecording;
  /** Summarise the last state layer by layer (the CLI's "final state"). */
  readonly summarizeLayers?: boolean;
  /** Measure each settled example's fixed-point stability (default true; about one adjoint solve). */
  readonly stability?: boolean;
  /** Energies after every phase and the final energy's terms (the CLI's --json); final states too when `states`. */
  readonly details?: { readonly states: boolean };
  /** Write a run folder (engine/experiments/records.ts) for a graph with a file. */
  readonly runRecord?: RecordOptions;
}

export interface SettleOutcome {
  readonly cancelled: boolean;
  /** Iterations done. */
  readonly iterations: number;
  /** Per example, as of the last iteration done. */
  readonly tStar: (number | null)[];
  readonly cycle2: boolean[];
  readonly energyRises: EnergyRise[];
  readonly finalEnergy: number[];
  readonly layers: LayerSummary[] | null;
  /** Per example: ρ of the settle step's Jacobian at its fixed point; null where it did not settle or was not measured. */
  readonly stability: (FixedPointStability | null)[];
  /** From the first energy to the last iteration. */
  readonly ms: number;
  /** When the request asked for details and the settle ran to its end. */
  readonly details: SettleDetails | null;
}

export interface SettleDetails {
  readonly phaseEnergy: PhaseEnergies | null;
  readonly energyTerms: EnergyTerm[];
  readonly states: Record<string, LayerState> | null;
}

export async function settleRun(opened: OpenedRun, request: SettleRequest, ctx: RunContext): Promise<SettleOutcome> {
  if (!request.runRecord || opened.graphPath === null) return settleUnrecorded(opened, request, ctx);
  const settings = { settle: opened.plan.settle, weights: request.weights?.dir ?? opened.graph.weights ?? null, drawn: request.input?.layer ?? null };
  const recorder = new RunRecorder(request.runRecord, { kind: 'settle', graphFile: opened.graphPath, graph: opened.graph, seed: opened.plan.settle.seed, settings });
  return recorded(recorder, ctx, (c) => settleUnrecorded(opened, request, c), (o) => ({ status: o.cancelled ? 'cancelled' : 'done' }));
}

async function settleUnrecorded(opened: OpenedRun, request: SettleRequest, ctx: RunContext): Promise<SettleOutcome> {
  const { plan, datasets } = opened;
  const { steps, theta, seed } = plan.settle;
  const drawn = request.input ? drawnInput(plan, request.input) : undefined;
  const starts = request.start && request.start.length > 0 ? startStates(plan, request.start) : undefined;
  const indices = exampleIndices(request.examples, datasets, seed).slice(0, drawn || starts ? 1 : undefined);
  ensureRunFits(plan, { batch: indices.length }, ctx.backendName, doingText('settling', indices.length));
  const { network, from } = await openNetwork(opened, request.weights, seed);
  let bound: BoundNet | undefined;
  let batch: Batch | undefined;
  try {
    bound = network.bind();
    try {
      batch = buildBatch(plan, datasets, indices, seed + 1, drawn);
      if (starts) applyStarts(plan, batch, starts);
    } catch (err) {
      throw new RunInputError(`${opened.source}: ${(err as Error).message}`);
    }
    ctx.emit({
      type: 'run.started',
      runId: ctx.control.runId,
      kind: 'settle',
      backend: ctx.backend,
      plan: summarizePlan(plan),
      warnings: [...opened.warnings],
      totals: {
        examples: datasets.size > 0 ? indices : [],
        steps,
        theta,
        seed,
        weights: from,
        parts: datasets.size > 0 ? { train: partIndices(datasets, 'train').length, test: partIndices(datasets, 'test').length } : { train: 0, test: 0 },
        ...(request.input ? { drawnInto: request.input.layer } : {}),
      },
    });
    if (request.record.activations) ctx.emit({ type: 'settle.example', runId: ctx.control.runId, items: await exampleViews(plan, datasets, batch, indices, 1) });
    return await drive(opened, request, ctx, bound, batch);
  } finally {
    if (batch) disposeBatch(batch);
    bound?.dispose();
    network.dispose();
  }
}

async function drive(opened: OpenedRun, request: SettleRequest, ctx: RunContext, bound: BoundNet, batch: Batch): Promise<SettleOutcome> {
  const { plan } = opened;
  const { steps, theta, seed } = plan.settle;
  const runId = ctx.control.runId;
  const size = batch.size;
  const started = performance.now();
  const frame = framer(request.record, ctx, bound);

  const watch = new EnergyWatch(plan.guarantee.kind, Array.from(await readValues(tf.tidy(() => bound.energy(batch.initial)), true)));
  ctx.emit({ type: 'settle.iteration', runId, iter: 0, energy: [...watch.current], maxChange: [], tStar: watch.current.map(() => null), converged: 0, cycling: 0, energyRose: false });
  await frame(0, batch.initial, true);

  let oscillating: OscillatingUnits[][] = [];
  let last: IterationInfo | undefined;
  let cancelled = false;
  let layers: LayerSummary[] | null = null;
  let stability: (FixedPointStability | null)[] = new Array<null>(size).fill(null);
  let details: SettleDetails | null = null;
  /** When the last iteration ended: the analyses after it are not settle time. */
  let ended: number | undefined;
  const settling = iterations({ net: bound, initial: batch.initial, clamps: batch.clamps, dropout: batch.dropout }, { steps, theta, seed, phaseEnergy: request.details !== undefined });
  const isLast = (info: IterationInfo) => info.converged + info.cycling === size || info.iteration >= steps;
  try {
    for (;;) {
      // After the last iteration the settle only hands over its final state: no gate, no pause there.
      // Inside a burst (iterations read together, the state at hand being the burst's last) the gate waits for its end.
      const gate = last && (isLast(last) || !last.state) ? 'run' : await ctx.control.gate();
      if (gate === 'cancel') {
        cancelled = true;
        if (request.summarizeLayers) layers = await summarizeLayers(plan, last?.state ?? batch.initial);
        break;
      }
      const next = await settling.next();
      if (next.done) {
        ended = performance.now();
        if (request.summarizeLayers) layers = await summarizeLayers(plan, next.state);
        if (request.stability !== false && last) stability = await settledStability(bound, batch, next.state, last, seed);
        if (request.details) {
          const tStar = last ? last.tStar.map((t) => (t >= 0 ? t : null)) : [];
          details = {
            phaseEnergy: phaseEnergies(plan, next.phaseEnergy, tStar, last?.iteration ?? 0),
            energyTerms: await energyTerms(bound, next.state),
            states: request.details.states ? await finalStates(plan, next.state) : null,
          };
        }
        disposeState(next.state);
        break;
      }
      const info = next.info;
      ctx.control.position = info.iteration;
      const energy = info.energy ? [...info.energy] : [];
      const rose = watch.observe(energy, info.rose ?? [], info.iteration);
      ctx.emit({
        type: 'settle.iteration',
        runId,
        iter: info.iteration,
        energy,
        maxChange: [...info.changes],
        tStar: info.tStar.map((t) => (t >= 0 ? t : null)),
        converged: info.converged,
        cycling: info.cycling,
        energyRose: rose,
      });
      if (isLast(info) && info.cycling > 0 && info.state && info.previous) oscillating = await oscillatingUnits(plan, info.state, info.previous, info.cycle2, theta);
      if (info.state) await frame(info.iteration, info.state, gate === 'step' || isLast(info));
      last = info;
    }
  } finally {
    settling.close();
  }

  const tStar = last ? last.tStar.map((t) => (t >= 0 ? t : null)) : watch.current.map(() => null);
  const cycle2 = last ? [...last.cycle2] : watch.current.map(() => false);
  const outcome: SettleOutcome = {
    cancelled,
    iterations: last?.iteration ?? 0,
    tStar,
    cycle2,
    energyRises: watch.rises,
    finalEnergy: [...watch.current],
    layers,
    stability,
    ms: (ended ?? performance.now()) - started,
    details,
  };
  if (cancelled) return outcome;
  ctx.emit({
    type: 'settle.done',
    runId,
    iterations: outcome.iterations,
    tStar,
    cycle2,
    cycle2Units: cycle2.map((c, b) => (c ? (oscillating[b] ?? []) : [])),
    guarantee: plan.guarantee.kind,
    energyRose: watch.rises.length > 0,
    energyRises: watch.rises,
    finalEnergy: outcome.finalEnergy,
    stability,
  });
  return outcome;
}

/** Stability at the fixed points reached: examples that settled (not in a 2-cycle); null for the rest. */
async function settledStability(bound: BoundNet, batch: Batch, state: State, last: IterationInfo, seed: number): Promise<(FixedPointStability | null)[]> {
  const settled = last.tStar.map((t, b) => t >= 0 && !last.cycle2[b]);
  if (!settled.some(Boolean)) return settled.map(() => null);
  const measured = await fixedPointStability(bound, batch.clamps, state, { seed });
  return measured.map((m, b) => (settled[b] ? m : null));
}

/** Sends frames as `record` asks: every `every` iterations, at most `maxFps` a second, forced ones always. */
function framer(record: FrameRecording, ctx: RunContext, bound: BoundNet): (iter: number, state: State, force: boolean) => Promise<void> {
  const minGap = 1000 / record.maxFps;
  let lastFrame = -Infinity;
  return async (iter, state, force) => {
    if (!record.activations && !record.attention) return;
    const now = performance.now();
    if (!force && (iter % record.every !== 0 || now - lastFrame < minGap)) return;
    lastFrame = now;
    const runId = ctx.control.runId;
    if (record.activations) ctx.emit({ type: 'settle.frame', runId, iter, layers: await layerFrames(bound.plan, state, record.examples, record.netInput ? bound : undefined) });
    if (record.attention) (await attentionEvents(bound, state, record.examples, runId, iter)).forEach((ev) => ctx.emit(ev));
  };
}
