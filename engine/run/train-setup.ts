/**
 * Everything a training run settles before its first batch: the training config (the
 * graph's, with the run's overrides), the checks that say there is something to train,
 * the checkpoint folder that must not be silently overwritten, and how many gradient
 * workers to start. Failures are RunInputErrors in the words of the caller's options.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { TrainingConfig, TrainingMethod } from '../../nodes/config.js';
import type { BackendName } from '../backend/select.js';
import type { Plan } from '../compile/plan.js';
import { MANIFEST_FILE, type LoadedCheckpoint } from '../train/checkpoint.js';
import { cgRefusal } from '../train/symmetric-adjoint.js';
import { eqpropRefusal } from '../train/eqprop-nudge.js';
import { RunInputError } from './input-error.js';

/** What a run may change of the graph's training section. */
export interface TrainOverrides {
  readonly method?: TrainingMethod;
  readonly batch?: number;
  readonly steps?: number;
  readonly seed?: number;
  /** At most one of epochs and batches; the one given replaces the graph's choice. */
  readonly epochs?: number;
  readonly batches?: number;
  readonly lr?: number;
  /** Equilibrium propagation's β (training.eqprop.beta). */
  readonly beta?: number;
}

/** How the caller's messages name its options: the CLI's flags, the protocol's fields. */
export interface OptionWords {
  /** How to take smaller batches, e.g. "use --batch". */
  readonly batch: string;
  /** How to train further than a checkpoint, e.g. "raise --batches or --epochs". */
  readonly moreBatches: string;
  /** What to do about a folder that already holds a checkpoint. */
  readonly occupied: string;
}

export function trainingConfig(base: TrainingConfig, o: TrainOverrides): TrainingConfig {
  return {
    ...base,
    method: o.method ?? base.method,
    batch: o.batch ?? base.batch,
    steps: o.steps ?? base.steps,
    seed: o.seed ?? base.seed,
    epochs: o.epochs ?? (o.batches !== undefined ? undefined : base.epochs),
    batches: o.batches ?? (o.epochs !== undefined ? undefined : base.batches),
    optimizer: o.lr !== undefined ? { ...base.optimizer, lr: o.lr } : base.optimizer,
    eqprop: o.beta !== undefined ? { ...base.eqprop, beta: o.beta } : base.eqprop,
  };
}

/** Refuses a run with nothing to train, or too little data for one batch. */
export function checkTrainable(plan: Plan, config: TrainingConfig, trainExamples: number, source: string, words: OptionWords): void {
  if (config.method === 'hebbian') return;
  if (plan.targets.length === 0) throw new RunInputError(`${source}: nothing to train: the graph has no target node`);
  if (plan.params.every((p) => p.trainable === false)) throw new RunInputError(`${source}: nothing to train: every parameter is fixed (patterns taken from data)`);
  const refusal = config.method === 'recurrent-backprop' && config.adjoint.solver === 'cg' ? cgRefusal(plan) : undefined;
  if (refusal) throw new RunInputError(`${source}: training.adjoint.solver "cg" does not apply: ${refusal}; use "auto" (cg where it applies) or "neumann"`);
  const eqprop = config.method === 'equilibrium-propagation' ? eqpropRefusal(plan, config.eqprop.beta) : undefined;
  if (eqprop) throw new RunInputError(`${source}: training.method "equilibrium-propagation" does not apply: ${eqprop}`);
  if (trainExamples < config.batch) {
    throw new RunInputError(`${source}: the training data has ${trainExamples} examples, fewer than a batch of ${config.batch} (${words.batch})`);
  }
}

/** A fresh run must not write over a checkpoint it was not told to continue or replace. */
export function checkFolderFree(dir: string, resuming: boolean, overwrite: boolean, words: OptionWords): void {
  if (!resuming && !overwrite && existsSync(join(dir, MANIFEST_FILE))) throw new RunInputError(`${dir} already holds a checkpoint: ${words.occupied}`);
}

/**
 * Gradient workers besides this thread. auto: one per extra core on the wasm and cpu
 * backends when the batch gives each core at least 8 examples; none on tensorflow (the GPU
 * parallelises inside), and none for hebbian storage.
 */
export function workerCount(asked: number | 'auto', backend: BackendName, config: TrainingConfig): number {
  if (asked !== 'auto') return asked;
  if (backend === 'tensorflow' || config.method === 'hebbian') return 0;
  return Math.max(0, Math.min(availableParallelism() - 1, Math.floor(config.batch / 8) - 1));
}

/** The optimiser slots each kind keeps per parameter (train/optimizers.ts). */
const SLOTS: Record<TrainingConfig['optimizer']['kind'], readonly string[]> = { adam: ['m', 'v'], sgd: ['momentum'] };

/**
 * Why the optimiser state of checkpoint `c` cannot continue a run with `config`, or
 * undefined when it can: a gradient run resumed without its state, or with another
 * optimiser's, would restart the optimiser from scratch without a word.
 */
export function optimizerMisfit(plan: Plan, c: LoadedCheckpoint, config: TrainingConfig): string | undefined {
  if (config.method === 'hebbian' || c.step === 0) return undefined;
  const manifest = join(c.dir, MANIFEST_FILE);
  const kind = config.optimizer.kind;
  if (!c.optimizer) return `${manifest} has no optimiser state (it was saved without one): resuming would restart ${kind} from scratch; train into a new folder to start over from fresh weights`;
  if (c.optimizer.config.kind !== kind) return `${manifest} holds ${c.optimizer.config.kind} state, but this run uses ${kind}: resume with the optimiser it was trained with (training.optimizer)`;
  const shapes = new Map(plan.params.filter((p) => p.trainable !== false).map((p) => [p.name, p.shape.join('×')]));
  const slots = new Map<string, Set<string>>();
  for (const [key, t] of c.optimizer.state) {
    const cut = key.lastIndexOf('/');
    const [param, slot] = [key.slice(0, cut), key.slice(cut + 1)];
    if (cut < 0 || !SLOTS[kind].includes(slot)) return `${manifest}: optimiser tensor "${key}" is not a ${kind} slot (${SLOTS[kind].map((s) => `<param>/${s}`).join(', ')})`;
    if (!shapes.has(param)) return `${manifest}: optimiser tensor "${key}" belongs to no trainable parameter of this graph`;
    if (t.shape.join('×') !== shapes.get(param)) return `${manifest}: optimiser tensor "${key}" has shape [${t.shape.join(', ')}], its parameter [${shapes.get(param)!.split('×').join(', ')}]`;
    slots.set(param, (slots.get(param) ?? new Set()).add(slot));
  }
  for (const [param, have] of slots) {
    const missing = SLOTS[kind].filter((slot) => !have.has(slot));
    if (missing.length > 0) return `${manifest}: the ${kind} state of "${param}" lacks ${missing.map((m) => `"${param}/${m}"`).join(' and ')} (the manifest is incomplete)`;
  }
  if (slots.size === 0) return `${manifest}: the optimiser state is empty after ${c.step} batches (the manifest is incomplete)`;
  return undefined;
}
