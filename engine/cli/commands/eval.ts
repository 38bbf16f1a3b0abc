import { existsSync } from 'node:fs';
import { sidecarDirFor } from '../../train/checkpoint.js';
import { evaluate, type EvalReport } from '../../train/evaluate.js';
import { intOption, onePositional, options, parse } from '../args.js';
import { InputError } from '../errors.js';
import { describeBackend } from '../../backend/select.js';
import { openNetwork } from '../../run/weights.js';
import { openCommandRun, printWarnings } from '../open.js';
import type { Io } from '../io.js';

const USAGE = 'attractor eval FILE [--weights DIR] [--batch B] [--limit N] [--backend B] [--json]';

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
  const { values, positionals } = parse(argv, options(['weights', 'batch', 'limit', 'backend'], ['json']), USAGE);
  const file = onePositional(positionals, 'graph file', USAGE);
  const { opened, backend } = await openCommandRun(file, {}, values.backend);
  if (!values.json) printWarnings(io, file, opened.warnings);
  let weights = typeof values.weights === 'string' ? values.weights : undefined;
  if (!weights && !opened.graph.weights) {
    const sidecar = sidecarDirFor(file);
    if (!existsSync(sidecar)) throw new InputError(`no weights to evaluate: pass --weights DIR (a folder written by attractor train)\nusage: ${USAGE}`);
    weights = sidecar;
  }
  const { network, from } = await openNetwork(opened, weights ? { dir: weights, option: '--weights' } : undefined, opened.plan.settle.seed);
  try {
    const { steps, theta, seed } = opened.plan.settle;
    const r = await evaluate(opened.plan, network, opened.datasets, { batch: intOption(values, 'batch', 1) ?? 100, steps, theta, seed, limit: intOption(values, 'limit', 1), perExample: true });
    if (values.json) io.out(JSON.stringify({ file, backend: backend.name, weights: from, ...r }));
    else {
      io.out(describeBackend(backend));
      io.out(`${from}`);
      io.out(formatEval(r));
    }
    return 0;
  } finally {
    network.dispose();
  }
}
