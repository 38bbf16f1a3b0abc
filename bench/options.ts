/** Command-line options of `npm run bench`. Bad options are a BenchUsageError (exit 2). */
import { parseArgs } from 'node:util';
import { BACKEND_NAMES, type BackendName } from '../engine/backend/select.js';
import { EXAMPLE_NAMES, isExampleName, type ExampleName } from './examples.js';

export const USAGE = `usage: npm run bench -- [options]     (or: node dist/bench.mjs [options])
Ours and the PyTorch reference run as long-lived processes, side by side, in rounds: in
each round every side trains a few batches and settles a few while the others wait.
  --quick               a smoke run: 3 short rounds (the default when CI=true)
  --full                the full run even when CI=true
  --only LIST           examples, comma-separated: dense, conv, conv-large (default dense,conv)
  --backend LIST        ours on these backends, comma-separated: ${BACKEND_NAMES.join(', ')}; default auto: every
                        one that runs here (webgpu only on a hardware adapter; named, a software one runs too)
  --no-split            no side with each batch split across the cores (wasm and cpu get one by default)
  --no-reference        ours only
  --threads LIST        the reference's intra-op threads, one side each (default 1,2; CUDA too where torch sees a GPU)
  --method NAME         our training method: bptt (default), recurrent-backprop or every-step (the reference: bptt)
  --rounds N            at most N rounds per example (default dense 30, conv 15, conv-large 5; quick 3)
  --budget SECONDS      stop starting rounds past this per example (default dense 90, conv 150, conv-large 240; quick 20)
  --min-rounds N        rounds run whatever the budget says (default 3, at most --rounds)
  --turn N              training batches per side per turn (default dense 4, conv 2, conv-large 1; quick 2, 1, 1)
  --settles N           settles per side per turn (default dense 2, conv 1, conv-large 1; quick 1)
  --warmup N            untimed batches per side before the rounds (default 2; quick 1)
  --batch N, --steps T  override the graphs' training batch and T (all sides)
  --no-memory           no peak-memory pass at the end (ours: one more, profiled batch per side)
  --memory-table        also peak tensor memory of one batch versus T (20, 100, 500), BPTT and recurrent backprop
  --json                one JSON object with everything instead of tables
  --help                this text
environment: ATTRACTOR_REF_PYTHON (default /usr/bin/python3), ATTRACTOR_REF_DIR (default ../shared/reference),
             ATTRACTOR_REF_MNIST (the reference's digits; default: exported once into node_modules/.cache/attractor-studio/)`;

/** How much each example's rounds ask of every side. */
export interface ExampleRounds {
  readonly maxRounds: number;
  readonly minRounds: number;
  readonly budgetMs: number;
  readonly batchesPerTurn: number;
  readonly settlesPerTurn: number;
  readonly warmupBatches: number;
}

export type OurMethod = 'bptt' | 'recurrent-backprop' | 'every-step';

export interface BenchOptions {
  readonly quick: boolean;
  readonly examples: readonly ExampleName[];
  /** 'auto', or the backends asked for by name. */
  readonly backends: 'auto' | readonly BackendName[];
  readonly split: boolean;
  readonly reference: boolean;
  readonly referenceThreads: readonly number[];
  readonly method: OurMethod;
  readonly rounds: Readonly<Record<ExampleName, ExampleRounds>>;
  readonly batch?: number;
  readonly steps?: number;
  /** Ask every side for its peaks at the end (ours profile one more batch). */
  readonly memory: boolean;
  readonly memoryTable: boolean;
  readonly json: boolean;
}

export class BenchUsageError extends Error {}

function positiveInt(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < 1) throw new BenchUsageError(`--${name}: expected an integer ≥ 1, got ${JSON.stringify(raw)}`);
  return n;
}

function list<T extends string>(raw: string, name: string, allowed: readonly T[]): T[] {
  const items = raw.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  const bad = items.find((s) => !(allowed as readonly string[]).includes(s));
  if (bad !== undefined || items.length === 0) throw new BenchUsageError(`--${name}: expected a comma-separated list of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  return [...new Set(items)] as T[];
}

const FULL: Record<ExampleName, Omit<ExampleRounds, 'minRounds' | 'warmupBatches'>> = {
  dense: { maxRounds: 30, budgetMs: 90_000, batchesPerTurn: 4, settlesPerTurn: 2 },
  conv: { maxRounds: 15, budgetMs: 150_000, batchesPerTurn: 2, settlesPerTurn: 1 },
  'conv-large': { maxRounds: 5, budgetMs: 240_000, batchesPerTurn: 1, settlesPerTurn: 1 },
};
const QUICK: Record<ExampleName, Omit<ExampleRounds, 'minRounds' | 'warmupBatches'>> = {
  dense: { maxRounds: 3, budgetMs: 20_000, batchesPerTurn: 2, settlesPerTurn: 1 },
  conv: { maxRounds: 3, budgetMs: 20_000, batchesPerTurn: 1, settlesPerTurn: 1 },
  'conv-large': { maxRounds: 3, budgetMs: 20_000, batchesPerTurn: 1, settlesPerTurn: 1 },
};

/** `null` means --help was asked for. */
export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean' },
        full: { type: 'boolean' },
        only: { type: 'string' },
        backend: { type: 'string' },
        'no-split': { type: 'boolean' },
        'no-reference': { type: 'boolean' },
        threads: { type: 'string' },
        method: { type: 'string' },
        rounds: { type: 'string' },
        budget: { type: 'string' },
        'min-rounds': { type: 'string' },
        turn: { type: 'string' },
        settles: { type: 'string' },
        warmup: { type: 'string' },
        batch: { type: 'string' },
        steps: { type: 'string' },
        'no-memory': { type: 'boolean' },
        'memory-table': { type: 'boolean' },
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

  const examples = values.only === undefined ? (['dense', 'conv'] as ExampleName[]) : list(values.only, 'only', EXAMPLE_NAMES);
  if (!examples.every(isExampleName)) throw new BenchUsageError('--only: unknown example');
  const backendList = values.backend === undefined || values.backend.trim().toLowerCase() === 'auto' ? 'auto' : list(values.backend, 'backend', BACKEND_NAMES);
  const method = values.method ?? 'bptt';
  if (method !== 'bptt' && method !== 'recurrent-backprop' && method !== 'every-step') {
    throw new BenchUsageError(`--method: expected bptt, recurrent-backprop or every-step, got ${JSON.stringify(method)}`);
  }
  const threads = values.threads === undefined ? [1, 2] : values.threads.split(',').map((t) => positiveInt(t.trim(), 'threads')!);

  const maxRounds = positiveInt(values.rounds, 'rounds');
  const budget = positiveInt(values.budget, 'budget');
  const minRounds = positiveInt(values['min-rounds'], 'min-rounds') ?? 3;
  const turn = positiveInt(values.turn, 'turn');
  const settles = values.settles === '0' ? 0 : positiveInt(values.settles, 'settles');
  const warmup = values.warmup === '0' ? 0 : positiveInt(values.warmup, 'warmup');
  const base = quick ? QUICK : FULL;
  const rounds = Object.fromEntries(
    EXAMPLE_NAMES.map((name) => {
      const d = base[name];
      const most = maxRounds ?? d.maxRounds;
      return [
        name,
        {
          maxRounds: most,
          minRounds: Math.min(minRounds, most),
          budgetMs: budget !== undefined ? budget * 1000 : d.budgetMs,
          batchesPerTurn: turn ?? d.batchesPerTurn,
          settlesPerTurn: settles ?? d.settlesPerTurn,
          warmupBatches: warmup ?? (quick ? 1 : 2),
        },
      ];
    }),
  ) as Record<ExampleName, ExampleRounds>;

  return {
    quick,
    examples,
    backends: backendList,
    split: values['no-split'] !== true,
    reference: values['no-reference'] !== true,
    referenceThreads: [...new Set(threads)],
    method,
    rounds,
    ...(values.batch !== undefined ? { batch: positiveInt(values.batch, 'batch') } : {}),
    ...(values.steps !== undefined ? { steps: positiveInt(values.steps, 'steps') } : {}),
    memory: values['no-memory'] !== true,
    memoryTable: values['memory-table'] === true,
    json: values.json === true,
  };
}
