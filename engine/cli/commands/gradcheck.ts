import { GRADCHECK_DEFAULTS, type Agreement } from '../../train/gradcheck.js';
import { EQPROP_CHECK_BETA } from '../../train/eqprop-check.js';
import { intOption, numberOption, onePositional, options, parse } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import { describeBackend } from '../../backend/select.js';
import { RunControl } from '../../run/control.js';
import { backendSummary } from '../../run/context.js';
import { checkCheckable, entriesPerParam, gradcheckRun } from '../../run/gradcheck-run.js';
import { openCommandRun, printWarnings } from '../open.js';
import type { Interrupts } from '../interrupt.js';
import type { Io } from '../io.js';

const USAGE =
  'attractor gradcheck FILE [--batch B] [--per-param K | --coordinates N] [--steps T] [--epsilon X] [--theta X] [--adjoint-tolerance X] [--beta X] [--seed K] [--weights DIR] [--backend B] [--json]';

const fmt = (a: Agreement) => `cosine ${a.cosine.toFixed(6)}, max relative error ${a.maxRelError.toExponential(2)}`;

export interface GradcheckDeps {
  /** Ctrl-C: the first stops the check before its next finite difference (exit 130). */
  readonly interrupts?: Interrupts;
}

export async function gradcheckCommand(argv: string[], io: Io, deps: GradcheckDeps = {}): Promise<number> {
  const { values, positionals } = parse(argv, options(['batch', 'per-param', 'coordinates', 'steps', 'epsilon', 'theta', 'adjoint-tolerance', 'beta', 'seed', 'weights', 'backend'], ['json']), USAGE);
  const file = onePositional(positionals, 'graph file', USAGE);
  const { opened, backend } = await openCommandRun(file, {}, values.backend);
  if (!values.json) printWarnings(io, file, opened.warnings);
  checkCheckable(opened);
  const seed = intOption(values, 'seed', 0) ?? 0;
  const size = intOption(values, 'batch', 1) ?? 4;
  const positive = (name: string) => numberOption(values, name, (n) => n > 0, 'a number > 0');
  // K entries of every parameter (as the app asks), or N in all dealt round-robin.
  const perParam = intOption(values, 'per-param', 1);
  if (perParam !== undefined && values.coordinates !== undefined) throw new InputError(`--per-param and --coordinates: give one of them\nusage: ${USAGE}`);
  const entries = perParam !== undefined ? entriesPerParam(opened, perParam) : (intOption(values, 'coordinates', 1) ?? GRADCHECK_DEFAULTS.coordinates);
  const control = new RunControl('gradcheck', 'gradcheck', () => undefined);
  const release = deps.interrupts?.(() => control.cancel(), 'finite difference');
  try {
    const o = await gradcheckRun(
      opened,
      {
        batch: size,
        entries,
        seed,
        weights: typeof values.weights === 'string' ? { dir: values.weights, option: '--weights' } : undefined,
        epsilon: positive('epsilon'),
        theta: positive('theta'),
        steps: intOption(values, 'steps', 1),
        adjointTolerance: positive('adjoint-tolerance'),
        beta: positive('beta') ?? EQPROP_CHECK_BETA,
      },
      { control, emit: () => undefined, backend: backendSummary(backend), backendName: backend.name },
    );
    const r = o.report;
    if (!r) {
      io.err(`interrupted after ${o.at} finite differences: no report`);
      return EXIT.interrupted;
    }
    if (values.json) {
      io.out(JSON.stringify({ file, backend: backend.name, weights: o.weights, batch: size, ...r }));
      return EXIT.ok;
    }
    io.out(describeBackend(backend));
    io.out(`${o.weights}; batch of ${size}; ${r.coordinates.length} parameter entries; central differences with ε = ${r.epsilon}; θ = ${r.theta}, adjoint tolerance ${r.adjointTolerance}`);
    io.out(`  bptt (long T)      vs finite differences: ${fmt(r.bpttVsFd)}`);
    io.out(`  recurrent backprop vs finite differences: ${fmt(r.rbpVsFd)}`);
    io.out(`  bptt               vs recurrent backprop: ${fmt(r.bpttVsRbp)}`);
    if (r.eqprop) {
      io.out(`  eqprop (β = ${r.eqprop.beta})`.padEnd(21) + `vs finite differences: ${fmt(r.eqprop.vsFd)}`);
      io.out(`  eqprop             vs recurrent backprop: ${fmt(r.eqprop.vsRbp)}`);
    }
    io.out(`  t*: ${r.tStar.map((t) => (t < 0 ? '–' : t)).join(' ')}; tossed ${r.tossed}${r.tossed > 0 ? ` (${r.tossedWhy.notSettled} not settled, ${r.tossedWhy.diverged} adjoint not converged)` : ''}`);
    io.out(`  finite differences resolve gradients down to ≈ ${r.fdResolution.toExponential(1)} (one float32 ulp of the loss over 2ε)`);
    io.out('  per parameter (max relative error: bptt vs fd, rbp vs fd, bptt vs rbp):');
    const width = Math.max(...r.perParam.map((p) => p.param.length));
    for (const p of r.perParam) {
      io.out(`    ${p.param.padEnd(width)}  ${String(p.entries).padStart(3)} entries  ${[p.bpttVsFd, p.rbpVsFd, p.bpttVsRbp].map((a) => a.maxRelError.toExponential(2)).join('  ')}`);
    }
    r.notes.forEach((n) => io.out(`  note: ${n}`));
    return EXIT.ok;
  } finally {
    release?.();
  }
}
