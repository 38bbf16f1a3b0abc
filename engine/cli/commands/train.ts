import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { METHODS } from '../../../nodes/config.js';
import type { TrainingConfig } from '../../../nodes/config.js';
import { Network } from '../../runtime/network.js';
import { createOptimizer } from '../../train/optimizers.js';
import { MANIFEST_FILE, disposeCheckpoint, saveCheckpoint, sidecarDirFor } from '../../train/checkpoint.js';
import { TrainingDiverged, batchesPerEpoch, totalBatches, trainIndices, trainStep, type BatchReport } from '../../train/trainer.js';
import { GradientPool } from '../../parallel/pool.js';
import { storeHebbian, HebbianError } from '../../train/hebbian.js';
import { evaluate, type EvalReport } from '../../train/evaluate.js';
import { choiceOption, intOption, numberOption, onePositional, parse } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import { problemLines } from '../open-graph.js';
import { describeBackend, openCheckpoint, openSession } from '../session.js';
import { formatEval } from './eval.js';
import { progressLine } from '../progress.js';
import type { Io } from '../io.js';

const USAGE =
  'attractor train FILE [--method bptt|recurrent-backprop|every-step|hebbian] [--epochs N | --batches N] [--batch B] [--lr X] [--steps T] [--seed K] [--backend B] [--out DIR] [--resume] [--workers N|auto] [--json]';

/** Held-out examples scored after training (all of MNIST's 1,000; fewer keeps the summary quick elsewhere). */
const HELD_OUT_LIMIT = 1000;

export interface TrainDeps {
  /** Aborted on the first Ctrl-C: the batch in flight finishes, a checkpoint is written, exit 130. */
  readonly signal?: AbortSignal;
}

export async function trainCommand(argv: string[], io: Io, deps: TrainDeps = {}): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      method: { type: 'string' },
      epochs: { type: 'string' },
      batches: { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      steps: { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'boolean' },
      workers: { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
  );
  const file = onePositional(positionals, 'graph file', USAGE);
  if (values.epochs !== undefined && values.batches !== undefined) throw new InputError(`give --epochs or --batches, not both\nusage: ${USAGE}`);
  const session = await openSession(file, {}, values.backend);
  const base = session.graph.training;
  const epochs = intOption(values, 'epochs', 1);
  const batches = intOption(values, 'batches', 1);
  const lr = numberOption(values, 'lr', (n) => n > 0, 'a number > 0');
  const config: TrainingConfig = {
    ...base,
    method: choiceOption(values, 'method', METHODS) ?? base.method,
    batch: intOption(values, 'batch', 1) ?? base.batch,
    steps: intOption(values, 'steps', 1) ?? base.steps,
    seed: intOption(values, 'seed', 0) ?? base.seed,
    epochs: epochs ?? (batches !== undefined ? undefined : base.epochs),
    batches: batches ?? (epochs !== undefined ? undefined : base.batches),
    optimizer: lr !== undefined ? { ...base.optimizer, lr } : base.optimizer,
  };
  const out = typeof values.out === 'string' ? values.out : sidecarDirFor(file);
  const json = Boolean(values.json) || !io.isTTY;
  const log = (obj: Record<string, unknown>) => io.out(JSON.stringify(obj));
  if (!values.json) problemLines(file, session.warnings).forEach((l) => io.err(l));
  if (!values.resume && existsSync(join(out, MANIFEST_FILE))) {
    throw new InputError(`${out} already holds a checkpoint: pass --resume to continue it, or --out DIR to train into another folder`);
  }
  const train = trainIndices(session.datasets);
  if (config.method !== 'hebbian' && session.plan.targets.length === 0) {
    throw new InputError(`${file}: nothing to train: the graph has no target node`);
  }
  if (config.method !== 'hebbian' && session.plan.params.every((p) => p.trainable === false)) {
    throw new InputError(`${file}: nothing to train: every parameter is fixed (patterns taken from data)`);
  }
  if (config.method !== 'hebbian' && train.length < config.batch) {
    throw new InputError(`${file}: the training data has ${train.length} examples, fewer than a batch of ${config.batch} (use --batch)`);
  }

  const workers = workerCount(values.workers, session.backend.name, config);
  const network = Network.create(session.plan, config.seed, session.datasets);
  const optimizer = createOptimizer(config.optimizer, config.weightDecay);
  let start = 0;
  let pool: GradientPool | undefined;
  try {
    if (values.resume) {
      if (!existsSync(join(out, MANIFEST_FILE))) throw new InputError(`--resume: no checkpoint in ${out}`);
      const c = await openCheckpoint(session.plan, out);
      for (const [name, t] of c.params) network.params.get(name)!.assign(t);
      if (c.optimizer && c.optimizer.config.kind === config.optimizer.kind) optimizer.load(c.optimizer.step, c.optimizer.state);
      start = c.step;
      disposeCheckpoint(c);
    }
    if (!json) io.out(describeBackend(session.backend));
    const save = (step: number, epoch: number, loss: number | null) =>
      saveCheckpoint(out, {
        step,
        epoch,
        method: config.method,
        params: network.params,
        optimizer: { config: config.optimizer, step: optimizer.step, state: optimizer.state() },
        meta: { graph: session.graph.name, file, loss, seed: config.seed, backend: session.backend.name, batch: config.batch, steps: config.steps },
      });

    if (config.method === 'hebbian') {
      let stored: Map<string, number>;
      try {
        stored = storeHebbian(session.plan, network, session.datasets, train.length > 0 ? train : [0]);
      } catch (err) {
        if (err instanceof HebbianError) throw new InputError(`${file}: ${err.message}`);
        throw err;
      }
      await save(1, 0, null);
      const held = heldOut(session, network);
      if (json) log({ done: true, method: 'hebbian', stored: Object.fromEntries(stored), checkpoint: out, heldOut: held });
      else io.out(`stored ${[...stored].map(([c, n]) => `${n} patterns in "${c}"`).join(', ')}; weights in ${out}\n${formatEval(held)}`);
      return EXIT.ok;
    }

    const total = totalBatches(config, train);
    if (start >= total) throw new InputError(`${out} is already at batch ${start} of ${total}: nothing left to train (raise --batches or --epochs)`);
    if (!json) {
      io.out(
        `${config.method}, ${total} batches of ${config.batch} (${batchesPerEpoch(train, config.batch)} per epoch)${start > 0 ? `, resuming at batch ${start + 1}` : ''}, ${workers + 1} core${workers > 0 ? 's' : ''}; checkpoints in ${out}`,
      );
    }
    const input = { plan: session.plan, network, optimizer, datasets: session.datasets, config, theta: session.plan.settle.theta };
    pool = workers > 0 ? await GradientPool.start(workers, { graph: session.graph, baseDir: dirname(file), backend: session.backend.name, config, theta: input.theta }) : undefined;
    let last: BatchReport | undefined;
    let secondsPerBatch = 0;
    const totals = { tossed: 0, cycle2: 0, unsettled: 0 };
    for (let step = start; step < total; step++) {
      if (deps.signal?.aborted) {
        if (last) await save(last.step, last.epoch, last.loss);
        const at = last?.step ?? start;
        io.err(`interrupted after batch ${at} of ${total}; checkpoint in ${out} (continue with --resume)`);
        return EXIT.interrupted;
      }
      try {
        last = await trainStep(input, step, pool);
      } catch (err) {
        if (err instanceof TrainingDiverged) {
          io.err(`training stopped: ${err.message}; the last good checkpoint is in ${out}${existsSync(join(out, MANIFEST_FILE)) ? '' : ' (none was written yet)'}`);
          return EXIT.failure;
        }
        throw err;
      }
      totals.tossed += last.tossed;
      totals.cycle2 += last.cycle2;
      totals.unsettled += last.unsettled;
      secondsPerBatch = secondsPerBatch === 0 ? last.ms / 1000 : 0.9 * secondsPerBatch + 0.1 * (last.ms / 1000);
      if (json) {
        log({ step: last.step, epoch: last.epoch, loss: last.loss, meanTStar: last.meanTStar, tossed: last.tossed, cycle2: last.cycle2, unsettled: last.unsettled, adjointSteps: last.adjointSteps, ms: Math.round(last.ms * 10) / 10 });
      } else io.outInPlace?.(progressLine(last, total, config.batch, secondsPerBatch));
      if (last.step % config.checkpointEvery === 0 && last.step < total) await save(last.step, last.epoch, last.loss);
    }
    await save(last!.step, last!.epoch, last!.loss);
    const held = heldOut(session, network);
    if (json) log({ done: true, batches: last!.step, loss: last!.loss, ...totals, checkpoint: out, heldOut: held });
    else {
      io.out('');
      io.out(`done: ${last!.step} batches, last loss ${last!.loss.toFixed(4)}; tossed ${totals.tossed}, 2-cycles ${totals.cycle2}, unsettled ${totals.unsettled}; weights in ${out}`);
      io.out(formatEval(held));
    }
    return EXIT.ok;
  } finally {
    await pool?.close();
    optimizer.dispose();
    network.dispose();
  }
}

/**
 * Gradient workers besides this thread. auto: one per extra core on the wasm and cpu
 * backends when the batch gives each core at least 8 examples; none on tensorflow (the GPU
 * parallelises inside), and none for hebbian storage.
 */
function workerCount(raw: unknown, backend: string, config: TrainingConfig): number {
  if (raw !== undefined && raw !== 'auto') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new InputError(`--workers: expected an integer ≥ 0 or "auto", got ${JSON.stringify(raw)}`);
    return n;
  }
  if (backend === 'tensorflow' || config.method === 'hebbian') return 0;
  return Math.max(0, Math.min(availableParallelism() - 1, Math.floor(config.batch / 8) - 1));
}

function heldOut(session: Awaited<ReturnType<typeof openSession>>, network: Network): EvalReport {
  const { steps, theta, seed } = session.plan.settle;
  return evaluate(session.plan, network, session.datasets, { batch: 100, steps, theta, seed, limit: HELD_OUT_LIMIT });
}
