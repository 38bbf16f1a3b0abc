/**
 * `attractor runs FILE`: the graph's run records (NAME.runs/), newest first, with their
 * status and result; `--show ID` one run's settings and curve; `--compare A,B,…` the
 * settings that differ; `--sweeps` the graph's sweeps with their best configuration.
 */
import { join, resolve } from 'node:path';
import { runsDirFor } from '../../experiments/paths.js';
import { listRuns, readCurves, readRun, settingsTable } from '../../experiments/run-folders.js';
import { listSweeps } from '../../experiments/sweep-folder.js';
import { isSafeId } from '../../experiments/paths.js';
import { choiceOption, onePositional, options, parse } from '../args.js';
import { EXIT, InputError } from '../errors.js';
import type { Io } from '../io.js';
import { num, runsTable, sweepTable } from '../sweep-report.js';

const USAGE = 'attractor runs FILE [--kind train|settle|eval] [--show ID | --compare ID,ID,… | --sweeps] [--json]';

export async function runsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, options(['kind', 'show', 'compare'], ['sweeps', 'json']), USAGE);
  const file = onePositional(positionals, 'graph file', USAGE);
  const dir = runsDirFor(resolve(file));
  const json = Boolean(values.json);
  if (values.sweeps) {
    const sweeps = await listSweeps(file);
    if (json) io.out(JSON.stringify(sweeps));
    else if (sweeps.length === 0) io.out(`no sweeps of ${file} yet (attractor sweep ${file} --set …)`);
    else sweeps.forEach((s) => sweepTable(s).forEach((l) => io.out(l)));
    return EXIT.ok;
  }
  if (typeof values.show === 'string') return show(dir, values.show, json, io);
  if (typeof values.compare === 'string') {
    const ids = values.compare.split(',').map((s) => s.trim());
    const runs = await Promise.all(ids.map((id) => (isSafeId(id) ? readRun(join(dir, id)) : null)));
    const missing = ids.filter((_, i) => !runs[i]);
    if (missing.length > 0) throw new InputError(`--compare: no run ${missing.map((m) => JSON.stringify(m)).join(', ')} in ${dir}`);
    const t = settingsTable(runs.map((r) => r!.record));
    if (json) io.out(JSON.stringify(t));
    else for (const row of t.rows.filter((r) => r.differs)) io.out(`${row.path}: ${row.values.map((v) => JSON.stringify(v)).join(' | ')}`);
    return EXIT.ok;
  }
  const kind = choiceOption(values, 'kind', ['train', 'settle', 'eval'] as const);
  const runs = (await listRuns(dir)).filter((r) => !kind || r.record.kind === kind);
  if (json) io.out(JSON.stringify(runs));
  else if (runs.length === 0) io.out(`no runs of ${file} yet: train, settle and eval record them in ${dir}`);
  else runsTable(runs).forEach((l) => io.out(l));
  return EXIT.ok;
}

async function show(dir: string, id: string, json: boolean, io: Io): Promise<number> {
  const run = isSafeId(id) ? await readRun(join(dir, id)) : null;
  if (!run) throw new InputError(`--show: no run "${id}" in ${dir}`);
  const curves = await readCurves(dir, id);
  if (json) {
    io.out(JSON.stringify({ ...run, curves }));
    return EXIT.ok;
  }
  const { record: r, summary: s } = run;
  io.out(`${r.id}: ${r.kind} ${run.status}, started ${r.started} on ${r.host} (${r.backend.detail}), seed ${r.seed}`);
  if (r.parent) io.out(`continues ${r.parent.run} from batch ${r.parent.step}`);
  if (Object.keys(r.set).length > 0) io.out(`set: ${Object.entries(r.set).map(([p, v]) => `${p}=${JSON.stringify(v)}`).join(' ')}`);
  if (s?.train) io.out(`result: ${s.train.steps} batches, last loss ${num(s.train.lastLoss)}, held-out ${num(s.train.heldOutLoss)}; weights ${s.train.checkpoint ?? '–'}`);
  if (s?.message) io.out(`message: ${s.message}`);
  if (curves && curves.steps.length > 0) {
    io.out(`loss: ${curves.steps.length} batches (${curves.steps[0]}–${curves.steps.at(-1)}) from ${curves.chain.join(' → ')}; first ${num(curves.loss[0])}, last ${num(curves.loss.at(-1))}`);
    if (curves.evalSteps.length > 0) io.out(`held-out: ${curves.evalSteps.map((st, i) => `${st}: ${num(curves.heldOutLoss[i])}`).join(', ')}`);
  }
  return EXIT.ok;
}
