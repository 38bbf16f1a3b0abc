/**
 * The run driver's training loop on real MNIST digits: the gate pauses it between
 * batches, a step trains exactly one, a cancel writes a checkpoint that a resumed run
 * continues from, each batch's whole report reaches the caller, and no tensor outlives
 * a run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { openRun } from '../../../engine/run/open.js';
import { trainRun, type TrainRequest } from '../../../engine/run/train-run.js';
import { RunInputError } from '../../../engine/run/input-error.js';
import type { BatchReport } from '../../../engine/train/trainer.js';
import { runContext, tempFolder, wasmBackend } from './context.js';

const root = join(__dirname, '..', '..', '..');
const tmp = tempFolder('run-driver-train-');
const backend = wasmBackend();

const WORDS = { batch: 'batch', moreBatches: 'raise batches', occupied: 'pick another folder' };

function request(dir: string, extra: Partial<TrainRequest> = {}): TrainRequest {
  return {
    overrides: { batch: 8, steps: 5, batches: 50 },
    checkpointDir: dir,
    resumeFrom: null,
    overwrite: false,
    workers: 0,
    words: WORDS,
    evaluation: { limit: 10, chunk: 10 },
    ...extra,
  };
}

const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as { step: number };

describe('trainRun', () => {
  it('pauses between batches, steps one batch, and a cancel writes a checkpoint and frees every tensor', async () => {
    const opened = await openRun({ path: join(root, 'examples/mnist-completion.attractor.json'), fallbackDir: root });
    const dir = join(tmp, 'gate');
    const { ctx, rec } = runContext('t1', 'train', backend());
    const reports: BatchReport[] = [];
    const before = tf.memory().numTensors;
    ctx.control.pause();
    const run = trainRun(opened, request(dir, { onBatch: (r) => reports.push(r) }), ctx);
    expect((await rec.seen('run.paused')).at).toBe(0);
    expect(rec.of('run.started')).toHaveLength(1);
    for (let k = 1; k <= 2; k++) {
      const paused = rec.next('run.paused');
      ctx.control.step();
      expect((await paused).at).toBe(k);
      expect(rec.of('train.batch').map((b) => b.step)).toEqual(Array.from({ length: k }, (_, i) => i + 1));
    }
    // The caller gets each batch's whole report; the protocol's train.batch carries most of it.
    expect(reports.map((r) => r.loss)).toEqual(rec.of('train.batch').map((b) => b.loss));
    expect(reports[0]).toHaveProperty('adjointSteps');
    ctx.control.cancel();
    const o = await run;
    expect(o).toMatchObject({ status: 'cancelled', at: 2, checkpoint: dir });
    expect(manifest(dir).step).toBe(2);
    expect(rec.of('train.checkpoint').at(-1)).toMatchObject({ step: 2, dir });
    expect(tf.memory().numTensors).toBe(before);

    // Resumed, it goes on from batch 3 and ends with a held-out evaluation.
    const resumed = runContext('t2', 'train', backend());
    const done = await trainRun(opened, request(dir, { resumeFrom: dir, overrides: { batch: 8, steps: 5, batches: 4 } }), resumed.ctx);
    expect(resumed.rec.of('train.batch').map((b) => b.step)).toEqual([3, 4]);
    expect(done.status).toBe('done');
    if (done.status === 'done') expect(done.heldOut).toMatchObject({ examples: 10 });
    expect(manifest(dir).step).toBe(4);
    expect(tf.memory().numTensors).toBe(before);

    // Training further than asked, or into the folder afresh, is refused in the caller's words.
    const again = trainRun(opened, request(dir, { resumeFrom: dir, overrides: { batch: 8, steps: 5, batches: 4 } }), runContext('t3', 'train', backend()).ctx);
    await expect(again).rejects.toThrow(`${dir} is already at batch 4 of 4: nothing left to train (raise batches)`);
    await expect(trainRun(opened, request(dir), runContext('t4', 'train', backend()).ctx)).rejects.toThrow(RunInputError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to resume from a checkpoint whose manifest lost its optimiser state, rather than restart Adam without a word', async () => {
    const opened = await openRun({ path: join(root, 'examples/mnist-completion.attractor.json'), fallbackDir: root });
    const dir = join(tmp, 'no-optimizer');
    const before = tf.memory().numTensors;
    await trainRun(opened, request(dir, { overrides: { batch: 8, steps: 5, batches: 1 } }), runContext('o1', 'train', backend()).ctx);
    // The manifest as a careless edit or an older tool leaves it: weights only, files still checksummed.
    const m = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as { tensors: { group: string; file: string }[]; files: Record<string, unknown>; optimizer: unknown };
    for (const t of m.tensors.filter((t) => t.group === 'optimizer')) delete m.files[t.file];
    m.tensors = m.tensors.filter((t) => t.group !== 'optimizer');
    m.optimizer = null;
    writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(m));
    const resumed = trainRun(opened, request(dir, { resumeFrom: dir, overrides: { batch: 8, steps: 5, batches: 2 } }), runContext('o2', 'train', backend()).ctx);
    await expect(resumed).rejects.toThrow(RunInputError);
    await expect(resumed).rejects.toThrow(`${join(dir, 'checkpoint.json')} has no optimiser state (it was saved without one): resuming would restart adam from scratch`);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('hebbian storage in one go: the outcome says what was stored', async () => {
    const opened = await openRun({ path: join(root, 'examples/hopfield.attractor.json'), fallbackDir: root });
    const { ctx, rec } = runContext('h', 'train', backend());
    const before = tf.memory().numTensors;
    const o = await trainRun(opened, request(join(tmp, 'hebbian'), { overrides: {} }), ctx);
    expect(o.status).toBe('done');
    if (o.status === 'done') {
      expect(Object.fromEntries(o.stored!)).toEqual({ W: 5 });
      expect(o.heldOut.loss).toBe(0);
    }
    expect(rec.of('run.started')[0]).toMatchObject({ kind: 'train', totals: { method: 'hebbian' } });
    expect(tf.memory().numTensors).toBe(before);
  });
});
