import { SCHEDULES } from '../../../nodes/config.js';
import { describeShape } from '../../../nodes/shapes.js';
import { tf } from '../../tf.js';
import { buildBatch, disposeBatch } from '../../runtime/batch.js';
import { disposeState, settle, type SettleResult } from '../../runtime/settle.js';
import { pickExamples } from '../../runtime/prepare.js';
import type { Plan } from '../../compile/plan.js';
import { choiceOption, intOption, numberOption, onePositional, parse } from '../args.js';
import { InputError } from '../errors.js';
import { problemLines } from '../open-graph.js';
import { describeBackend, openNetwork, openSession } from '../session.js';
import type { Io } from '../io.js';

const USAGE =
  'attractor settle FILE [--steps N] [--theta X] [--schedule S] [--order fixed|shuffled] [--seed K] [--batch B] [--backend auto|tensorflow|wasm|cpu] [--weights DIR] [--record attention] [--json]';

export async function settleCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      steps: { type: 'string' },
      theta: { type: 'string' },
      schedule: { type: 'string' },
      order: { type: 'string' },
      seed: { type: 'string' },
      batch: { type: 'string' },
      backend: { type: 'string' },
      weights: { type: 'string' },
      record: { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
  );
  const file = onePositional(positionals, 'graph file', USAGE);
  const overrides = {
    steps: intOption(values, 'steps', 1),
    theta: numberOption(values, 'theta', (n) => n > 0, 'a number > 0'),
    schedule: choiceOption(values, 'schedule', SCHEDULES),
    order: choiceOption(values, 'order', ['fixed', 'shuffled'] as const),
    seed: intOption(values, 'seed', 0),
    batch: intOption(values, 'batch', 1),
  };
  const record = choiceOption(values, 'record', ['attention'] as const);
  const session = await openSession(file, overrides, values.backend);
  const { plan, warnings, backend, datasets } = session;
  if (!values.json) problemLines(file, warnings).forEach((l) => io.err(l));
  const { steps, theta, seed, batch: size } = plan.settle;
  const indices = pickExamples(datasets, size, seed, 'test');
  const { network: net, from } = await openNetwork(session, typeof values.weights === 'string' ? values.weights : undefined, seed);
  const bound = net.bind();
  let batch;
  try {
    batch = buildBatch(plan, datasets, indices, seed + 1);
  } catch (err) {
    bound.dispose();
    net.dispose();
    throw new InputError(`${file}: ${(err as Error).message}`);
  }
  const started = performance.now();
  const result = settle(
    { net: bound, initial: batch.initial, clamps: batch.clamps, dropout: batch.dropout },
    { steps, theta, seed, recordAttention: record === 'attention' },
  );
  const ms = performance.now() - started;
  const layers = summariseLayers(plan, result);
  disposeState(result.state);
  disposeBatch(batch);
  bound.dispose();
  net.dispose();

  const meanEnergy = result.energy.map(mean);
  const report = {
    file,
    backend: backend.name,
    backendDetail: backend.detail,
    weights: from,
    schedule: plan.schedule,
    guarantee: plan.guarantee.kind,
    guaranteeReason: plan.guarantee.reason,
    batch: size,
    examples: datasets.size > 0 ? indices : undefined,
    iterations: result.iterations,
    energy: meanEnergy,
    energyPerExample: result.energy,
    maxChange: result.maxChange,
    tStar: result.tStar,
    cycle2: result.cycle2,
    theta,
    layers,
    ms: Math.round(ms * 10) / 10,
    tensors: tf.memory().numTensors,
    ...(record === 'attention' ? attentionJson(result) : {}),
  };
  if (values.json) {
    io.out(JSON.stringify(report));
    return 0;
  }
  io.out(describeBackend(backend));
  io.out(from);
  io.out(`schedule: ${plan.schedule}, ${plan.phases.length} phase${plan.phases.length === 1 ? '' : 's'}; guarantee: ${plan.guarantee.kind}`);
  io.out(`batch: ${size} example${size === 1 ? '' : 's'}${datasets.size > 0 ? ` (${[...datasets.keys()].join(', ')}: #${indices.slice(0, 8).join(', #')}${size > 8 ? ', …' : ''})` : ''}; θ = ${theta}, at most ${steps} iterations`);
  io.out('  iter   mean energy      max change');
  const rows = meanEnergy.length;
  for (let i = 0; i < rows; i++) {
    if (rows > 40 && i > 20 && i < rows - 10) {
      if (i === 21) io.out('   ...');
      continue;
    }
    const change = i === 0 ? '' : result.maxChange[i - 1].toExponential(2);
    io.out(`  ${String(i).padStart(4)}   ${meanEnergy[i].toFixed(4).padStart(14)}   ${change.padStart(10)}`);
  }
  const converged = result.tStar.filter((t) => t >= 0).length;
  io.out(`t*: ${result.tStar.map((t) => (t < 0 ? '–' : String(t))).join(' ')}   (${converged}/${size} converged)`);
  const cycles = result.cycle2.flatMap((c, i) => (c ? [i] : []));
  io.out(`2-cycles: ${cycles.length === 0 ? 'none' : `examples ${cycles.join(', ')}`}`);
  io.out('final state:');
  for (const l of layers) {
    io.out(`  ${l.id.padEnd(12)} ${l.shape.padEnd(18)} mean ${fmt(l.mean)}  min ${fmt(l.min)}  max ${fmt(l.max)}  saturated ${(100 * l.saturated).toFixed(0)}%`);
  }
  for (const [id, rec] of result.attention) {
    io.out(`attention "${id}": weights [${rec.shape.join('×')}] recorded at ${rec.iterations.length} iterations (use --json to get them)`);
  }
  io.out(`${result.iterations} iterations in ${ms.toFixed(1)} ms (${(ms / Math.max(1, result.iterations)).toFixed(2)} ms per iteration)`);
  return 0;
}

/** JSON output keeps recorded attention weights up to this many numbers (small graphs). */
const ATTENTION_JSON_LIMIT = 2_000_000;

function attentionJson(result: SettleResult): Record<string, unknown> {
  const total = [...result.attention.values()].reduce((n, r) => n + r.iterations.length * (r.iterations[0]?.length ?? 0), 0);
  if (total > ATTENTION_JSON_LIMIT) {
    return { attentionOmitted: `${total} recorded weights exceed the JSON limit of ${ATTENTION_JSON_LIMIT}: use a smaller --batch or --steps` };
  }
  const attention: Record<string, { shape: number[]; iterations: number[][] }> = {};
  for (const [id, r] of result.attention) attention[id] = { shape: r.shape, iterations: r.iterations.map((a) => Array.from(a, (v) => Math.round(v * 1e6) / 1e6)) };
  return { attention };
}

function fmt(v: number): string {
  return (v >= 0 ? ' ' : '') + v.toFixed(3);
}

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

interface LayerSummary {
  id: string;
  shape: string;
  mean: number;
  min: number;
  max: number;
  /** Share of units within 1% of the ends of their range (|x| > 0.99 for tanh and sign). */
  saturated: number;
}

function summariseLayers(plan: Plan, result: SettleResult): LayerSummary[] {
  return plan.layers.map((l) => {
    const v = result.state.get(l.id)!.dataSync();
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let sat = 0;
    const symmetric = l.activation === 'tanh' || l.activation === 'sign';
    for (const x of v) {
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
      if (symmetric ? Math.abs(x) > 0.99 : x < 0.01 || x > 0.99) sat++;
    }
    return { id: l.id, shape: describeShape(l.shape), mean: sum / v.length, min, max, saturated: sat / v.length };
  });
}
