import { existsSync } from 'node:fs';
import { sidecarDirFor } from '../../train/checkpoint.js';
import { evaluate, type EvalReport } from '../../train/evaluate.js';
import { intOption, onePositional, options, parse } from '../args.js';
import { InputError } from '../errors.js';
import { describeBackend } from '../../backend/select.js';
import { openNetwork } from '../../run/weights.js';
import { openCommandRun, printWarnings } from '../open.js';
import type { Io } from '../io.js';
import { RunRecorder } from '../../experiments/records.js';
import { RECORD_USAGE, recordFor, recordOptions, setValues } from '../record-option.js';

const USAGE = `attractor eval FILE [--weights DIR] [--batch B] [--limit N] [--backend B] [--json] ${RECORD_USAGE}`;

export function formatEval(r: EvalReport): string {
  const parts = [
    `held-out: ${r.examples} examples${r.loss === null ? ' (no target: no loss)' : `, loss ${r.loss.toFixed(4)}`}`,
    ...(r.accuracy !== null ? [`accuracy ${(100 * r.accuracy).toFixed(1)}%`] : []),
    `t* mean ${r.meanTStar === null ? '–' : r.meanTStar.toFixed(1)} max ${r.maxTStar ?? '–'}`,
    `unsettled ${r.unsettled}`,
    `2-cycles ${r.cycle2}`,
  ];
  const lines = [parts.join(', ')];
  for (const m of r.metrics ?? []) {
    const signed = m.bitError !== undefined ? `, bit error ${(100 * m.bitError).toFixed(2)}%, overlap ${m.overlap!.toFixed(4)}` : '';
    lines.push(`  target "${m.target}" (${m.layer}): masked MSE ${m.mse.toFixed(4)}${signed}`);
  }
  return lines.join('\n');
}

export async function evalCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { ...options(['weights', 'batch', 'limit', 'backend'], ['json']), ...recordOptions() }, USAGE);
  const file = onePositional(positionals, 'graph file', USAGE);
  const { opened, backend } = await openCommandRun(file, {}, values.backend, setValues(values));
  if (!values.json) printWarnings(io, file, opened.warnings);
  let weights = typeof values.weights === 'string' ? values.weights : undefined;
  if (!weights && !opened.graph.weights) {
    const sidecar = sidecarDirFor(file);
    if (!existsSync(sidecar)) throw new InputError(`no weights to evaluate: pass --weights DIR (a folder written by attractor train)\nusage: ${USAGE}`);
    weights = sidecar;
  }
  const { network, from } = await openNetwork(opened, weights ? { dir: weights, option: '--weights' } : undefined, opened.plan.settle.seed);
  const { steps, theta, seed } = opened.plan.settle;
  const batch = intOption(values, 'batch', 1) ?? 100;
  const limit = intOption(values, 'limit', 1);
  const recording = recordFor(file, argv, values, io);
  const recorder = recording ? new RunRecorder(recording, { kind: 'eval', graphFile: file, graph: opened.graph, seed, settings: { settle: opened.plan.settle, weights: weights ?? opened.graph.weights ?? null, batch, limit: limit ?? null } }) : null;
  recorder?.begin({ name: backend.name, detail: backend.detail });
  try {
    const r = await evaluate(opened.plan, network, opened.datasets, { batch, steps, theta, seed, limit, perExample: true });
    await recorder?.finish('done', { eval: { examples: r.examples, loss: r.loss, accuracy: r.accuracy, meanTStar: r.meanTStar, unsettled: r.unsettled, cycle2: r.cycle2, weights: from } });
    if (values.json) io.out(JSON.stringify({ file, backend: backend.name, weights: from, ...r }));
    else {
      io.out(describeBackend(backend));
      io.out(`${from}`);
      io.out(formatEval(r));
    }
    return 0;
  } catch (err) {
    await recorder?.finish('failed', { message: (err as Error).message });
    throw err;
  } finally {
    network.dispose();
  }
}
