/**
 * EngineHost training mnist-completion on real digits: batches stream, held-out
 * evaluations, galleries and weight views come as asked, a cancel writes a checkpoint
 * that a resumed run continues from, and no tensor outlives a run.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { startBackend, type BackendInfo } from '../../../engine/backend/select.js';
import { EngineHost } from '../../../engine/server/host.js';
import type { TrainStart } from '../../../engine/protocol/run.js';
import { Recorder } from './recorder.js';

const root = join(__dirname, '..', '..', '..');
const MNIST = 'examples/mnist-completion.attractor.json';
let backend: BackendInfo;
const tmp = mkdtempSync(join(tmpdir(), 'engine-host-train-'));

beforeAll(async () => {
  backend = await startBackend('wasm');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function trainCmd(runId: string, extra: Partial<TrainStart>): TrainStart {
  return { type: 'train.start', runId, graphPath: MNIST, batch: 8, steps: 10, evalLimit: 20, ...extra };
}

describe('EngineHost train', () => {
  it('streams batches, a held-out evaluation, a gallery, weights and checkpoints', async () => {
    const rec = new Recorder();
    const host = new EngineHost(rec.send, { backend, baseDir: root });
    const before = tf.memory().numTensors;
    const dir = join(tmp, 'run1');
    host.handle(trainCmd('t1', { batches: 4, checkpointDir: dir, evalEvery: 2, galleryEvery: 2, galleryCount: 2, weightsEvery: 2 }));
    const closed = await rec.closed('t1');
    expect(closed.type).toBe('run.done');

    const started = rec.of('run.started', 't1')[0];
    expect(started.kind === 'train' && started.totals).toMatchObject({ method: 'bptt', batches: 4, startStep: 0, batchSize: 8, trainExamples: 9000, heldOutExamples: 1000, checkpointDir: dir });
    const batches = rec.of('train.batch', 't1');
    expect(batches.map((b) => b.step)).toEqual([1, 2, 3, 4]);
    for (const b of batches) {
      expect(Number.isFinite(b.loss) && b.loss > 0).toBe(true);
      expect(b.examplesPerSec).toBeGreaterThan(0);
      expect(b.total).toBe(4);
    }

    const evals = rec.of('train.eval', 't1');
    expect(evals.map((e) => e.step)).toEqual([2, 4]);
    for (const e of evals) {
      expect(e.examples).toBe(20);
      expect(e.heldOutLoss).toBeGreaterThan(0);
      expect(e.accuracy).toBeNull();
      const h = e.tStarHistogram;
      expect(h.bins).toHaveLength(h.counts.length + 1);
      expect(h.counts.reduce((a, b) => a + b, 0) + h.unsettled).toBe(20);
    }

    const galleries = rec.of('train.gallery', 't1');
    expect(galleries.map((g) => g.step)).toEqual([2, 4]);
    const item = galleries[0].items[0];
    expect(galleries[0].items).toHaveLength(2);
    expect(item).toMatchObject({ layerId: 'visible', dims: [784], range: [-1, 1] });
    for (const k of ['input', 'clamped', 'result', 'target'] as const) expect(item[k]).toHaveLength(784);
    // Top half clamped: the first 392 pixels are held and equal the data in input and result.
    expect(Array.from(item.clamped.subarray(0, 392)).every((v) => v === 1)).toBe(true);
    expect(Array.from(item.clamped.subarray(392)).every((v) => v === 0)).toBe(true);
    expect(Array.from(item.result.subarray(0, 392))).toEqual(Array.from(item.target!.subarray(0, 392)));

    const weights = rec.of('train.weights', 't1');
    expect(weights.map((w) => w.step)).toEqual([2, 4]);
    const w = weights[0].params.find((p) => p.name === 'W')!;
    expect(w).toMatchObject({ kind: 'dense', shape: [784, 256], dataShape: [392, 128], downsampled: { block: [2, 2] } });
    expect(w.data).toHaveLength(392 * 128);
    const bias = weights[0].params.find((p) => p.kind === 'bias')!;
    expect(bias.downsampled).toBeNull();

    expect(rec.of('train.checkpoint', 't1').map((c) => c.step)).toEqual([4]);
    expect(JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'))).toMatchObject({ step: 4, method: 'bptt' });
    const done = rec.of('run.done', 't1')[0].summary;
    expect(done).toMatchObject({ kind: 'train', steps: 4, checkpoint: dir, heldOutLoss: evals[1].heldOutLoss });
    expect(tf.memory().numTensors).toBe(before);

    // Training into a folder that holds a checkpoint is refused unless told, in the Train view's words (issue 15).
    host.handle(trainCmd('t2', { batches: 1, checkpointDir: dir }));
    expect((await rec.failed('t2')).message).toBe(`${dir} already holds a checkpoint: press "⟲ From checkpoint" to continue it, or tick "replace" and train to start over`);
  });

  it('cancel during training writes a checkpoint, frees every tensor, and a resumed run continues from that step', async () => {
    const rec = new Recorder();
    const host = new EngineHost(rec.send, { backend, baseDir: root });
    const before = tf.memory().numTensors;
    const dir = join(tmp, 'run2');
    host.handle(trainCmd('c1', { batches: 500, checkpointDir: dir, evalEvery: 1000, galleryEvery: 1000, weightsEvery: 1000 }));
    await rec.seen('train.batch', (b) => b.runId === 'c1' && b.step === 2);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    host.handle({ type: 'run.cancel', runId: 'c1' });
    const cancelled = await rec.closed('c1');
    expect(cancelled.type).toBe('run.cancelled');
    const { at, checkpoint } = cancelled as { at: number; checkpoint: string };
    // Cancel finishes the batch in flight at most: within one batch of where it was sent.
    expect(at).toBeGreaterThanOrEqual(2);
    expect(at).toBeLessThanOrEqual(3);
    expect(rec.of('train.batch', 'c1').at(-1)!.step).toBe(at);
    expect(checkpoint).toBe(dir);
    expect(existsSync(join(dir, 'checkpoint.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).step).toBe(at);
    expect(rec.of('train.checkpoint', 'c1').at(-1)).toMatchObject({ step: at, dir });
    expect(tf.memory().numTensors).toBe(before);
    console.log(`train cancel: stopped after batch ${at}; tensors ${before} → ${tf.memory().numTensors}`);

    host.handle(trainCmd('r1', { batches: at + 2, resumeFrom: dir, evalEvery: 1000 }));
    expect((await rec.closed('r1')).type).toBe('run.done');
    const resumed = rec.of('run.started', 'r1')[0];
    expect(resumed.kind === 'train' && resumed.totals).toMatchObject({ startStep: at, resumedFrom: dir, checkpointDir: dir });
    expect(rec.of('train.batch', 'r1').map((b) => b.step)).toEqual([at + 1, at + 2]);
    expect(JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).step).toBe(at + 2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pause holds between batches; a step trains exactly one batch', async () => {
    const rec = new Recorder();
    const host = new EngineHost(rec.send, { backend, baseDir: root });
    host.handle(trainCmd('p1', { batches: 50, checkpointDir: join(tmp, 'run3'), evalEvery: 1000, galleryEvery: 1000, weightsEvery: 1000 }));
    host.handle({ type: 'run.pause', runId: 'p1' });
    const paused = await rec.seen('run.paused', (e) => e.runId === 'p1');
    expect(rec.of('train.batch', 'p1')).toHaveLength(paused.at);
    const next = rec.next('run.paused', (e) => e.runId === 'p1');
    host.handle({ type: 'run.step', runId: 'p1' });
    expect((await next).at).toBe(paused.at + 1);
    expect(rec.of('train.batch', 'p1').map((b) => b.step)).toEqual([paused.at + 1]);
    host.handle({ type: 'run.cancel', runId: 'p1' });
    expect(await rec.closed('p1')).toMatchObject({ type: 'run.cancelled', at: paused.at + 1 });
  });

  it('hebbian storage in one go: symmetric weights (checked), a checkpoint, a held-out evaluation', async () => {
    const rec = new Recorder();
    const host = new EngineHost(rec.send, { backend, baseDir: root });
    const before = tf.memory().numTensors;
    host.handle({ type: 'train.start', runId: 'h1', graphPath: 'examples/hopfield.attractor.json', checkpointDir: join(tmp, 'hebbian') });
    expect((await rec.closed('h1')).type).toBe('run.done');
    const w = rec.of('train.weights', 'h1')[0].params.find((p) => p.name === 'W')!;
    expect(w).toMatchObject({ kind: 'dense-within', shape: [100, 100], symmetricError: 0, downsampled: null });
    expect(rec.of('train.checkpoint', 'h1')).toMatchObject([{ step: 1 }]);
    expect(rec.of('train.eval', 'h1')[0].examples).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('lists the checkpoints of a graph: its sidecar folder first, not other graphs\' folders', async () => {
    const rec = new Recorder();
    const folder = join(tmp, 'listing');
    mkdirSync(folder);
    const graphPath = join(folder, 'mnist-completion.attractor.json');
    copyFileSync(join(root, MNIST), graphPath);
    const host = new EngineHost(rec.send, { backend, baseDir: root });
    // No checkpointDir: training goes to the sidecar, NAME.weights next to the graph.
    host.handle({ type: 'train.start', runId: 'l1', graphPath, batch: 8, steps: 5, batches: 1, evalLimit: 10 });
    expect((await rec.closed('l1')).type).toBe('run.done');
    host.handle({ type: 'train.start', runId: 'l2', graphPath: 'examples/hopfield.attractor.json', checkpointDir: join(folder, 'elsewhere') });
    expect((await rec.closed('l2')).type).toBe('run.done');

    const reply = rec.next('checkpoint.list');
    host.handle({ type: 'checkpoint.list', requestId: 'q', graphPath });
    const list = await reply;
    expect(list.requestId).toBe('q');
    expect(list.checkpoints).toMatchObject([{ dir: join(folder, 'mnist-completion.weights'), step: 1, method: 'bptt', isDefault: true }]);
    expect(list.checkpoints[0].loss).toBeGreaterThan(0);
  });
});
