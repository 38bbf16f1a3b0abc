/**
 * The Slurm runner against a real Slurm: the one-node cluster of scripts/slurm-local.sh
 * (slurmctld, slurmd and munged on this machine). A sweep of 4 runs goes out as one job
 * array and comes back as run folders; a cancel stops the running tasks with a
 * checkpoint and removes the pending ones.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { listRuns, readMetrics } from '../../../engine/experiments/run-folders.js';
import { runsDirFor } from '../../../engine/experiments/paths.js';
import { listSweeps } from '../../../engine/experiments/sweep-folder.js';
import { arraySpec, sbatchScript } from '../../../engine/experiments/slurm.js';
import { attractor, graphCopy, waitFor } from './helpers.js';
import { squeue, startLocalSlurm } from './slurm-local.js';

beforeAll(() => startLocalSlurm(), 600_000);

describe('sbatch script', () => {
  it('compresses the array, passes the options and execs the task', () => {
    expect(arraySpec([0, 1, 2, 3, 5, 7, 8], 2)).toBe('0-3,5,7-8%2');
    const sweep = { id: 'sweep-x', configs: [] } as never;
    const text = sbatchScript(sweep, '/shared/g.sweeps/sweep-x', [0, 1], { partition: 'gpu', time: '1:00:00', gres: 'gpu:1', cpusPerTask: 4, setup: ['module load nodejs'] }, 'attractor');
    expect(text.split('\n')).toEqual(
      expect.arrayContaining(['#SBATCH --array=0-1', '#SBATCH --partition=gpu', '#SBATCH --time=1:00:00', '#SBATCH --gres=gpu:1', '#SBATCH --cpus-per-task=4', 'module load nodejs', "exec attractor sweep --task '/shared/g.sweeps/sweep-x' --workers 3"]),
    );
  });
});

describe('sweeps on a local Slurm', () => {
  it('4 runs through sbatch to completion; results read back from the run folders', async () => {
    const graph = graphCopy();
    const r = await attractor(['sweep', graph, '--set', 'training.optimizer.lr=0.003,0.03', '--seeds', '2', '--runner', 'slurm', '--json']);
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out.trim().split('\n').at(-1)!) as { status: string; rows: { status: string; seed: number; heldOutLoss: number; runId: string }[]; best: number };
    expect(result.status).toBe('done');
    expect(result.rows.map((row) => [row.status, row.seed])).toEqual([['done', 0], ['done', 1], ['done', 0], ['done', 1]]);
    const [sweep] = await listSweeps(graph);
    const jobId = sweep.state!.jobs[0].jobId;
    const runs = await listRuns(runsDirFor(graph));
    expect(runs).toHaveLength(4);
    for (const run of runs) {
      expect(run.record.slurm?.jobId).toBe(jobId);
      expect(Number(run.record.slurm?.taskId)).toBe(run.record.sweep!.index);
      expect(run.summary?.train?.heldOutLoss).toBe(result.rows[run.record.sweep!.index].heldOutLoss);
    }
  });

  it('a cancel (scancel) removes pending tasks and checkpoints the running ones', async () => {
    const graph = graphCopy();
    const r = await attractor(['sweep', graph, '--set', 'training.batches=100000', '--set', 'training.optimizer.lr=0.01,0.02,0.03', '--runner', 'slurm', '--max-parallel', '2', '--detach']);
    expect(r.code, r.err).toBe(0);
    const runsDir = runsDirFor(graph);
    await waitFor(async () => {
      const runs = await listRuns(runsDir);
      const counts = await Promise.all(runs.map(async (x) => (await readMetrics(x.dir)).length));
      return runs.length === 2 && counts.every((n) => n >= 5) ? true : undefined;
    }, 90_000, 'two tasks to train');
    const [sweep] = await listSweeps(graph);
    const jobId = sweep.state!.jobs[0].jobId;
    expect(squeue()).toContain(jobId);
    const c = await attractor(['sweep', graph, '--cancel', sweep.id]);
    expect(c.code, c.err).toBe(0);
    await waitFor(() => (squeue().includes(jobId) ? undefined : true), 60_000, 'the job array to leave the queue');
    const [after] = await listSweeps(graph);
    expect(after.status).toBe('cancelled');
    expect(after.rows.map((row) => row.status).sort()).toEqual(['cancelled', 'cancelled', 'pending']);
    for (const run of await listRuns(runsDir)) {
      expect(run.summary?.status).toBe('cancelled');
      expect(run.summary?.train?.checkpoint).toMatch(/checkpoint$/);
    }
  });
});
