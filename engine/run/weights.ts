/**
 * The weights a run starts from: a checkpoint folder it is given, else the graph's own
 * `weights` sidecar (relative to the graph), else fresh from the seed. A folder that is
 * missing or does not fit the plan is a RunInputError naming it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plan } from '../compile/plan.js';
import { ensureInside } from '../format/confine.js';
import { Network } from '../runtime/network.js';
import { CheckpointError, checkParamsFit, disposeCheckpoint, loadCheckpoint, type LoadedCheckpoint } from '../train/checkpoint.js';
import { RunInputError } from './input-error.js';
import type { OpenedRun } from './open.js';

/** A checkpoint folder the caller names, with what its messages call the option (`--weights`, `weights`). */
export interface WeightsChoice {
  readonly dir: string;
  readonly option: string;
}

/** A checkpoint checked against the plan; the caller disposes it (disposeCheckpoint). */
export async function openCheckpoint(plan: Plan, dir: string): Promise<LoadedCheckpoint> {
  let c: LoadedCheckpoint;
  try {
    c = await loadCheckpoint(dir);
  } catch (err) {
    if (err instanceof CheckpointError) throw new RunInputError(err.message);
    throw err;
  }
  const misfit = checkParamsFit(plan, c.params, dir);
  if (misfit) {
    disposeCheckpoint(c);
    const [first, ...rest] = misfit.split('\n');
    throw new RunInputError(first, rest);
  }
  return c;
}

/** The network a run uses, and where its weights came from (one line, e.g. "fresh weights (seed 0)"). */
export async function openNetwork(opened: OpenedRun, weights: WeightsChoice | undefined, seed: number): Promise<{ network: Network; from: string }> {
  const sidecar = opened.graph.weights ? resolve(opened.baseDir, opened.graph.weights) : undefined;
  const dir = weights?.dir ?? sidecar;
  if (!dir) return { network: Network.create(opened.plan, seed, opened.datasets, opened.initFiles), from: freshWeights(opened, seed) };
  const option = weights ? weights.option : `${opened.source}: "weights"`;
  // Confined before anything is looked up there, so even whether a folder exists outside the workspace stays unsaid.
  await ensureInside(resolve(dir), dir).catch((err: unknown) => Promise.reject(new RunInputError(`${option}: ${(err as Error).message}`)));
  if (!existsSync(dir)) throw new RunInputError(`${option}: no folder at ${dir}`);
  const c = await openCheckpoint(opened.plan, dir);
  try {
    return { network: Network.fromValues(opened.plan, c.params, seed, opened.datasets, opened.initFiles), from: `weights from ${dir} (batch ${c.step})` };
  } finally {
    disposeCheckpoint(c);
  }
}

/** "fresh weights (seed 0)", saying which parameters start from files. */
function freshWeights(opened: OpenedRun, seed: number): string {
  const files = opened.plan.params.filter((p) => 'fromFile' in p.init).map((p) => p.name);
  return `fresh weights (seed ${seed}${files.length > 0 ? `; ${files.map((n) => `"${n}"`).join(', ')} from ${files.length === 1 ? 'its file' : 'their files'}` : ''})`;
}
