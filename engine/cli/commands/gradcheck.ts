import { buildBatch, disposeBatch } from '../../runtime/batch.js';
import { pickExamples } from '../../runtime/prepare.js';
import { gradcheck, GRADCHECK_DEFAULTS, type Agreement } from '../../train/gradcheck.js';
import { intOption, numberOption, onePositional, options, parse } from '../args.js';
import { InputError } from '../errors.js';
import { describeBackend } from '../../backend/select.js';
import { openNetwork } from '../../run/weights.js';
import { openCommandRun, printWarnings } from '../open.js';
import type { Io } from '../io.js';

const USAGE =
  'attractor gradcheck FILE [--batch B] [--coordinates N] [--steps T] [--epsilon X] [--theta X] [--adjoint-tolerance X] [--beta X] [--seed K] [--weights DIR] [--backend B] [--json]';

const fmt = (a: Agreement) => `cosine ${a.cosine.toFixed(6)}, max relative error ${a.maxRelError.toExponential(2)}`;

export async function gradcheckCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, options(['batch', 'coordinates', 'steps', 'epsilon', 'theta', 'adjoint-tolerance', 'beta', 'seed', 'weights', 'backend'], ['json']), USAGE);
  const file = onePositional(positionals, 'graph file', USAGE);
  const { opened, backend } = await openCommandRun(file, {}, values.backend);
  if (!values.json) printWarnings(io, file, opened.warnings);
  if (opened.plan.targets.length === 0) throw new InputError(`${file}: nothing to check: the graph has no target node`);
  if (opened.plan.params.every((p) => p.trainable === false)) throw new InputError(`${file}: nothing to check: every parameter is fixed (patterns taken from data)`);
  const seed = intOption(values, 'seed', 0) ?? 0;
  const weights = typeof values.weights === 'string' ? { dir: values.weights, option: '--weights' } : undefined;
  const { network, from } = await openNetwork(opened, weights, seed);
  const size = intOption(values, 'batch', 1) ?? 4;
  const batch = buildBatch(opened.plan, opened.datasets, pickExamples(opened.datasets, size, seed, 'train'), seed);
  try {
    const positive = (name: string) => numberOption(values, name, (n) => n > 0, 'a number > 0');
    const tolerance = positive('adjoint-tolerance');
    const r = await gradcheck(network, batch, {
      coordinates: intOption(values, 'coordinates', 1) ?? GRADCHECK_DEFAULTS.coordinates,
      longSteps: intOption(values, 'steps', 1) ?? GRADCHECK_DEFAULTS.longSteps,
      epsilon: positive('epsilon') ?? GRADCHECK_DEFAULTS.epsilon,
      theta: positive('theta') ?? GRADCHECK_DEFAULTS.theta,
      beta: positive('beta') ?? GRADCHECK_DEFAULTS.beta,
      ...(tolerance !== undefined ? { adjoint: { tolerance } } : {}),
      seed,
    });
    if (values.json) {
      io.out(JSON.stringify({ file, backend: backend.name, weights: from, batch: size, ...r }));
      return 0;
    }
    io.out(describeBackend(backend));
    io.out(`${from}; batch of ${size}; ${r.coordinates.length} parameter entries; central differences with ε = ${r.epsilon}; θ = ${r.theta}, adjoint tolerance ${r.adjointTolerance}`);
    io.out(`  bptt (long T)      vs finite differences: ${fmt(r.bpttVsFd)}`);
    io.out(`  recurrent backprop vs finite differences: ${fmt(r.rbpVsFd)}`);
    io.out(`  bptt               vs recurrent backprop: ${fmt(r.bpttVsRbp)}`);
    if (r.eqpropVsFd && r.eqpropVsRbp) {
      io.out(`  eqprop (β = ${r.beta})${' '.repeat(Math.max(0, 6 - String(r.beta).length))}vs finite differences: ${fmt(r.eqpropVsFd)}`);
      io.out(`  eqprop             vs recurrent backprop: ${fmt(r.eqpropVsRbp)}`);
    }
    io.out(`  t*: ${r.tStar.map((t) => (t < 0 ? '–' : t)).join(' ')}; tossed ${r.tossed}${r.tossed > 0 ? ` (${r.tossedWhy.notSettled} not settled, ${r.tossedWhy.diverged} adjoint not converged)` : ''}`);
    r.notes.forEach((n) => io.out(`  note: ${n}`));
    return 0;
  } finally {
    disposeBatch(batch);
    network.dispose();
  }
}
