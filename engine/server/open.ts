/**
 * Opening what a start command names, as the CLI's session does: the graph (the document
 * sent, or the file at graphPath), compiled; its datasets loaded relative to the graph's
 * folder and checked against the layers they feed; a network with fresh or loaded weights.
 * Every failure of the user's input becomes a RunFailure that says what and where.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { GraphDoc } from '../../nodes/graph.js';
import { problemLine, type Problem } from '../../nodes/problems.js';
import { compileGraph, type SettleOverrides } from '../compile/compile.js';
import type { Plan } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import { loadGraphFile, loadGraphJson } from '../format/load.js';
import { Network } from '../runtime/network.js';
import { DataError, loadPlanDatasets } from '../runtime/prepare.js';
import { CheckpointError, checkParamsFit, disposeCheckpoint, loadCheckpoint, type LoadedCheckpoint } from '../train/checkpoint.js';

/** A run that cannot go on because of its input; `problems` point into the graph where they can. */
export class RunFailure extends Error {
  constructor(
    message: string,
    readonly problems?: Problem[],
  ) {
    super(message);
    this.name = 'RunFailure';
  }
}

export interface Opened {
  readonly graph: GraphDoc;
  readonly plan: Plan;
  readonly warnings: Problem[];
  /** Absolute, or null for an unsaved graph. */
  readonly graphPath: string | null;
  /** What messages call the graph: its path, or "the graph". */
  readonly source: string;
  /** Dataset and weights paths resolve against this: the graph's folder, else the host's baseDir. */
  readonly baseDir: string;
  readonly datasets: Map<string, Dataset>;
}

export function resolvePath(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(baseDir, p);
}

export async function openRun(cmd: { graph?: unknown; graphPath: string | null }, overrides: SettleOverrides, hostDir: string): Promise<Opened> {
  const graphPath = cmd.graphPath === null ? null : resolvePath(hostDir, cmd.graphPath);
  const source = graphPath ?? 'the graph';
  const loaded = cmd.graph !== undefined && cmd.graph !== null ? loadGraphJson(cmd.graph, source) : await loadGraphFile(graphPath!);
  if (!loaded.ok) throw failure(source, loaded.problems);
  const { plan, problems } = compileGraph(loaded.graph, overrides);
  if (!plan) throw failure(source, problems.filter((p) => p.severity === 'error'));
  const baseDir = graphPath ? dirname(graphPath) : hostDir;
  let datasets: Map<string, Dataset>;
  try {
    datasets = await loadPlanDatasets(plan, baseDir);
  } catch (err) {
    // DataError names the dataset node and the layer it feeds.
    if (err instanceof DataError) throw new RunFailure(`${source}: ${err.message}`);
    throw err;
  }
  return { graph: loaded.graph, plan, warnings: problems.filter((p) => p.severity === 'warning'), graphPath, source, baseDir, datasets };
}

function failure(source: string, problems: readonly Problem[]): RunFailure {
  const lines = problems.map((p) => (p.path.length === 0 ? p.message : problemLine(p)));
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : '';
  return new RunFailure(`${source}: ${lines[0] ?? 'the graph does not compile'}${more}`, [...problems]);
}

/** A checkpoint checked against the plan; a RunFailure naming the folder when it does not fit. */
export async function openCheckpoint(plan: Plan, dir: string): Promise<LoadedCheckpoint> {
  let c: LoadedCheckpoint;
  try {
    c = await loadCheckpoint(dir);
  } catch (err) {
    if (err instanceof CheckpointError) throw new RunFailure(err.message);
    throw err;
  }
  const misfit = checkParamsFit(plan, c.params, dir);
  if (misfit) {
    disposeCheckpoint(c);
    throw new RunFailure(misfit.replace(/\n\s*/g, ' '));
  }
  return c;
}

/** Weights from `weights`, else the graph's own sidecar, else fresh from the seed (as `attractor settle`). */
export async function openNetwork(o: Opened, weights: string | null | undefined, seed: number): Promise<{ network: Network; from: string }> {
  const dir = weights ? resolvePath(o.baseDir, weights) : o.graph.weights ? resolve(o.baseDir, o.graph.weights) : undefined;
  if (!dir) return { network: Network.create(o.plan, seed, o.datasets), from: `fresh weights (seed ${seed})` };
  if (!existsSync(dir)) throw new RunFailure(`${weights ? 'weights' : `${o.source}: "weights"`}: no folder at ${dir}`);
  const c = await openCheckpoint(o.plan, dir);
  try {
    return { network: Network.fromValues(o.plan, c.params, seed, o.datasets), from: `weights from ${dir} (batch ${c.step})` };
  } finally {
    disposeCheckpoint(c);
  }
}
