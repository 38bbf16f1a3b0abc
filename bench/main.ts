/**
 * `npm run bench` (dist/bench.mjs): speed, memory and completion quality of the two MNIST
 * example graphs on the engine, side by side with the PyTorch reference when python3-torch
 * is installed. It prints numbers and never judges them: exit 0, or 2 on bad options.
 *
 * Per example (dense 784 ↔ 256, conv 1×28×28 ↔ 16×28×28; both T = 20, batch 64, Adam 3e-3):
 *   1. held-out masked MSE of the untrained net;
 *   2. N training batches by BPTT (timed after a warmup; the last one profiled for peak
 *      tensor memory), timed settles of the trained net, its held-out MSE;
 *   3. the same N batches by recurrent backprop from the same initial weights, its MSE;
 *   4. the reference: `ref_attractor.py mnist-completion --batches N` with 1 and 2 threads
 *      (conv-completion with 2 threads), read from its --json output.
 * Then, for every example, the peak tensor memory of one training batch for T = 20, 100, 500
 * (last, because the wasm heap only ever grows and would inflate the RSS readings above).
 * FLOP counting: see flops.ts. Progress goes to stderr, results to stdout.
 */
import { existsSync, realpathSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '../engine/tf.js';
import { describeShape } from '../nodes/shapes.js';
import { describeBackend, startBackend, type BackendInfo } from '../engine/backend/select.js';
import { defaultMnistCacheDir } from '../engine/data/mnist.js';
import { Network } from '../engine/runtime/network.js';
import { flopsPerIteration } from './flops.js';
import { formatBytes, processMemory, type ProcessMemory } from './measure.js';
import { BenchUsageError, USAGE, parseBenchOptions, type BenchOptions } from './options.js';
import { ensureMnistExport, findReference, probeTorch, referencePython, runReference, skippedLine } from './reference.js';
import { bpttGrowth, memoryTable, processLine, qualityTable, speedTable, type RefRunResult } from './report.js';
import {
  benchSettle,
  benchTraining,
  chooseMemoryBatch,
  heldOutQuality,
  predictBpttPeak,
  liveTensors,
  loadExample,
  memoryVersusT,
  type Example,
  type ExampleName,
  type MemoryBatchChoice,
  type MemoryRow,
  type Quality,
  type SettleBench,
  type TrainResult,
} from './suite.js';

interface ExampleReport {
  name: ExampleName;
  file: string;
  description: string;
  batchSize: number;
  steps: number;
  batches: number;
  gflopPerIteration: number;
  settle?: SettleBench;
  training: Partial<Record<'bptt' | 'recurrent-backprop', TrainResult>>;
  quality: Partial<Record<'untrained' | 'bptt' | 'recurrent-backprop', Quality>>;
  reference: RefRunResult[];
  comparisons: { label: string; msRatio: number; mseRatio: number }[];
  processAfterTiming?: ProcessMemory;
  memoryVersusT?: MemoryBatchChoice & { theta: number; budget: number; rows: MemoryRow[]; bpttBytesPerIteration?: number };
  errors: string[];
}

interface ReferenceSetup {
  available: boolean;
  reason?: string;
  python?: string;
  dir?: string;
  mnist?: string;
}

/** The folder with the project's package.json, from this file (engine/bench or dist/). */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'examples'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function describeExample(ex: Example): string {
  const layers = ex.plan.layers.map((l) => `${l.id} ${describeShape(l.shape)}`).join(' ↔ ');
  const couplings = ex.plan.couplings.map((c) => (c.kind === 'conv' || c.kind === 'conv-within' ? `${c.kind} ${c.kernel}×${c.kernel}` : c.kind)).join(', ');
  return `${layers} (${couplings}); ${ex.plan.schedule} schedule, ${ex.plan.phases.length} phases; T=${ex.training.steps}, batch ${ex.training.batch}, ${ex.training.optimizer.kind} lr ${ex.training.optimizer.lr}`;
}

async function step<T>(report: ExampleReport, what: string, fn: () => Promise<T> | T): Promise<T | undefined> {
  const t0 = performance.now();
  progress(`${report.name}: ${what} ...`);
  try {
    const r = await fn();
    progress(`${report.name}: ${what} done in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
    return r;
  } catch (err) {
    const msg = `${what} failed: ${errorText(err)}`;
    report.errors.push(msg);
    progress(`${report.name}: ${msg}`);
    return undefined;
  }
}

async function runExample(
  root: string,
  name: ExampleName,
  opts: BenchOptions,
  ref: ReferenceSetup,
  say: (line: string) => void,
): Promise<{ report: ExampleReport; example?: Example }> {
  const batches = name === 'dense' ? opts.batches : opts.convBatches;
  const warmup = name === 'dense' ? opts.warmup : opts.convWarmup;
  const report: ExampleReport = {
    name,
    file: '',
    description: '',
    batchSize: 0,
    steps: 0,
    batches,
    gflopPerIteration: NaN,
    training: {},
    quality: {},
    reference: [],
    comparisons: [],
    errors: [],
  };
  const ex = await step(report, 'loading the example and MNIST', () => loadExample(root, name));
  if (!ex) return { report };
  report.file = ex.file.startsWith(root) ? ex.file.slice(root.length + 1) : ex.file;
  report.description = describeExample(ex);
  report.batchSize = ex.training.batch;
  report.steps = ex.training.steps;
  report.gflopPerIteration = flopsPerIteration(ex.plan, ex.training.batch) / 1e9;

  report.quality.untrained = await step(report, 'held-out MSE of the untrained net', async () => {
    const net = Network.create(ex.plan, ex.training.seed);
    try {
      return await heldOutQuality(ex, net);
    } finally {
      net.dispose();
    }
  });
  for (const method of ['bptt', 'recurrent-backprop'] as const) {
    // Recurrent backprop trains as many batches as BPTT managed within the time budget.
    const n = report.training.bptt?.batches ?? batches;
    const trained = await step(report, `${n} training batches by ${method}`, async () => {
      const t = await benchTraining(ex, method, n, warmup, opts.trainBudgetMs);
      if (t.result.batches < n) progress(`${name}: ${method} stopped after ${t.result.batches} of ${n} batches (time budget ${opts.trainBudgetMs / 1e3} s)`);
      return t;
    });
    if (!trained) continue;
    const { result, network } = trained;
    try {
      report.training[method] = result;
      if (method === 'bptt') {
        report.settle = await step(report, `${opts.settleRepeats} settles of the trained net`, () =>
          benchSettle(ex, network, opts.settleRepeats, ex.training.batch, 100),
        );
      }
      report.quality[method] = await step(report, `held-out MSE after ${method}`, () => heldOutQuality(ex, network));
    } finally {
      network.dispose();
    }
  }
  report.processAfterTiming = processMemory();

  // The reference trains as many batches as our BPTT did, so the held-out MSEs compare.
  report.batches = report.training.bptt?.batches ?? batches;
  if (opts.reference && ref.available) {
    const command = name === 'dense' ? 'mnist-completion' : 'conv-completion';
    for (const threads of name === 'dense' ? [1, 2] : [2]) {
      const label = `${threads} thread${threads === 1 ? '' : 's'}`;
      const r = await step(report, `reference ${command} --batches ${report.batches} --threads ${threads}`, async () => {
        if (!ref.mnist) ref.mnist = ensureMnistExport(root, ref.dir!, defaultMnistCacheDir());
        return runReference(ref.python!, ref.dir!, ref.mnist, { command, batches: report.batches, threads });
      });
      report.reference.push(r ? { label, ok: true, run: r } : { label, ok: false, reason: report.errors[report.errors.length - 1] });
    }
  }
  const bptt = report.training.bptt;
  for (const r of report.reference) {
    if (!r.ok || !r.run) continue;
    report.comparisons.push({
      label: r.label,
      msRatio: bptt ? r.run.msMedian / bptt.ms.median : NaN,
      mseRatio: report.quality.bptt ? report.quality.bptt.mse / r.run.mse : NaN,
    });
  }
  printExample(report, opts, ref, say);
  return { report, example: ex };
}

function printExample(report: ExampleReport, opts: BenchOptions, ref: ReferenceSetup, say: (line: string) => void): void {
  say('');
  say(`== ${report.name}: ${report.file}`);
  say(report.description);
  say(
    `FLOPs: ${report.gflopPerIteration.toFixed(4)} GFLOP per iteration at batch ${report.batchSize} (multiply-adds × 2 of every matmul/conv term; ` +
      'bptt = 3 × iterations, recurrent-backprop = iterations + 1 + adjoint steps + 3, settle = iterations; see engine/bench/flops.ts)',
  );
  say('');
  const trains = (['bptt', 'recurrent-backprop'] as const).map((m) => report.training[m]).filter((t): t is TrainResult => t !== undefined);
  speedTable(report.settle, trains, report.reference).forEach(say);
  say('iterations: mean per batch; our training stops early once every example has met θ=1e-3, the reference always runs T');
  say('ms/iter: median ms / mean iterations; peak tensors: tf.profile peakBytes of one training batch (weights and Adam state included)');
  say('ref/ours: reference median ms / our median ms, per batch and per iteration (≥ 1.00× means we are faster); same machine, one after the other');
  say('');
  const withBatches = (m: 'bptt' | 'recurrent-backprop') => {
    const q = report.quality[m];
    const t = report.training[m];
    return q && t ? { ...q, batches: t.batches } : undefined;
  };
  qualityTable(report.quality.untrained, withBatches('bptt'), withBatches('recurrent-backprop'), report.settle, report.reference).forEach(say);
  say(
    `held-out: ${report.quality.bptt?.examples ?? report.quality.untrained?.examples ?? '-'} digits (every 10th digit of the mnist package, as the reference); ` +
      'ours/ref < 1.00× means our MSE is lower; steps to converge: ours over the timed settles (≤ 100 steps), the reference over all held-out digits (≤ 200)',
  );
  if (!opts.reference) say('reference: skipped (--no-reference)');
  else if (!ref.available) say(skippedLine(ref.reason ?? 'unavailable'));
  for (const r of report.reference) if (!r.ok) say(`reference ${r.label}: failed (${r.reason ?? 'unknown'})`);
  if (report.processAfterTiming) say(processLine(report.processAfterTiming, liveTensors()));
  for (const e of report.errors.filter((x) => !x.startsWith('reference'))) say(`${report.name}: ${e}`);
}

function printMemory(report: ExampleReport, say: (line: string) => void): void {
  const m = report.memoryVersusT;
  if (!m) {
    for (const e of report.errors.filter((x) => x.startsWith('memory') || x.startsWith('choosing'))) say(`${report.name}: ${e}`);
    return;
  }
  const maxT = Math.max(...m.rows.map((r) => r.steps));
  say('');
  say(`== ${report.name}: peak tensor memory of one training batch versus T (batch ${m.batchSize}, θ = ${m.theta}: no example stops before T)`);
  memoryTable(m.rows).forEach(say);
  say(
    `bptt tape per iteration ≈ ${formatBytes(m.model.perIteration)} + ${formatBytes(m.model.perExampleIteration)} per example ` +
      '(fitted to unrolls of 20 and 60 at batch 1 and 2; the first part does not shrink with the batch)',
  );
  if (m.batchSize < m.maxBatch) {
    say(
      `batch ${m.batchSize}, not ${m.maxBatch}: BPTT at T=${maxT} is predicted to need ≈ ${formatBytes(m.predictedPeakAtMax)} at batch ${m.maxBatch}` +
        (m.predictedPeak > m.budget ? ` and ≈ ${formatBytes(m.predictedPeak)} even at batch ${m.batchSize}` : '') +
        `; the budget is ${formatBytes(m.budget)} (wasm's heap ends at 4 GiB)`,
    );
  }
  if (m.bpttBytesPerIteration !== undefined) {
    say(`measured: bptt adds ≈ ${formatBytes(m.bpttBytesPerIteration)} per iteration at batch ${m.batchSize}; recurrent-backprop keeps only the state and the adjoint, whatever T`);
  }
}

function environment(backend: BackendInfo) {
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    tfjs: tf.version_core,
    backend: { name: backend.name, detail: backend.detail, skipped: backend.skipped },
  };
}

function setupReference(root: string, opts: BenchOptions): ReferenceSetup {
  if (!opts.reference) return { available: false, reason: '--no-reference' };
  const found = findReference(root);
  if (!found.ok) return { available: false, reason: found.reason };
  const python = referencePython();
  const torch = probeTorch(python);
  if (!torch.ok) return { available: false, reason: torch.reason, python };
  return { available: true, dir: found.dir, python };
}

export async function main(argv: readonly string[]): Promise<number> {
  let opts: BenchOptions | null;
  try {
    opts = parseBenchOptions(argv);
  } catch (err) {
    if (!(err instanceof BenchUsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (opts === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const started = performance.now();
  const say = opts.json ? () => {} : (line: string) => process.stdout.write(`${line}\n`);
  const root = projectRoot();

  let backend: BackendInfo;
  try {
    backend = await startBackend(opts.backend);
  } catch (err) {
    process.stderr.write(`bench: --backend: ${errorText(err)}\n`);
    return 2;
  }
  const env = environment(backend);
  const mode = opts.quick ? 'quick' : 'full';
  say(
    `attractor-studio benchmark (${mode}: ${opts.examples.join(' + ')}; ${opts.batches} dense / ${opts.convBatches} conv training batches; ` +
      `reference ${opts.reference ? 'on' : 'off'})`,
  );
  say(describeBackend(backend));
  say(`node ${env.node}, ${env.platform}, ${env.cpus} CPUs (${env.cpu}), tfjs-core ${env.tfjs}`);

  const ref = setupReference(root, opts);
  if (opts.reference && !ref.available) progress(skippedLine(ref.reason ?? 'unavailable'));

  const reports: ExampleReport[] = [];
  const loaded: (Example | undefined)[] = [];
  for (const name of opts.examples) {
    const { report, example } = await runExample(root, name, opts, ref, say);
    reports.push(report);
    loaded.push(example);
  }
  for (let i = 0; i < reports.length; i++) {
    const ex = loaded[i];
    const report = reports[i];
    if (!ex) continue;
    const maxT = Math.max(...opts.memorySteps);
    const choice = await step(report, `choosing the memory table's batch (BPTT at T=${maxT} within ${formatBytes(opts.memoryBudget)})`, () =>
      chooseMemoryBatch(ex, maxT, opts.memoryMaxBatch[report.name], opts.memoryBudget, opts.memoryTheta),
    );
    if (choice) {
      const rows = await step(report, `memory versus T (${opts.memorySteps.join(', ')}; batch ${choice.batchSize})`, () =>
        memoryVersusT(
          ex,
          opts.memorySteps,
          choice.batchSize,
          opts.memoryTheta,
          { limit: opts.memoryHardLimit, predict: (T) => predictBpttPeak(choice.model, T, choice.batchSize) },
          (row) =>
            progress(
              row.skipped
                ? `${report.name}: ${row.method} T=${row.steps}: skipped (${row.skipped})`
                : `${report.name}: ${row.method} T=${row.steps}: peak ${formatBytes(row.memory.peakBytes)} in ${(row.ms / 1e3).toFixed(1)} s`,
            ),
        ),
      );
      if (rows) {
        report.memoryVersusT = { ...choice, theta: opts.memoryTheta, budget: opts.memoryBudget, rows, bpttBytesPerIteration: bpttGrowth(rows) };
      }
    }
    printMemory(report, say);
  }

  const finalProcess = processMemory();
  const seconds = (performance.now() - started) / 1e3;
  say('');
  say(processLine(finalProcess, liveTensors()));
  say(`done in ${seconds.toFixed(0)} s`);
  if (opts.json) {
    const doc = {
      benchmark: 'attractor-studio',
      mode,
      options: opts,
      env,
      reference: ref,
      examples: Object.fromEntries(reports.map((r) => [r.name, r])),
      process: finalProcess,
      seconds,
    };
    // NaN and infinities become null, so any JSON reader takes it.
    process.stdout.write(`${JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
  }
  return 0;
}

// The bundle's entry runs the benchmark; importing this module (a test) does not.
function isEntry(): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(arg) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // Every measurement catches its own errors; reaching this is a bug in the benchmark.
      process.stderr.write(`bench: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
