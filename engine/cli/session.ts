/**
 * What train, eval, settle and gradcheck share: the graph compiled, the backend started,
 * the datasets loaded and checked, and a network with fresh or loaded weights.
 * Every failure of the user's input becomes an InputError naming the file.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeBackend, parseBackendName, startBackend, type BackendInfo } from '../backend/select.js';
import type { SettleOverrides } from '../compile/compile.js';
import type { Plan } from '../compile/plan.js';
import type { Dataset } from '../data/dataset.js';
import { Network } from '../runtime/network.js';
import { DataError, loadPlanDatasets } from '../runtime/prepare.js';
import { CheckpointError, checkParamsFit, disposeCheckpoint, loadCheckpoint, type LoadedCheckpoint } from '../train/checkpoint.js';
import type { GraphDoc } from '../../nodes/graph.js';
import type { Problem } from '../../nodes/problems.js';
import { InputError } from './errors.js';
import { openAndCompile } from './open-graph.js';

export interface Session {
  readonly file: string;
  readonly graph: GraphDoc;
  readonly plan: Plan;
  readonly warnings: readonly Problem[];
  readonly backend: BackendInfo;
  readonly datasets: Map<string, Dataset>;
}

export function backendOption(raw: unknown): ReturnType<typeof parseBackendName> {
  try {
    return parseBackendName(String(raw ?? 'auto'));
  } catch (err) {
    throw new InputError(`--backend: ${(err as Error).message}`);
  }
}

export async function openSession(file: string, overrides: SettleOverrides, backendName: unknown): Promise<Session> {
  const prefer = backendOption(backendName);
  const { graph, plan, warnings } = await openAndCompile(file, overrides);
  let backend: BackendInfo;
  try {
    backend = await startBackend(prefer);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  try {
    const datasets = await loadPlanDatasets(plan, dirname(file));
    return { file, graph, plan, warnings, backend, datasets };
  } catch (err) {
    if (err instanceof DataError) throw new InputError(`${file}: ${err.message}`);
    throw err;
  }
}

export { describeBackend };

/** Loads a checkpoint folder, checked against the plan; InputError when it does not fit. */
export async function openCheckpoint(plan: Plan, dir: string): Promise<LoadedCheckpoint> {
  let c: LoadedCheckpoint;
  try {
    c = await loadCheckpoint(dir);
  } catch (err) {
    if (err instanceof CheckpointError) throw new InputError(err.message);
    throw err;
  }
  const misfit = checkParamsFit(plan, c.params, dir);
  if (misfit) {
    disposeCheckpoint(c);
    const [first, ...rest] = misfit.split('\n');
    throw new InputError(first, rest);
  }
  return c;
}

/**
 * The network a command runs: weights from `--weights DIR`, else from the graph's own
 * `weights` sidecar (relative to the file), else fresh from the seed.
 */
export async function openNetwork(session: Session, weights: string | undefined, seed: number): Promise<{ network: Network; from: string }> {
  const dir = weights ?? (session.graph.weights ? resolve(dirname(session.file), session.graph.weights) : undefined);
  if (!dir) return { network: Network.create(session.plan, seed, session.datasets), from: `fresh weights (seed ${seed})` };
  if (!existsSync(dir)) {
    throw new InputError(`${weights ? '--weights' : `${session.file}: "weights"`}: no folder at ${dir}`);
  }
  const c = await openCheckpoint(session.plan, dir);
  const network = Network.fromValues(session.plan, c.params, seed, session.datasets);
  disposeCheckpoint(c);
  return { network, from: `weights from ${dir} (batch ${c.step})` };
}
