/**
 * Run records: what every train, eval and settle run leaves in its run folder beside the
 * graph (`NAME.runs/<id>/`), and what the Runs panel and `attractor runs` read back:
 *
 *   run.json          RunRecord: written when the run starts (graph, settings, backend, seed, origin)
 *   graph.attractor.json  the graph as it ran (with any overrides applied)
 *   metrics.jsonl     one MetricLine per batch, evaluation, checkpoint or iteration, as they happen
 *   summary.json      RunSummary: written once, when the run ends (however it ends)
 *   checkpoint/       a train run's last checkpoint (its weights: Settle opens them)
 *
 * Plain data only: the renderer imports these types.
 */

export const RUN_FORMAT = 'attractor-run';
export const RUN_VERSION = 1;
export const RUN_FILE = 'run.json';
export const SUMMARY_FILE = 'summary.json';
export const METRICS_FILE = 'metrics.jsonl';
export const SNAPSHOT_FILE = 'graph.attractor.json';
export const RUN_CHECKPOINT_DIR = 'checkpoint';

export type RunKind = 'train' | 'settle' | 'eval';
/** Who started it: the CLI, the app's run panel, or a sweep's task. */
export type RunOrigin = 'cli' | 'app' | 'sweep';

/** How a run ended; `running` while it has no summary and its process lives; `interrupted` when it has none and its process is gone. */
export type RunStatus = 'running' | 'done' | 'cancelled' | 'stopped' | 'failed' | 'interrupted';
export type EndStatus = Exclude<RunStatus, 'running' | 'interrupted'>;

export interface RunRecord {
  readonly format: typeof RUN_FORMAT;
  readonly version: typeof RUN_VERSION;
  readonly id: string;
  readonly kind: RunKind;
  readonly origin: RunOrigin;
  /** The graph file (absolute) and its name. */
  readonly graph: { readonly file: string; readonly name: string };
  /** ISO 8601. */
  readonly started: string;
  readonly host: string;
  readonly pid: number;
  readonly backend: { readonly name: string; readonly detail: string };
  readonly seed: number;
  /** The run's settings: the graph's settle and training sections as the run used them, and run options. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Graph parameters this run overrode (`--set PATH=v`, a sweep's configuration), by path. */
  readonly set: Readonly<Record<string, unknown>>;
  /** The command line, for a CLI run. */
  readonly command?: readonly string[];
  readonly sweep?: { readonly id: string; readonly index: number };
  /** A train run that continued a checkpoint another run wrote: that run and the batch it had reached. */
  readonly parent?: { readonly run: string; readonly step: number };
  /** Train runs: where the run wrote its checkpoints. */
  readonly checkpointDir?: string;
  /** Set inside a Slurm job. */
  readonly slurm?: { readonly jobId: string; readonly taskId: string | null };
}

export interface TrainResult {
  readonly steps: number;
  readonly startStep: number;
  readonly lastLoss: number | null;
  readonly heldOutLoss: number | null;
  readonly accuracy: number | null;
  readonly meanTStar: number | null;
  readonly tossed: number;
  readonly cycle2: number;
  readonly unsettled: number;
  /** The run folder's copy of the last checkpoint, when there is one. */
  readonly checkpoint: string | null;
}

export interface SettleResult {
  readonly iterations: number;
  readonly examples: number;
  readonly converged: number;
  readonly cycling: number;
  readonly meanFinalEnergy: number | null;
  readonly energyRises: number;
}

export interface EvalResult {
  readonly examples: number;
  readonly loss: number | null;
  readonly accuracy: number | null;
  readonly meanTStar: number | null;
  readonly unsettled: number;
  readonly cycle2: number;
  readonly weights: string;
}

export interface RunSummary {
  readonly status: EndStatus;
  readonly finished: string;
  readonly ms: number;
  /** Why it stopped or failed. */
  readonly message?: string;
  readonly train?: TrainResult;
  readonly settle?: SettleResult;
  readonly eval?: EvalResult;
}

/** One line of metrics.jsonl: a run event without its run id, with ms since the run started. */
export type MetricLine =
  | { readonly type: 'train.batch'; readonly t: number; readonly step: number; readonly epoch: number; readonly loss: number; readonly meanTStar: number | null; readonly unsettled: number; readonly tossed: number; readonly cycle2: number; readonly ms: number }
  | { readonly type: 'train.eval'; readonly t: number; readonly step: number; readonly heldOutLoss: number | null; readonly accuracy: number | null; readonly meanTStar: number | null; readonly cycle2: number; readonly examples: number }
  | { readonly type: 'train.checkpoint'; readonly t: number; readonly step: number; readonly dir: string }
  | { readonly type: 'settle.iteration'; readonly t: number; readonly iter: number; readonly energy: readonly number[]; readonly maxChange: readonly number[]; readonly converged: number; readonly cycling: number }
  | { readonly type: 'run.paused' | 'run.resumed'; readonly t: number; readonly at: number };

/** A run as listings show it: its record, its summary when it has ended, and its status. */
export interface RunInfo {
  readonly dir: string;
  readonly record: RunRecord;
  readonly summary: RunSummary | null;
  readonly status: RunStatus;
}

/** The curves of one run, its parents' history included (a resumed run shows the batches before it too). */
export interface RunCurves {
  readonly id: string;
  /** train.batch: batch number and loss. */
  readonly steps: number[];
  readonly loss: number[];
  readonly meanTStar: (number | null)[];
  /** train.eval: batch number, held-out loss and mean t*. */
  readonly evalSteps: number[];
  readonly heldOutLoss: (number | null)[];
  readonly evalTStar: (number | null)[];
  /** settle.iteration: iteration and mean energy over the batch. */
  readonly iters: number[];
  readonly energy: number[];
  /** Runs whose lines these are, oldest first (the run itself last). */
  readonly chain: string[];
}

/** Settings of several runs side by side, flattened to paths; `differs` lists the paths whose values are not all equal. */
export interface SettingsTable {
  readonly runs: string[];
  readonly rows: { readonly path: string; readonly values: unknown[]; readonly differs: boolean }[];
}
