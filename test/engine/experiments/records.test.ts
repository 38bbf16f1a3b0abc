/**
 * Run records written by the real CLI on a real (small) graph: the folder's files, the
 * loss history across a resume, settle and eval records, --set, --no-record.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRuns, readCurves, readMetrics, settingsTable } from '../../../engine/experiments/run-folders.js';
import { runsDirFor } from '../../../engine/experiments/paths.js';
import { attractor, graphCopy } from './helpers.js';

describe('run records from the CLI', () => {
  const graph = graphCopy();
  const runs = runsDirFor(graph);

  it('a train run leaves run.json, the graph snapshot, metrics per batch, a summary and its checkpoint', async () => {
    const r = await attractor(['train', graph, '--batches', '10', '--set', 'training.optimizer.lr=0.02']);
    expect(r.code, r.err).toBe(0);
    const [run] = await listRuns(runs);
    expect(run.status).toBe('done');
    expect(run.record).toMatchObject({ kind: 'train', origin: 'cli', seed: 0, set: { 'training.optimizer.lr': 0.02 }, backend: { name: 'wasm' } });
    expect(run.record.settings).toMatchObject({ training: { batches: 10, optimizer: { lr: 0.02 } } });
    const snapshot = JSON.parse(readFileSync(join(run.dir, 'graph.attractor.json'), 'utf8'));
    expect(snapshot.training.optimizer.lr).toBe(0.02);
    const batches = (await readMetrics(run.dir)).filter((m) => m.type === 'train.batch');
    expect(batches.map((m) => (m.type === 'train.batch' ? m.step : 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(run.summary?.train).toMatchObject({ steps: 10, startStep: 0 });
    expect(run.summary?.train?.heldOutLoss).toBeGreaterThan(0);
    expect(existsSync(join(run.dir, 'checkpoint', 'checkpoint.json'))).toBe(true);
  });

  it('a resumed run names its parent, and its curves go back to the first batch', async () => {
    const r = await attractor(['train', graph, '--resume', '--batches', '16']);
    expect(r.code, r.err).toBe(0);
    const [resumed, first] = await listRuns(runs);
    expect(resumed.record.parent).toEqual({ run: first.record.id, step: 10 });
    const curves = (await readCurves(runs, resumed.record.id))!;
    expect(curves.chain).toEqual([first.record.id, resumed.record.id]);
    expect(curves.steps).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    // The first ten losses are the parent's own.
    const parent = (await readCurves(runs, first.record.id))!;
    expect(curves.loss.slice(0, 10)).toEqual(parent.loss);
    expect(curves.evalSteps).toEqual([10, 16]);
    const table = settingsTable([first.record, resumed.record]);
    expect(table.rows.filter((row) => row.differs).map((row) => row.path)).toContain('training.batches');
  });

  it('settle and eval runs are recorded too; --no-record leaves nothing', async () => {
    const weights = join(dirname(graph), 'bars-completion.weights');
    expect((await attractor(['settle', graph, '--weights', weights])).code).toBe(0);
    const ev = await attractor(['eval', graph, '--json']);
    expect(ev.code, ev.err).toBe(0);
    const printed = JSON.parse(ev.out) as { examples: number; loss: number };
    const before = readdirSync(runs).length;
    expect((await attractor(['settle', graph, '--no-record'])).code).toBe(0);
    expect(readdirSync(runs).length).toBe(before);
    const all = await listRuns(runs);
    const settle = all.find((r) => r.record.kind === 'settle')!;
    expect(settle.summary?.settle).toMatchObject({ examples: 4 });
    expect(settle.summary!.settle!.iterations).toBeGreaterThan(0);
    expect((await readMetrics(settle.dir)).filter((m) => m.type === 'settle.iteration').length).toBe(settle.summary!.settle!.iterations + 1);
    const evaluated = all.find((r) => r.record.kind === 'eval')!;
    expect(evaluated.summary?.eval).toMatchObject({ examples: printed.examples, loss: printed.loss });
    expect(evaluated.summary?.eval?.weights).toMatch(/bars-completion\.weights/);
  });

  it('attractor runs lists them; a bad --set names the node and the path', async () => {
    const list = await attractor(['runs', graph]);
    expect(list.code).toBe(0);
    expect(list.out.split('\n').filter((l) => / train | settle | eval /.test(l))).toHaveLength(4);
    const bad = await attractor(['train', graph, '--set', 'V.init.gain=2']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/no node "V" in the graph/);
    const range = await attractor(['train', graph, '--set', 'W.init.gain=-1']);
    expect(range.code).toBe(2);
    expect(range.err).toMatch(/nodes\[2\]\.params\.init\.gain/);
  });
});
