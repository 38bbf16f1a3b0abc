import { buildBatch, disposeBatch } from '../../runtime/batch.js';
import { pickExamples } from '../../runtime/prepare.js';
import { gradcheck, type Agreement } from '../../train/gradcheck.js';
import { intOption, numberOption, onePositional, options, parse } from '../args.js';
import { InputError } from '../errors.js';
import { describeBackend } from '../../backend/select.js';
import { openNetwork } from '../../run/weights.js';
import { openCommandRun, printWarnings } from '../open.js';
import type { Io } from '../io.js';

const USAGE = 'attractor gradcheck FILE [--batch B] [--coordinates N] [--steps T] [--epsilon X] [--seed K] [--weights DIR] [--backend B] [--json]';

const fmt = (a: Agreement) => `cosine ${a.cosine.toFixed(6)}, max relative error ${a.maxRelError.toExponential(2)}`;

export async function gradcheckCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, options(['batch', 'coordinates', 'steps', 'epsilon', 'seed', 'weights', 'backend'], ['json']), USAGE);
  const file = onePositional(positionals, 'graph file', USAGE);
  const { opened, backend } = await openCommandRun(file, {}, values.backend);
  if (!values.json) printWarnings(io, file, opened.warnings);
  if (opened.plan.targets.length === 0) throw new InputError(`${file}: nothing to check: the graph has no target node`);
  const seed = intOption(values, 'seed', 0) ?? 0;
  const weights = typeof values.weights === 'string' ? { dir: values.weights, option: '--weights' } : undefined;
  const { network, from } = await openNetwork(opened, weights, seed);
  const size = intOption(values, 'batch', 1) ?? 4;
  const batch = buildBatch(opened.plan, opened.datasets, pickExamples(opened.datasets, size, seed, 'train'), seed);
  try {
    const r = gradcheck(network, batch, {
      coordinates: intOption(values, 'coordinates', 1) ?? 24,
      longSteps: intOption(values, 'steps', 1) ?? 2000,
      epsilon: numberOption(values, 'epsilon', (n) => n > 0, 'a number > 0') ?? 1e-3,
      seed,
    });
    if (values.json) {
      io.out(JSON.stringify({ file, backend: backend.name, weights: from, batch: size, ...r }));
      return 0;
    }
    io.out(describeBackend(backend));
    io.out(`${from}; batch of ${size}; ${r.coordinates.length} parameter entries; central differences with ε = ${r.epsilon}`);
    io.out(`  bptt (long T)      vs finite differences: ${fmt(r.bpttVsFd)}`);
    io.out(`  recurrent backprop vs finite differences: ${fmt(r.rbpVsFd)}`);
    io.out(`  bptt               vs recurrent backprop: ${fmt(r.bpttVsRbp)}`);
    io.out(`  t*: ${r.tStar.map((t) => (t < 0 ? '–' : t)).join(' ')}; tossed ${r.tossed}`);
    return 0;
  } finally {
    disposeBatch(batch);
    network.dispose();
  }
}
