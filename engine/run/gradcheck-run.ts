/**
 * A gradient-check run: BPTT with a long T, recurrent backprop and central finite
 * differences on sampled entries of every parameter (engine/train/gradcheck.ts), with the
 * gate before each gradient and each finite difference so pause, step and cancel act
 * between them, and progress streamed as it goes. The CLI's `gradcheck` and the app's
 * "Check gradients" both run this.
 */
import { summarizePlan } from '../compile/check.js';
import { buildBatch, disposeBatch } from '../runtime/batch.js';
import { pickExamples } from '../runtime/prepare.js';
import { gradcheck, GRADCHECK_DEFAULTS, type GradcheckProgress, type GradcheckReport } from '../train/gradcheck.js';
import type { RunContext } from './context.js';
import { RunInputError } from './input-error.js';
import type { OpenedRun } from './open.js';
import { openNetwork, type WeightsChoice } from './weights.js';

export interface GradcheckRequest {
  /** Training examples checked together. */
  readonly batch: number;
  /** Sampled entries in all, spread over the parameters in turn. */
  readonly entries: number;
  readonly seed: number;
  readonly weights?: WeightsChoice;
  readonly epsilon?: number;
  readonly theta?: number;
  readonly steps?: number;
  readonly adjointTolerance?: number;
  /** Equilibrium propagation's β, to compare its estimate too (the report's `eqprop`). */
  readonly beta?: number;
}

export interface GradcheckOutcome {
  /** Null when the run was cancelled. */
  readonly report: GradcheckReport | null;
  readonly weights: string;
  /** Finite differences done (the gate's position). */
  readonly at: number;
  readonly ms: number;
}

/** Refuses a graph with nothing to check, in the words `gradcheck` uses. */
export function checkCheckable(opened: OpenedRun): void {
  const { plan, source } = opened;
  if (plan.targets.length === 0) throw new RunInputError(`${source}: nothing to check: the graph has no target node`);
  if (plan.params.every((p) => p.trainable === false)) throw new RunInputError(`${source}: nothing to check: every parameter is fixed (patterns taken from data)`);
}

/** Entries to sample for `perParam` of each trainable parameter (fixed ones have no gradient). */
export function entriesPerParam(opened: OpenedRun, perParam: number): number {
  return perParam * opened.plan.params.filter((p) => p.trainable !== false).length;
}

export async function gradcheckRun(opened: OpenedRun, request: GradcheckRequest, ctx: RunContext): Promise<GradcheckOutcome> {
  checkCheckable(opened);
  const { plan, datasets } = opened;
  const started = performance.now();
  const { network, from } = await openNetwork(opened, request.weights, request.seed);
  let batch;
  try {
    batch = buildBatch(plan, datasets, pickExamples(datasets, request.batch, request.seed, 'train'), request.seed);
  } catch (err) {
    network.dispose();
    throw new RunInputError(`${opened.source}: ${(err as Error).message}`);
  }
  const theta = request.theta ?? GRADCHECK_DEFAULTS.theta;
  const steps = request.steps ?? GRADCHECK_DEFAULTS.longSteps;
  const epsilon = request.epsilon ?? GRADCHECK_DEFAULTS.epsilon;
  const adjointTolerance = request.adjointTolerance ?? GRADCHECK_DEFAULTS.adjointTolerance;
  const runId = ctx.control.runId;
  try {
    ctx.emit({
      type: 'run.started',
      runId,
      kind: 'gradcheck',
      backend: ctx.backend,
      plan: summarizePlan(plan),
      warnings: [...opened.warnings],
      totals: { batch: batch.size, params: network.params.size, entries: request.entries, epsilon, theta, steps, adjointTolerance, weights: from },
    });
    const report = await gradcheck(network, batch, {
      coordinates: request.entries,
      longSteps: steps,
      epsilon,
      theta,
      seed: request.seed,
      adjoint: { tolerance: adjointTolerance },
      ...(request.beta !== undefined ? { beta: request.beta } : {}),
      progress: async (p: GradcheckProgress) => {
        ctx.control.position = p.stage === 'finite-differences' ? p.done : 0;
        ctx.emit({ type: 'gradcheck.progress', runId, ...p });
        return (await ctx.control.gate()) !== 'cancel';
      },
    });
    if (report) {
      const { bpttVsFd, rbpVsFd, bpttVsRbp, perParam, fdResolution, tossed, tossedWhy, tStar, notes, eqprop } = report;
      const tStars = tStar.map((t) => (t >= 0 ? t : null));
      const eq = eqprop ? { eqprop: { beta: eqprop.beta, vsFd: eqprop.vsFd, vsRbp: eqprop.vsRbp, tossed: eqprop.tossed } } : {};
      ctx.emit({ type: 'gradcheck.done', runId, bpttVsFd, rbpVsFd, bpttVsRbp, perParam, fdResolution, tossed, tossedWhy, tStar: tStars, notes, ...eq });
    }
    return { report, weights: from, at: ctx.control.position, ms: performance.now() - started };
  } finally {
    disposeBatch(batch);
    network.dispose();
  }
}
