/**
 * `attractor capacity`: the capacity and basin explorer from a terminal. On a graph file
 * (its memory layer's size and its schedule) or on a textbook net built from --net and
 * --n, it sweeps the load and the corruption (and β for a memory block), settles batches
 * of corrupted probes and prints per cell how many come back, with the ½ crossings.
 */
import { measureSweep } from '../../analysis/capacity.js';
import { resolveSweep, type SweepWords } from '../../analysis/capacity-grid.js';
import { builtMemoryNet, openMemoryNet } from '../../analysis/capacity-net.js';
import { startBackend, type BackendInfo } from '../../backend/select.js';
import { CAPACITY_NETS, CAPACITY_SCHEDULES, capacitySweepSchema, parseCorruptions, parseValueList, retrievalCrossings, type CapacityCell, type CapacitySweep, type Corruption } from '../../protocol/capacity.js';
import { choiceOption, intOption, numberOption, options, parse } from '../args.js';
import { capacityLines, cellProgressLine } from '../capacity-report.js';
import { EXIT, InputError } from '../errors.js';
import type { Interrupts } from '../interrupt.js';
import { backendOption, fileSource } from '../open.js';
import type { Io } from '../io.js';

export const CAPACITY_USAGE = [
  'attractor capacity [FILE] [--net classic|memory] [--n N,...] (--alpha A:B:STEP | --alpha A,B,... | --patterns P,...)',
  '                   [--corrupt flip:F,mask:F,noise:S] [--beta B,...] [--normalize] [--trials T] [--probes B] [--tolerance X]',
  '                   [--schedule asynchronous|synchronous] [--steps N] [--theta X] [--seed K] [--backend B] [--json]',
  '',
  '  FILE           a graph with one sign/tanh layer and a Hebbian within-layer coupling, or one vector layer and a',
  '                 Hopfield memory block (its size, β and schedule are used); without one, a textbook net is built',
  '  --net          without FILE: classic (sign units, Hebbian, asynchronous) or memory (ξ ← Yᵀsoftmax(βYξ), synchronous)',
  '  --n            without FILE: layer sizes N (default 200)',
  '  --alpha        loads α = P/N: a list, or a range A:B:STEP (P rounded)     --patterns  pattern counts P instead',
  '  --corrupt      how each probe starts from its pattern: flip:F (a fraction F of the signs flipped), mask:F (set to 0),',
  '                 noise:S (Gaussian noise of σ = S entries); several, comma-separated (default flip:0.05)',
  '  --beta         memory blocks: inverse temperatures (default the graph\'s, or 1); with one load, curves run along β',
  '  --normalize    unit-length patterns (±1/√N), the setting of Ramsauer et al. for β',
  '  --trials       independent nets per cell (fresh patterns and probes; default 5), the ± is their standard error',
  '  --probes       corrupted probes per trial (default 100)      --tolerance  retrieved: bit error ≤ this (default 0.02)',
  '  --schedule     how the probes settle; classic capacity (α_c ≈ 0.138) is defined for asynchronous updates',
].join('\n');

/** The sweep's settings in the CLI's words, for messages. */
const WORDS: SweepWords = { sizes: '--n', load: '--alpha/--patterns', betas: '--beta', normalize: '--normalize' };

const OPTION_OF: Record<string, string> = { net: '--net', sizes: '--n', load: '--alpha/--patterns', corruptions: '--corrupt', betas: '--beta', trials: '--trials', probes: '--probes', tolerance: '--tolerance', schedule: '--schedule', steps: '--steps', theta: '--theta', seed: '--seed', normalize: '--normalize' };

export interface CapacityDeps {
  /** Ctrl-C: the first stops the sweep at the next read of the settling probes (the cells done are printed, exit 130). */
  readonly interrupts?: Interrupts;
}

export async function capacityCommand(argv: string[], io: Io, deps: CapacityDeps = {}): Promise<number> {
  const { values, positionals } = parse(argv, options(['net', 'n', 'alpha', 'patterns', 'corrupt', 'beta', 'trials', 'probes', 'tolerance', 'schedule', 'steps', 'theta', 'seed', 'backend'], ['json', 'normalize']), CAPACITY_USAGE);
  if (positionals.length > 1) throw new InputError(`expected at most one graph file, got ${positionals.length}: ${positionals.join(' ')}\nusage: ${CAPACITY_USAGE}`);
  const file = positionals[0];
  const net = choiceOption(values, 'net', CAPACITY_NETS);
  if (file !== undefined && net !== undefined) throw new InputError(`--net: the graph ${file} is the net; --net builds one without a graph`);
  const sweep = sweepOf(values);
  const prefer = backendOption(values.backend);
  const src = file !== undefined ? await openMemoryNet(fileSource(file)) : builtMemoryNet(net ?? 'classic');
  const resolved = resolveSweep(src, sweep, WORDS);
  let backend: BackendInfo;
  try {
    backend = await startBackend(prefer);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  const json = Boolean(values.json);
  let stop = false;
  const release = deps.interrupts?.(() => (stop = true), 'iteration');
  const started = performance.now();
  try {
    const total = resolved.cells.length;
    let done = 0;
    const outcome = await measureSweep(resolved, {
      gate: () => Promise.resolve(stop ? 'cancel' : 'run'),
      progress: () => {},
      cell: (_, cell) => io.err(cellProgressLine(++done, total, cell)),
    });
    const ms = performance.now() - started;
    const cells: CapacityCell[] = outcome.cells;
    const crossings = retrievalCrossings(cells, resolved.axis);
    if (json) {
      const { src: s, axis, trials, probes, tolerance, seed, unitPatterns } = resolved;
      const settle = { schedule: resolved.schedule ?? s.settle.schedule, steps: resolved.steps ?? s.settle.steps, theta: resolved.theta ?? s.settle.theta };
      io.out(JSON.stringify({ net: s.net, source: s.source, backend: backend.name, ...settle, axis, trials, probes, tolerance, seed, patternForm: unitPatterns ? 'unit' : 'sign', crossings, cells, ms: Math.round(ms), ...(outcome.cancelled ? { interrupted: true } : {}) }));
    } else {
      capacityLines(resolved, backend, cells, crossings, ms).forEach((l) => io.out(l));
    }
    if (!outcome.cancelled) return EXIT.ok;
    io.err(`interrupted: ${cells.length} of ${total} cells measured (the table shows them)`);
    return EXIT.interrupted;
  } finally {
    release?.();
  }
}

/** The sweep the options ask for, checked by the protocol's schema (the same limits as the app's), mistakes named by option. */
function sweepOf(values: Record<string, string | boolean | undefined>): CapacitySweep {
  if (values.alpha !== undefined && values.patterns !== undefined) throw new InputError('--alpha, --patterns: give the load one way, as α = P/N or as pattern counts');
  const load = values.patterns !== undefined ? { by: 'patterns' as const, values: numbers(values.patterns, '--patterns') } : { by: 'alpha' as const, values: values.alpha !== undefined ? numbers(values.alpha, '--alpha') : [0.05, 0.1, 0.14, 0.2] };
  const raw = {
    ...(values.net !== undefined ? { net: values.net } : {}),
    ...(values.n !== undefined ? { sizes: numbers(values.n, '--n') } : {}),
    load,
    corruptions: typeof values.corrupt === 'string' ? corruptions(values.corrupt) : [{ kind: 'flip', level: 0.05 }],
    ...(values.beta !== undefined ? { betas: numbers(values.beta, '--beta') } : {}),
    trials: intOption(values, 'trials', 1),
    probes: intOption(values, 'probes', 1),
    tolerance: numberOption(values, 'tolerance', (x) => x >= 0 && x < 0.5, 'a fraction in [0, 0.5)'),
    schedule: choiceOption(values, 'schedule', CAPACITY_SCHEDULES),
    steps: intOption(values, 'steps', 1),
    theta: numberOption(values, 'theta', (x) => x > 0, 'a number > 0'),
    seed: intOption(values, 'seed', 0),
    ...(values.normalize ? { normalize: true } : {}),
  };
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const parsed = capacitySweepSchema.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const option = OPTION_OF[String(issue.path[0])] ?? String(issue.path[0]);
  throw new InputError(`${option}: ${issue.message}`);
}

/** A list or range option, its mistakes named by the option. */
function numbers(text: string | boolean, option: string): number[] {
  try {
    return parseValueList(String(text));
  } catch (err) {
    throw new InputError(`${option}: ${(err as Error).message}`);
  }
}

function corruptions(text: string): Corruption[] {
  try {
    return parseCorruptions(text);
  } catch (err) {
    throw new InputError(`--corrupt: ${(err as Error).message}`);
  }
}
