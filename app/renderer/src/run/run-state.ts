/**
 * What the run views draw, folded from the engine's RunEvents. The reducer mutates the
 * series in place (arrays grow by push: a training run streams thousands of points and
 * copying them per event would cost more than drawing them); the store bumps a version
 * number so subscribers know something changed.
 *
 * Everything here is what the engine said: no number is made up on this side.
 */
import type {
  BackendSummary,
  CheckpointInfo,
  ExampleView,
  GalleryItem,
  GradcheckDone,
  GradcheckProgress,
  GradcheckTotals,
  RunEvent,
  SettleAttention,
  SettleDone,
  SettleFrame,
  TStarHistogram,
  WeightView,
} from '../../../../engine/protocol/run.js';
import type { GuaranteeKind, PlanSummary } from '../../../../engine/protocol/check.js';

export type RunStatus = 'starting' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

interface RunBase {
  readonly runId: string;
  status: RunStatus;
  /** Iterations (settle) or batches (train) done, as the engine last said. */
  at: number;
  plan: PlanSummary | null;
  error: string | null;
  /** Every iteration / batch / eval event, for the CSV and JSONL exports. */
  readonly log: RunEvent[];
}

export interface SettleRun extends RunBase {
  readonly kind: 'settle';
  theta: number | null;
  steps: number | null;
  examples: number[];
  /** Examples in each part of the graph's data, as the engine reported in run.started. */
  parts: { train: number; test: number } | null;
  /** Where the weights came from, e.g. "weights from …/x.weights (batch 500)". */
  weightsFrom: string | null;
  /** The layer a drawn input went into (then `examples[0]` only feeds the other clamps). */
  drawnInto: string | null;
  /** Per iteration, example 0 of the batch. */
  readonly iters: number[];
  readonly energy: number[];
  /** NaN at iteration 0 (no change yet). */
  readonly maxChange: number[];
  /** Iterations at which some example's energy rose under a descent guarantee. */
  readonly rises: number[];
  tStar: number | null;
  cycling: number;
  readonly frames: SettleFrame[];
  /** Attention weights per block, in iteration order. */
  readonly attention: Map<string, SettleAttention[]>;
  /** The example being settled, per shown layer: start, clamp mask, target (settle.example). */
  example: ExampleView[] | null;
  done: SettleDone | null;
}

/** The settings a paused training run may change, as the engine last confirmed them. */
export interface LiveSettings {
  readonly lr: number;
  readonly steps: number;
  readonly theta: number;
}

export interface TrainRun extends RunBase {
  readonly kind: 'train';
  totalBatches: number;
  startStep: number;
  checkpointDir: string | null;
  resumedFrom: string | null;
  method: string;
  /** Examples per batch (the unsettled count is of these). */
  batchSize: number;
  /** Learning rate, T and θ in force (run.started, then run.updated). */
  live: LiveSettings | null;
  readonly steps: number[];
  readonly loss: number[];
  /** Same x as `steps`; null where no evaluation happened. */
  readonly heldOut: (number | null)[];
  readonly evalSteps: number[];
  readonly evalLoss: (number | null)[];
  examplesPerSec: number | null;
  tossed: number;
  cycle2: number;
  unsettled: number;
  accuracy: number | null;
  histogram: TStarHistogram | null;
  gallery: { step: number; items: GalleryItem[] } | null;
  weights: { step: number; params: WeightView[] } | null;
  readonly checkpoints: { step: number; dir: string }[];
  cancelledCheckpoint: string | null;
}

export interface GradcheckRun extends RunBase {
  readonly kind: 'gradcheck';
  totals: GradcheckTotals | null;
  progress: GradcheckProgress | null;
  done: GradcheckDone | null;
}

export type Run = SettleRun | TrainRun | GradcheckRun;

export interface RunState {
  version: number;
  backend: BackendSummary | null;
  /** The last run started from this window (one at a time per engine). */
  run: Run | null;
  /** Checkpoints of the graph file, from the last checkpoint.list. */
  checkpoints: CheckpointInfo[] | null;
  /** An engine-level error (not tied to the current run). */
  engineError: string | null;
}

/** Frames kept per settle run (the scrubber's range); older ones are dropped from the front. */
export const MAX_FRAMES = 2000;
const MAX_ATTENTION = 400;

export function initialState(): RunState {
  return { version: 0, backend: null, run: null, checkpoints: null, engineError: null };
}

function base(runId: string) {
  return { runId, status: 'starting' as RunStatus, at: 0, plan: null, error: null, log: [] as RunEvent[] };
}

export function newSettleRun(runId: string): SettleRun {
  return { ...base(runId), kind: 'settle', theta: null, steps: null, examples: [], parts: null, weightsFrom: null, drawnInto: null, iters: [], energy: [], maxChange: [], rises: [], tStar: null, cycling: 0, frames: [], attention: new Map(), example: null, done: null };
}

export function newTrainRun(runId: string, totalBatches: number): TrainRun {
  return {
    ...base(runId),
    kind: 'train',
    totalBatches,
    startStep: 0,
    checkpointDir: null,
    resumedFrom: null,
    method: '',
    batchSize: 0,
    live: null,
    steps: [],
    loss: [],
    heldOut: [],
    evalSteps: [],
    evalLoss: [],
    examplesPerSec: null,
    tossed: 0,
    cycle2: 0,
    unsettled: 0,
    accuracy: null,
    histogram: null,
    gallery: null,
    weights: null,
    checkpoints: [],
    cancelledCheckpoint: null,
  };
}

export function newGradcheckRun(runId: string): GradcheckRun {
  return { ...base(runId), kind: 'gradcheck', totals: null, progress: null, done: null };
}

export function guaranteeOf(run: Run | null): GuaranteeKind | null {
  return run?.plan?.guarantee.kind ?? null;
}

/** Folds one event into the state; returns true when anything visible changed. */
export function reduce(state: RunState, ev: RunEvent): boolean {
  switch (ev.type) {
    case 'engine.ready':
      state.backend = ev.backend;
      state.engineError = null;
      return true;
    case 'engine.info':
      state.backend = ev.backend;
      return true;
    case 'checkpoint.list':
      state.checkpoints = ev.checkpoints;
      return true;
    case 'run.error': {
      const run = state.run;
      if (ev.runId !== undefined && run && ev.runId === run.runId) {
        if (ev.ended) {
          run.status = 'failed';
          run.error = ev.message;
        } else run.error = ev.message;
      } else if (ev.runId === undefined) {
        state.engineError = ev.message;
        if (ev.ended && run && (run.status === 'running' || run.status === 'paused' || run.status === 'starting')) {
          run.status = 'failed';
          run.error = ev.message;
        }
      } else return false;
      return true;
    }
    default:
      break;
  }
  const run = state.run;
  if (!run || !('runId' in ev) || ev.runId !== run.runId) return false;
  switch (ev.type) {
    case 'run.started':
      run.status = 'running';
      run.plan = ev.plan;
      state.backend = ev.backend;
      if (ev.kind === 'settle' && run.kind === 'settle') {
        run.theta = ev.totals.theta;
        run.steps = ev.totals.steps;
        run.examples = ev.totals.examples;
        run.parts = { ...ev.totals.parts };
        run.weightsFrom = ev.totals.weights;
        run.drawnInto = ev.totals.drawnInto ?? null;
      } else if (ev.kind === 'train' && run.kind === 'train') {
        run.totalBatches = ev.totals.batches;
        run.startStep = ev.totals.startStep;
        run.checkpointDir = ev.totals.checkpointDir;
        run.resumedFrom = ev.totals.resumedFrom;
        run.method = ev.totals.method;
        run.at = ev.totals.startStep;
        run.batchSize = ev.totals.batchSize;
        run.live = { lr: ev.totals.lr, steps: ev.totals.steps, theta: ev.totals.theta };
      } else if (ev.kind === 'gradcheck' && run.kind === 'gradcheck') {
        run.totals = ev.totals;
      }
      return true;
    case 'run.paused':
      run.status = 'paused';
      run.at = ev.at;
      return true;
    case 'run.resumed':
      run.status = 'running';
      run.at = ev.at;
      return true;
    case 'run.cancelled':
      run.status = 'cancelled';
      run.at = ev.at;
      if (run.kind === 'train') run.cancelledCheckpoint = ev.checkpoint ?? null;
      return true;
    case 'run.done':
      run.status = 'done';
      return true;
    default:
      return run.kind === 'settle' ? reduceSettle(run, ev) : run.kind === 'train' ? reduceTrain(run, ev) : reduceGradcheck(run, ev);
  }
}

function reduceSettle(run: SettleRun, ev: RunEvent): boolean {
  switch (ev.type) {
    case 'settle.iteration':
      run.log.push(ev);
      run.at = ev.iter;
      run.iters.push(ev.iter);
      run.energy.push(ev.energy[0] ?? NaN);
      run.maxChange.push(ev.maxChange[0] ?? NaN);
      if (ev.energyRose) run.rises.push(ev.iter);
      run.tStar = ev.tStar[0] ?? null;
      run.cycling = ev.cycling;
      return true;
    case 'settle.frame':
      run.frames.push(ev);
      if (run.frames.length > MAX_FRAMES) run.frames.splice(0, run.frames.length - MAX_FRAMES);
      return true;
    case 'settle.attention': {
      const list = run.attention.get(ev.block) ?? [];
      list.push(ev);
      if (list.length > MAX_ATTENTION) list.splice(0, list.length - MAX_ATTENTION);
      run.attention.set(ev.block, list);
      return true;
    }
    case 'settle.example':
      run.example = ev.items;
      return true;
    case 'settle.done':
      run.done = ev;
      run.tStar = ev.tStar[0] ?? null;
      return true;
    default:
      return false;
  }
}

function reduceTrain(run: TrainRun, ev: RunEvent): boolean {
  switch (ev.type) {
    case 'train.batch':
      run.log.push(ev);
      run.at = ev.step;
      run.totalBatches = ev.total;
      run.steps.push(ev.step);
      run.loss.push(ev.loss);
      run.heldOut.push(null);
      run.examplesPerSec = ev.examplesPerSec;
      run.tossed = ev.tossed;
      run.cycle2 = ev.cycle2;
      run.unsettled = ev.unsettled;
      return true;
    case 'train.eval': {
      run.log.push(ev);
      run.evalSteps.push(ev.step);
      run.evalLoss.push(ev.heldOutLoss);
      run.accuracy = ev.accuracy;
      run.histogram = ev.tStarHistogram;
      // The evaluation follows its batch: it belongs at that batch's x.
      const i = run.steps.lastIndexOf(ev.step);
      if (i >= 0) run.heldOut[i] = ev.heldOutLoss;
      return true;
    }
    case 'train.gallery':
      run.gallery = { step: ev.step, items: ev.items };
      return true;
    case 'train.weights':
      run.weights = { step: ev.step, params: ev.params };
      return true;
    case 'train.checkpoint':
      run.checkpoints.push({ step: ev.step, dir: ev.dir });
      return true;
    case 'run.updated':
      run.live = { lr: ev.lr, steps: ev.steps, theta: ev.theta };
      return true;
    default:
      return false;
  }
}

function reduceGradcheck(run: GradcheckRun, ev: RunEvent): boolean {
  switch (ev.type) {
    case 'gradcheck.progress':
      run.progress = ev;
      if (ev.stage === 'finite-differences') run.at = ev.done;
      return true;
    case 'gradcheck.done':
      run.done = ev;
      run.log.push(ev);
      return true;
    default:
      return false;
  }
}
