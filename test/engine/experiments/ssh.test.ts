/**
 * The Slurm runner over SSH, as from a desktop to a login node: a real sshd on this
 * machine (a generated key), the local Slurm behind it, a "cluster" folder apart from the
 * graph's. The graph is uploaded, the array submitted and followed over SSH, and the run
 * folders come back beside the local graph.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns } from '../../../engine/experiments/run-folders.js';
import { runsDirFor } from '../../../engine/experiments/paths.js';
import { listSweeps } from '../../../engine/experiments/sweep-folder.js';
import { BIN, attractor, graphCopy } from './helpers.js';
import { startLocalSlurm } from './slurm-local.js';
import { startSshd, type Sshd } from './sshd.js';

let sshd: Sshd;
beforeAll(async () => {
  startLocalSlurm();
  sshd = await startSshd();
}, 600_000);
afterAll(() => sshd?.stop());

describe('a sweep on Slurm over SSH', () => {
  it('uploads the graph, submits over SSH, and copies the run folders back', async () => {
    const graph = graphCopy();
    const cluster = mkdtempSync(join(tmpdir(), 'attractor-cluster-'));
    const r = await attractor([
      'sweep', graph, '--set', 'training.optimizer.lr=0.003,0.01,0.03,0.1', '--runner', 'slurm',
      '--ssh', `${sshd.user}@127.0.0.1:${sshd.port}`, '--key', sshd.key, '--remote-dir', cluster,
      '--attractor', `${process.execPath} ${BIN}`, '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    const result = JSON.parse(r.out.trim().split('\n').at(-1)!) as { status: string; rows: { status: string; runId: string }[] };
    expect(result.status).toBe('done');
    expect(result.rows.map((row) => row.status)).toEqual(['done', 'done', 'done', 'done']);
    // The runs happened in the cluster's folder, and are here now, checkpoints included.
    expect(existsSync(join(cluster, 'bars-completion.attractor.json'))).toBe(true);
    const remote = await listRuns(join(cluster, 'bars-completion.runs'));
    const local = await listRuns(runsDirFor(graph));
    expect(local.map((x) => x.record.id).sort()).toEqual(remote.map((x) => x.record.id).sort());
    for (const run of local) expect(existsSync(join(run.dir, 'checkpoint', 'checkpoint.json'))).toBe(true);
    const [sweep] = await listSweeps(graph);
    expect(sweep.state?.remote).toEqual({ host: '127.0.0.1', dir: join(cluster, 'bars-completion.sweeps', sweep.id), hostKey: sshd.hostKey });
  });

  it('a wrong key is refused with a message that names the host', async () => {
    const graph = graphCopy();
    const r = await attractor(['sweep', graph, '--set', 'training.batches=2', '--runner', 'slurm', '--ssh', `${sshd.user}@127.0.0.1:${sshd.port}`, '--key', `${graph}`, '--remote-dir', '/tmp/x']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/ssh .*@127\.0\.0\.1:\d+/);
  });
});
