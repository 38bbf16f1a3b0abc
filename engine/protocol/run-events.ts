/**
 * The run protocol's events, engine → client: what a dashboard draws. Plain data; bulk
 * numbers as Float32Array. Conventions are in ./run.ts, which re-exports all of these.
 */
import type { Problem } from '../../nodes/problems.js';
import type { GuaranteeKind, PlanSummary } from './check.js';
import type { CapacityCellEvent, CapacityProgress, CapacitySummary, CapacityTotals } from './capacity.js';
import type { GradcheckDone, GradcheckProgress, GradcheckSummary, GradcheckTotals } from './gradcheck-events.js';

export * from './gradcheck-events.js';

export interface BackendSummary {
  readonly name: string;
  /** e.g. "wasm (SIMD, 1 thread)". */
  readonly detail: string;
  /** The CLI's line, e.g. "backend: wasm (SIMD, 1 thread; skipped tensorflow: GPU unavailable: ...)". */
  readonly description: string;
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

export interface SettleTotals {
  /** Dataset indices of the batch, in batch order (empty without data). */
  readonly examples: number[];
  readonly steps: number;
  readonly theta: number;
  readonly seed: number;
  /** Where the weights came from, e.g. "weights from examples/x.weights (batch 500)". */
  readonly weights: string;
  /** Examples in each part of the data (0 without data): the valid `index` range of an ExampleRef. */
  readonly parts: { readonly train: number; readonly test: number };
  /** The layer a drawn input (settle.start `input`) went into, when there was one. */
  readonly drawnInto?: string;
}

export interface TrainTotals {
  readonly method: string;
  /** Batches the run ends at, and the one it starts after (0, or the resumed checkpoint's step). */
  readonly batches: number;
  readonly startStep: number;
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  readonly trainExamples: number;
  readonly heldOutExamples: number;
  readonly checkpointDir: string;
  readonly resumedFrom: string | null;
  readonly workers: number;
  /** The settings a paused run may change (run.update): learning rate, T and θ as they start. */
  readonly lr: number;
  readonly steps: number;
  readonly theta: number;
}

/** What a run does: settle examples, train the weights, or check the gradients. */
export type RunKind = 'settle' | 'train' | 'gradcheck' | 'capacity';

interface RunStartedBase {
  readonly type: 'run.started';
  readonly runId: string;
  readonly backend: BackendSummary;
  readonly plan: PlanSummary;
  readonly warnings: readonly Problem[];
}
export type RunStarted = RunStartedBase &
  ({ readonly kind: 'settle'; readonly totals: SettleTotals } | { readonly kind: 'train'; readonly totals: TrainTotals } | { readonly kind: 'gradcheck'; readonly totals: GradcheckTotals } | { readonly kind: 'capacity'; readonly totals: CapacityTotals });

export interface SettleIteration {
  readonly type: 'settle.iteration';
  readonly runId: string;
  /** 0 = the initial state. */
  readonly iter: number;
  /** Per example. */
  readonly energy: number[];
  /** Per example ‖x_i − x_{i−1}‖_∞ (empty at iteration 0); compare with the θ of run.started. */
  readonly maxChange: number[];
  /** Per example: t* once converged, else null. */
  readonly tStar: (number | null)[];
  readonly converged: number;
  readonly cycling: number;
  /** Some example's energy rose at this iteration while the plan guarantees descent: an alarm. */
  readonly energyRose: boolean;
}

export interface LayerFrame {
  readonly layerId: string;
  readonly dims: number[];
  /** Examples in `data`, one after another. */
  readonly examples: number;
  readonly data: Float32Array;
  /**
   * The net input z = Σ W·x + b each unit sees in this state (same layout as `data`), when
   * the settle was asked to record it; absent for a layer no phase updates (fully clamped).
   */
  readonly netInput?: Float32Array;
}

export interface SettleFrame {
  readonly type: 'settle.frame';
  readonly runId: string;
  readonly iter: number;
  readonly layers: LayerFrame[];
}

/** Sent once after run.started: the first example's start, clamp mask and target per scored (else visible) layer, to show beside the layers as they settle. */
export interface SettleExample {
  readonly type: 'settle.example';
  readonly runId: string;
  readonly items: ExampleView[];
}

export interface SettleAttention {
  readonly type: 'settle.attention';
  readonly runId: string;
  readonly iter: number;
  readonly block: string;
  readonly kind: 'self-attention' | 'cross-attention' | 'hopfield-memory';
  readonly examples: number;
  readonly heads: number;
  /** Query tokens (rows). */
  readonly tokens: number;
  /** Keys per row: tokens attended to, or stored patterns for a memory. */
  readonly keys: number;
  /** [examples, heads, tokens, keys]; each row sums to 1 (zeros outside the mask). */
  readonly weights: Float32Array;
  /** The query tokens are the patches of an image, rows × cols of them (row-major); absent: a 1-D sequence. */
  readonly grid?: { readonly rows: number; readonly cols: number };
}

export interface EnergyRise {
  readonly example: number;
  readonly iter: number;
  readonly from: number;
  readonly to: number;
}

export interface OscillatingUnits {
  readonly layerId: string;
  /** Flat unit indices within one example (engine layout). */
  readonly units: number[];
  /** More units oscillate than the list carries. */
  readonly truncated: boolean;
}

/** The dominant eigenvalue of the settle step's Jacobian: one real number of this sign, or a complex or ± pair. */
export type DominantEigenvalue = 'positive' | 'negative' | 'pair' | 'none';

/** Fixed-point stability of one example (engine/analysis/stability.ts says what it predicts). */
export interface FixedPointStability {
  /** Spectral radius of one settle iteration's Jacobian at x*: < 1 attracts, and recurrent backprop's series converges. */
  readonly rho: number;
  readonly dominant: DominantEigenvalue;
  /** The power iteration met its tolerance (else rho is its latest estimate). */
  readonly converged: boolean;
  readonly steps: number;
}

export interface SettleDone {
  readonly type: 'settle.done';
  readonly runId: string;
  readonly iterations: number;
  readonly tStar: (number | null)[];
  readonly cycle2: boolean[];
  /** Per example: for one in a 2-cycle, the units that still change, per layer; else []. */
  readonly cycle2Units: OscillatingUnits[][];
  readonly guarantee: GuaranteeKind;
  /** Any rise of any example's energy under a descent guarantee (relative to float32 noise); where in energyRises. */
  readonly energyRose: boolean;
  readonly energyRises: EnergyRise[];
  readonly finalEnergy: number[];
  /** Per example at its fixed point; null for one that did not settle, or when not measured. */
  readonly stability: (FixedPointStability | null)[];
}

export interface TrainBatch {
  readonly type: 'train.batch';
  readonly runId: string;
  /** Batches done, 1-based. */
  readonly step: number;
  readonly total: number;
  readonly epoch: number;
  readonly loss: number;
  readonly meanTStar: number | null;
  readonly unsettled: number;
  readonly tossed: number;
  readonly cycle2: number;
  readonly ms: number;
  readonly examplesPerSec: number;
}

export interface TStarHistogram {
  /** Bin edges, counts.length + 1 of them; bin k holds edges[k] ≤ t* < edges[k+1]. */
  readonly bins: number[];
  readonly counts: number[];
  /** Examples that did not settle (no t*). */
  readonly unsettled: number;
}

export interface TrainEval {
  readonly type: 'train.eval';
  readonly runId: string;
  readonly step: number;
  readonly examples: number;
  readonly heldOutLoss: number | null;
  readonly accuracy: number | null;
  readonly meanTStar: number | null;
  readonly tStarHistogram: TStarHistogram;
  readonly cycle2: number;
  readonly ms: number;
}

/** One example as a settle sees it, for one scored or visible layer: where it starts, what is held, what it should become. */
export interface ExampleView {
  /** Dataset index of the example. */
  readonly example: number;
  /** Its class, when the data has labels. */
  readonly label: number | null;
  readonly layerId: string;
  readonly dims: number[];
  /** The layer's value range, e.g. [-1, 1] for tanh, for drawing. */
  readonly range: [number, number];
  /** The start state the settle began from. */
  readonly input: Float32Array;
  /** 1 where a clamp held the unit at data. */
  readonly clamped: Float32Array;
  readonly target: Float32Array | null;
}

/** A held-out example settled with the current weights. */
export interface GalleryItem extends ExampleView {
  readonly result: Float32Array;
}

export interface TrainGallery {
  readonly type: 'train.gallery';
  readonly runId: string;
  readonly step: number;
  readonly items: GalleryItem[];
}

export interface WeightView {
  /** Plan parameter name. */
  readonly name: string;
  /** The node that owns it, and what it is: a coupling kind, or 'bias'. */
  readonly owner: string;
  readonly kind: string;
  /** Shape of the parameter (conv kernels in tfjs layout [k, k, in, out]). */
  readonly shape: number[];
  /** The values sent, shaped `dataShape`: the weights the net uses (symmetrised), or a block-mean view of them. */
  readonly data: Float32Array;
  readonly dataShape: number[];
  /** Set when `data` is downsampled: each value is the mean of a block this big. */
  readonly downsampled: { readonly block: number[] } | null;
  /** Within-layer couplings: max |W − Wᵀ| (dense) or |W − flipSwap(W)| (conv); 0 by construction. */
  readonly symmetricError?: number;
}

export interface TrainWeights {
  readonly type: 'train.weights';
  readonly runId: string;
  readonly step: number;
  readonly params: WeightView[];
}

export interface TrainCheckpoint {
  readonly type: 'train.checkpoint';
  readonly runId: string;
  readonly step: number;
  readonly dir: string;
}

export interface RunPaused {
  readonly type: 'run.paused';
  readonly runId: string;
  /** Iterations (settle) or batches (train) done. */
  readonly at: number;
}

export interface RunResumed {
  readonly type: 'run.resumed';
  readonly runId: string;
  readonly at: number;
}

/** A run.update was taken: these settings hold from the next batch on. */
export interface RunUpdated {
  readonly type: 'run.updated';
  readonly runId: string;
  /** Batches done when it was taken. */
  readonly at: number;
  readonly lr: number;
  readonly steps: number;
  readonly theta: number;
}

export interface RunCancelled {
  readonly type: 'run.cancelled';
  readonly runId: string;
  readonly at: number;
  /** Training: the checkpoint written on the way out (train.start with resumeFrom continues it). */
  readonly checkpoint?: string;
}

export interface RunError {
  readonly type: 'run.error';
  readonly runId?: string;
  /** The command that was refused, when it was a command. */
  readonly command?: string;
  /** True when run `runId` is over (it failed, or was refused before starting); false when only the command was refused. */
  readonly ended: boolean;
  readonly message: string;
  readonly problems?: Problem[];
}

export interface SettleSummary {
  readonly kind: 'settle';
  readonly iterations: number;
  readonly converged: number;
  readonly cycling: number;
  readonly ms: number;
}

export interface TrainSummary {
  readonly kind: 'train';
  readonly steps: number;
  readonly lastLoss: number | null;
  readonly tossed: number;
  readonly cycle2: number;
  readonly unsettled: number;
  readonly checkpoint: string | null;
  readonly heldOutLoss: number | null;
  readonly ms: number;
}

export interface RunDone {
  readonly type: 'run.done';
  readonly runId: string;
  readonly summary: SettleSummary | TrainSummary | GradcheckSummary | CapacitySummary;
}

export interface CheckpointInfo {
  readonly dir: string;
  readonly step: number;
  readonly epoch: number;
  readonly method: string;
  readonly created: string;
  readonly loss: number | null;
  /** The graph's default sidecar folder (NAME.weights). */
  readonly isDefault: boolean;
}

export interface CheckpointList {
  readonly type: 'checkpoint.list';
  readonly requestId?: string;
  readonly graphPath: string;
  readonly checkpoints: CheckpointInfo[];
}

export interface EngineInfo {
  readonly type: 'engine.info';
  readonly requestId?: string;
  readonly backend: BackendSummary;
  readonly tensors: number;
  readonly run: { readonly runId: string; readonly kind: RunKind; readonly paused: boolean } | null;
  /** Web mode: another client's run is in progress (`run` is null for this client): the engine is busy. */
  readonly busy?: { readonly kind: RunKind; readonly paused: boolean };
}

/** Sent once by a worker host when its backend is up (or with run.error when none could start). */
export interface EngineReady {
  readonly type: 'engine.ready';
  readonly backend: BackendSummary;
}

export type RunEvent =
  | RunStarted
  | SettleIteration
  | SettleFrame
  | SettleAttention
  | SettleExample
  | SettleDone
  | TrainBatch
  | TrainEval
  | TrainGallery
  | TrainWeights
  | TrainCheckpoint
  | GradcheckProgress
  | GradcheckDone
  | RunPaused
  | RunResumed
  | RunUpdated
  | RunCancelled
  | RunError
  | RunDone
  | CapacityProgress
  | CapacityCellEvent
  | CheckpointList
  | EngineInfo
  | EngineReady;

export type RunEventType = RunEvent['type'];
export type EventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;
