/** Command-line options of `npm run bench`. Bad options are a BenchUsageError (exit 2). */
import { parseArgs } from 'node:util';
import { parseBackendName, type BackendName } from '../engine/backend/select.js';
import type { ExampleName } from './suite.js';

const FULL_BUDGET_S = 180;
const QUICK_BUDGET_S = 45;

export const USAGE = `usage: npm run bench -- [options]     (or: node dist/bench.mjs [options])
  --quick             few batches, a smoke run (the default when CI=true)
  --full              the full run even when CI=true
  --batches N         training batches of the dense example, ours and the reference's (default 100, quick 20)
  --conv-batches N    training batches of the conv example (default 20, quick 4)
                      (each training run also stops after ${FULL_BUDGET_S} s, quick ${QUICK_BUDGET_S} s; the reference then
                      trains as many batches as we did)
  --only dense|conv   one example only
  --no-reference      do not run the PyTorch reference side by side
  --backend NAME      auto (default), tensorflow, webgpu, wasm or cpu
  --json              print one JSON object with everything instead of tables
  --help              this text
environment: ATTRACTOR_REF_PYTHON (default /usr/bin/python3), ATTRACTOR_REF_DIR (default ../shared/reference),
             ATTRACTOR_REF_MNIST (the reference's digits; default: exported once into node_modules/.cache/attractor-studio/)`;

export interface BenchOptions {
  readonly quick: boolean;
  readonly batches: number;
  readonly convBatches: number;
  /** Batches left out of the timing at the start of each training run. */
  readonly warmup: number;
  readonly convWarmup: number;
  /** Time budget of one training run (ms): it stops early, after warmup + 2 batches at least, once past it. */
  readonly trainBudgetMs: number;
  /** Timed settles per example (after one warmup settle). */
  readonly settleRepeats: number;
  readonly examples: readonly ExampleName[];
  readonly reference: boolean;
  readonly backend: BackendName | 'auto';
  readonly json: boolean;
  /** T of the memory-versus-T table. */
  readonly memorySteps: readonly number[];
  /**
   * Largest batch of the memory table per example; it uses the largest power of two up to this
   * at which BPTT at the largest T is predicted to fit `memoryBudget` (at batch 64 and T = 500 it
   * would outgrow wasm's 4 GiB heap).
   */
  readonly memoryMaxBatch: Readonly<Record<ExampleName, number>>;
  readonly memoryBudget: number;
  /** A BPTT row predicted past this is skipped, not run: overflowing wasm's 4 GiB heap aborts the backend. */
  readonly memoryHardLimit: number;
  /** θ of the memory table: small enough that no example counts as settled before T. */
  readonly memoryTheta: number;
}

export class BenchUsageError extends Error {}

function positiveInt(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < 1) throw new BenchUsageError(`--${name}: expected an integer ≥ 1, got ${JSON.stringify(raw)}`);
  return n;
}

/** `null` means --help was asked for. */
export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean' },
        full: { type: 'boolean' },
        batches: { type: 'string' },
        'conv-batches': { type: 'string' },
        only: { type: 'string' },
        'no-reference': { type: 'boolean' },
        backend: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (err) {
    throw new BenchUsageError((err as Error).message.replace(/\. To specify.*$/s, ''));
  }
  if (values.help) return null;
  if (values.quick && values.full) throw new BenchUsageError('--quick and --full contradict each other');
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  const quick = values.quick === true || (ci && values.full !== true);
  let examples: ExampleName[] = ['dense', 'conv'];
  if (values.only !== undefined) {
    if (values.only !== 'dense' && values.only !== 'conv') throw new BenchUsageError(`--only: expected dense or conv, got ${JSON.stringify(values.only)}`);
    examples = [values.only];
  }
  let backend: BackendName | 'auto';
  try {
    backend = parseBackendName(values.backend ?? 'auto');
  } catch (err) {
    throw new BenchUsageError(`--backend: ${(err as Error).message}`);
  }
  const batches = positiveInt(values.batches, 'batches') ?? (quick ? 20 : 100);
  const convBatches = positiveInt(values['conv-batches'], 'conv-batches') ?? (quick ? 4 : 20);
  return {
    quick,
    batches,
    convBatches,
    // At least one timed batch before the last one, which is profiled for memory instead.
    warmup: Math.min(quick ? 2 : 3, Math.max(0, batches - 2)),
    convWarmup: Math.min(quick ? 1 : 2, Math.max(0, convBatches - 2)),
    trainBudgetMs: 1000 * (quick ? QUICK_BUDGET_S : FULL_BUDGET_S),
    settleRepeats: quick ? 3 : 10,
    examples,
    reference: values['no-reference'] !== true,
    backend,
    json: values.json === true,
    memorySteps: [20, 100, 500],
    memoryMaxBatch: { dense: 64, conv: 64 },
    memoryBudget: 1.5 * 1024 ** 3,
    memoryHardLimit: 3 * 1024 ** 3,
    memoryTheta: 1e-9,
  };
}
