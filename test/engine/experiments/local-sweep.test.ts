/**
 * Sweeps with the local runner, as a user runs them: `attractor sweep` as a process,
 * its pool of task processes, results read back; a task cancelled mid-run and continued
 * from its checkpoint; a sweep cancelled and resumed runs only what was not done.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRuns, readCurves, readMetrics } from '../../../engine/experiments/run-folders.js';
import { runsDirFor } from '../../../engine/experiments/paths.js';
import { createSweep, listSweeps } from '../../../engine/experiments/sweep-folder.js';
import { loadGraphFile } from '../../../engine/format/load.js';
import { spawn } from 'node:child_process';
import { BIN, attractor, graphCopy, waitFor } from './helpers.js';

describe('local sweeps', () => {
  it('4 runs on a pool of 2: every configuration trained, results as CSV and JSON, the best one marked', async () => {
    const graph = graphCopy();
    const r = await attractor(['sweep', graph, '--set', 'training.optimizer.lr=0.003,0.03', '--set', 'W.init.gain=0.3,1', '--jobs', '2', '--json']);
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out.trim().split('\n').at(-1)!) as { id: string; status: string; best: number; rows: { index: number; set: Record<string, number>; heldOutLoss: number; status: string; runId: string }[] };
    expect(result.status).toBe('done');
    expect(result.rows.map((row) => row.set)).toEqual([
      { 'training.optimizer.lr': 0.003, 'W.init.gain': 0.3 },
      { 'training.optimizer.lr': 0.003, 'W.init.gain': 1 },
      { 'training.optimizer.lr': 0.03, 'W.init.gain': 0.3 },
      { 'training.optimizer.lr': 0.03, 'W.init.gain': 1 },
    ]);
    const losses = result.rows.map((row) => row.heldOutLoss);
    expect(result.best).toBe(losses.indexOf(Math.min(...losses)));
    // Each row is its run's own record, with the overrides it ran with.
    const runs = await listRuns(runsDirFor(graph));
    for (const row of result.rows) {
      const run = runs.find((x) => x.record.id === row.runId)!;
      expect(run.record.sweep).toEqual({ id: result.id, index: row.index });
      expect(run.record.settings).toMatchObject({ training: { optimizer: { lr: row.set['training.optimizer.lr'] } } });
      expect(run.summary?.train?.heldOutLoss).toBe(row.heldOutLoss);
    }
    const [sweep] = await listSweeps(graph);
    const csv = readFileSync(join(sweep.dir, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('index,seed,training.optimizer.lr,W.init.gain,status,held_out_loss,last_loss,accuracy,batches,ms,best,run');
    expect(csv).toHaveLength(5);
    expect(csv.filter((l) => l.split(',')[10] === '1')).toHaveLength(1);
  });

  it('a task cancelled mid-run (SIGINT) checkpoints; the next task continues it as a child run to the end', async () => {
    const graph = graphCopy();
    const loaded = await loadGraphFile(graph);
    if (!loaded.ok) throw new Error('fixture does not load');
    const { dir } = createSweep(graph, loaded.graph, { params: [{ path: 'training.batches', values: [300] }] });
    const runs = runsDirFor(graph);
    const task = spawn(process.execPath, [BIN, 'sweep', '--task', dir, '--index', '0'], { env: { ...process.env, ATTRACTOR_RUNS: 'on' } });
    const exited = new Promise<number | null>((resolve) => task.on('exit', resolve));
    const running = await waitFor(async () => {
      const [run] = await listRuns(runs);
      return run && (await readMetrics(run.dir)).length >= 20 ? run : undefined;
    }, 60_000, 'the task to train 20 batches');
    task.kill('SIGINT');
    expect(await exited).toBe(130);
    const [cancelled] = await listRuns(runs);
    expect(cancelled.record.id).toBe(running.record.id);
    expect(cancelled.status).toBe('cancelled');
    const at = cancelled.summary!.train!.steps;
    expect(at).toBeLessThan(300);
    const resumed = await attractor(['sweep', '--task', dir, '--index', '0']);
    expect(resumed.code, resumed.err).toBe(0);
    const [child] = await listRuns(runs);
    expect(child.record.parent).toEqual({ run: cancelled.record.id, step: at });
    expect(child.summary?.train).toMatchObject({ steps: 300, startStep: at });
    const curves = (await readCurves(runs, child.record.id))!;
    expect(curves.steps).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    // Done now: a third task leaves it be.
    const third = await attractor(['sweep', '--task', dir, '--index', '0']);
    expect(third.out).toMatch(/already done/);
    expect(await listRuns(runs)).toHaveLength(2);
  });

  it('a cancelled sweep resumes with only the configurations not done', async () => {
    const graph = graphCopy();
    const child = spawn(process.execPath, [BIN, 'sweep', graph, '--set', 'training.batches=20,20000', '--jobs', '1'], { env: { ...process.env, ATTRACTOR_RUNS: 'on' } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const runs = runsDirFor(graph);
    await waitFor(async () => ((await listRuns(runs)).some((r) => r.record.sweep?.index === 1 && r.status === 'running') ? true : undefined), 60_000, 'the second configuration to start');
    const [sweep] = await listSweeps(graph);
    const cancel = await attractor(['sweep', graph, '--cancel', sweep.id]);
    expect(cancel.code, cancel.err).toBe(0);
    expect(await exited).toBe(130);
    const [after] = await listSweeps(graph);
    expect(after.status).toBe('cancelled');
    expect(after.rows.map((r) => r.status)).toEqual(['done', 'cancelled']);
    const doneRun = after.rows[0].runId;
    // Resume: configuration 0 is not trained again; configuration 1 continues from its checkpoint (shortened by hand to finish here).
    const spec = join(after.dir, 'sweep.json');
    const file = JSON.parse(readFileSync(spec, 'utf8'));
    file.configs[1].set['training.batches'] = after.rows[1].steps! + 5;
    writeFileSync(spec, JSON.stringify(file));
    const resumed = await attractor(['sweep', graph, '--resume', sweep.id, '--json']);
    expect(resumed.code, resumed.err).toBe(0);
    const [final] = await listSweeps(graph);
    expect(final.status).toBe('done');
    expect(final.rows[0].runId).toBe(doneRun);
    expect((await listRuns(runs)).filter((r) => r.record.sweep?.index === 0)).toHaveLength(1);
    expect((await listRuns(runs)).filter((r) => r.record.sweep?.index === 1)).toHaveLength(2);
  });
});
