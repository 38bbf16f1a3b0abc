/**
 * The desktop app's sweep tasks (app/main/sweep-tasks.ts): the bundled CLI started the
 * way a utility process starts it (a module with its arguments as process.argv[2…], stdout
 * and stderr piped, stopped by kill() = SIGTERM), here by Node's fork, the same contract
 * without the Electron binary. The pool runs every configuration, the logs get the
 * tasks' output, and a cancel stops a running task at its next batch with a checkpoint.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { desktopCli, type ForkTask } from '../../../app/main/sweep-tasks.js';
import { LocalSweep } from '../../../engine/experiments/local-runner.js';
import { listRuns, readMetrics } from '../../../engine/experiments/run-folders.js';
import { runsDirFor } from '../../../engine/experiments/paths.js';
import { createSweep, logFile } from '../../../engine/experiments/sweep-folder.js';
import { loadGraphFile } from '../../../engine/format/load.js';
import { ROOT, graphCopy, waitFor } from './helpers.js';

const CLI = join(ROOT, 'dist', 'attractor.mjs');
const forkLikeUtility: ForkTask = (modulePath, args, options) => fork(modulePath, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });

async function sweepOf(batches: number[]) {
  const graph = graphCopy();
  const loaded = await loadGraphFile(graph);
  if (!loaded.ok) throw new Error('fixture does not load');
  return { graph, ...createSweep(graph, loaded.graph, { params: [{ path: 'training.batches', values: batches }] }) };
}

describe('sweep tasks in utility processes', () => {
  it('runs every configuration with the bundled CLI; each log holds its task output', async () => {
    const { graph, dir } = await sweepOf([3, 4]);
    const ended: (number | null)[] = [];
    const pool = new LocalSweep({ dir, indices: [0, 1], jobs: 2, cli: desktopCli(forkLikeUtility, CLI), onTaskEnd: (_i, code) => ended.push(code) });
    await pool.start();
    expect(ended).toEqual([0, 0]);
    const runs = await listRuns(runsDirFor(graph));
    expect(runs.map((r) => r.status).sort()).toEqual(['done', 'done']);
    expect(runs.map((r) => r.summary?.train?.steps).sort()).toEqual([3, 4]);
    for (const index of [0, 1]) expect(readFileSync(logFile(dir, index), 'utf8')).toMatch(/batch|done|held-out/i);
  }, 120_000);

  it("a cancel stops the running task with SIGTERM at its next batch: its run is recorded cancelled (not killed mid-batch), the queue never starts", async () => {
    const { graph, dir } = await sweepOf([5000, 5000]);
    const ended: (number | null)[] = [];
    const pool = new LocalSweep({ dir, indices: [0, 1], jobs: 1, cli: desktopCli(forkLikeUtility, CLI), onTaskEnd: (_i, code) => ended.push(code) });
    const done = pool.start();
    const runs = runsDirFor(graph);
    await waitFor(async () => {
      const [run] = await listRuns(runs);
      return run && (await readMetrics(run.dir)).length >= 10 ? run : undefined;
    }, 60_000, 'the task to train 10 batches');
    pool.cancel();
    await done;
    expect(ended).toHaveLength(1);
    const listed = await listRuns(runs);
    expect(listed).toHaveLength(1);
    expect(listed[0].status).toBe('cancelled');
    expect(listed[0].summary!.train!.steps).toBeLessThan(5000);
  }, 120_000);
});
