/**
 * Settle and train runs for the run protocol: a start command becomes a request to the
 * run driver (engine/run/), whose events go straight to the client; the driver's outcome
 * becomes the events that close the run, sent once every tensor is freed. Paths in a
 * command resolve against the server's folder, then the graph's.
 */
import type { GradcheckStart, RunEvent, SettleStart, TrainStart } from '../protocol/run.js';
import { sidecarDirFor } from '../train/checkpoint.js';
import { EQPROP_CHECK_BETA } from '../train/eqprop-check.js';
import type { RunContext } from '../run/context.js';
import { openRun, resolvePath, type GraphSource } from '../run/open.js';
import { settleRun } from '../run/settle-run.js';
import { entriesPerParam, gradcheckRun } from '../run/gradcheck-run.js';
import { trainRun, type TrainOutcome } from '../run/train-run.js';
import type { OptionWords } from '../run/train-setup.js';
import { appRecord } from '../experiments/records.js';

export const TRAIN_DEFAULTS = { evalEvery: 50, evalLimit: 200, galleryEvery: 25, galleryCount: 4, weightsEvery: 25 } as const;
const DEFAULT_FPS = 30;
/** Held-out examples settled together between two looks at the gate. */
const EVAL_CHUNK = 50;

/**
 * What a train.start may set, in the words of the app's Train view, this server's main
 * client (its controls send batches, resumeFrom and overwrite).
 */
const WORDS: OptionWords = {
  batch: 'lower the batch size in the graph\'s training settings',
  moreBatches: 'raise "batches" to train further',
  occupied: 'press "⟲ From checkpoint" to continue it, or tick "replace" and train to start over',
};

function graphSource(cmd: SettleStart | TrainStart | GradcheckStart, hostDir: string): GraphSource {
  return { document: cmd.graph, path: cmd.graphPath === null ? null : resolvePath(hostDir, cmd.graphPath), fallbackDir: hostDir };
}

export async function runSettle(cmd: SettleStart, ctx: RunContext, hostDir: string): Promise<RunEvent[]> {
  const opened = await openRun(graphSource(cmd, hostDir), cmd.overrides ?? {}, ctx.control.signal);
  const { record } = cmd;
  const o = await settleRun(
    opened,
    {
      examples: cmd.examples,
      input: cmd.input,
      start: cmd.start,
      weights: cmd.weights ? { dir: resolvePath(opened.baseDir, cmd.weights), option: 'weights' } : undefined,
      record: { activations: record.activations, attention: record.attention, every: record.every ?? 1, examples: record.examples ?? 1, maxFps: record.maxFps ?? DEFAULT_FPS, netInput: record.netInput ?? false },
      runRecord: appRecord(opened.graphPath),
    },
    ctx,
  );
  const runId = cmd.runId;
  if (o.cancelled) return [{ type: 'run.cancelled', runId, at: o.iterations }];
  const converged = o.tStar.filter((t) => t !== null).length;
  return [{ type: 'run.done', runId, summary: { kind: 'settle', iterations: o.iterations, converged, cycling: o.cycle2.filter(Boolean).length, ms: o.ms } }];
}

/** What a gradcheck.start leaves out: a quick check the app can afford on every click. */
export const GRADCHECK_REQUEST_DEFAULTS = { batch: 2, perParam: 4, seed: 0, beta: EQPROP_CHECK_BETA } as const;

export async function runGradcheck(cmd: GradcheckStart, ctx: RunContext, hostDir: string): Promise<RunEvent[]> {
  const opened = await openRun(graphSource(cmd, hostDir));
  const perParam = cmd.perParam ?? GRADCHECK_REQUEST_DEFAULTS.perParam;
  const o = await gradcheckRun(
    opened,
    {
      batch: cmd.batch ?? GRADCHECK_REQUEST_DEFAULTS.batch,
      entries: entriesPerParam(opened, perParam),
      seed: cmd.seed ?? GRADCHECK_REQUEST_DEFAULTS.seed,
      weights: cmd.weights ? { dir: resolvePath(opened.baseDir, cmd.weights), option: 'weights' } : undefined,
      epsilon: cmd.epsilon,
      theta: cmd.theta,
      steps: cmd.steps,
      adjointTolerance: cmd.adjointTolerance,
      beta: cmd.beta ?? GRADCHECK_REQUEST_DEFAULTS.beta,
    },
    ctx,
  );
  const runId = cmd.runId;
  if (!o.report) return [{ type: 'run.cancelled', runId, at: o.at }];
  const r = o.report;
  const worstRelError = Math.max(r.bpttVsFd.maxRelError, r.rbpVsFd.maxRelError, r.bpttVsRbp.maxRelError);
  return [{ type: 'run.done', runId, summary: { kind: 'gradcheck', entries: r.coordinates.length, worstRelError, ms: o.ms } }];
}

export async function runTrain(cmd: TrainStart, ctx: RunContext, hostDir: string): Promise<RunEvent[]> {
  const opened = await openRun(graphSource(cmd, hostDir), {}, ctx.control.signal);
  const resumeFrom = cmd.resumeFrom ? resolvePath(opened.baseDir, cmd.resumeFrom) : null;
  const checkpointDir = cmd.checkpointDir ? resolvePath(opened.baseDir, cmd.checkpointDir) : (resumeFrom ?? sidecarDirFor(opened.graphPath!));
  const o = await trainRun(
    opened,
    {
      overrides: { method: cmd.method, batch: cmd.batch, steps: cmd.steps, seed: cmd.seed, batches: cmd.batches, lr: cmd.lr },
      checkpointDir,
      resumeFrom,
      overwrite: cmd.overwrite ?? false,
      workers: cmd.workers ?? 0,
      words: WORDS,
      evaluation: { every: cmd.evalEvery ?? TRAIN_DEFAULTS.evalEvery, limit: cmd.evalLimit ?? TRAIN_DEFAULTS.evalLimit, chunk: EVAL_CHUNK },
      gallery: { every: cmd.galleryEvery ?? TRAIN_DEFAULTS.galleryEvery, count: cmd.galleryCount ?? TRAIN_DEFAULTS.galleryCount },
      weights: { every: cmd.weightsEvery ?? TRAIN_DEFAULTS.weightsEvery },
      runRecord: appRecord(opened.graphPath),
    },
    ctx,
  );
  return [closing(cmd, o)];
}

function closing(cmd: TrainStart, o: TrainOutcome): RunEvent {
  const runId = cmd.runId;
  switch (o.status) {
    case 'cancelled':
      return { type: 'run.cancelled', runId, at: o.at, checkpoint: o.checkpoint };
    case 'stopped': {
      const kept = o.checkpointWritten ? `the last good checkpoint is in ${o.checkpoint}` : 'no checkpoint was written yet';
      return { type: 'run.error', runId, command: cmd.type, ended: true, message: `training stopped: ${o.reason}; ${kept}` };
    }
    case 'done':
      return {
        type: 'run.done',
        runId,
        summary: { kind: 'train', steps: o.steps, lastLoss: o.lastLoss, ...o.totals, checkpoint: o.checkpoint, heldOutLoss: o.heldOut.loss, ms: o.ms },
      };
  }
}
