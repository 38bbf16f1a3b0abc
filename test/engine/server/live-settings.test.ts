/**
 * Settings changed while a training run is paused (run.update; Nengo GUI's "change,
 * continue"): acknowledged at once, in force from the next batch, refused while running
 * and for settle runs (issue 15).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { startBackend, type BackendInfo } from '../../../engine/backend/select.js';
import { EngineHost } from '../../../engine/server/host.js';
import { Recorder, settleCmd } from './recorder.js';

const root = join(__dirname, '..', '..', '..');
let backend: BackendInfo;
const tmp = mkdtempSync(join(tmpdir(), 'engine-host-update-'));

beforeAll(async () => {
  backend = await startBackend('wasm');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('run.update', () => {
  it('changes T, θ and the learning rate of a paused training run from its next batch', async () => {
    const rec = new Recorder();
    const host = new EngineHost(rec.send, { backend, baseDir: root });
    const before = tf.memory().numTensors;
    host.handle({ type: 'train.start', runId: 'u', graphPath: 'examples/mnist-completion.attractor.json', batch: 8, batches: 40, checkpointDir: join(tmp, 'u'), evalEvery: 1000, galleryEvery: 1000, weightsEvery: 1000 });
    const started = await rec.seen('run.started', (e) => e.runId === 'u');
    expect(started.kind === 'train' && started.totals).toMatchObject({ lr: 3e-3, steps: 20, theta: 1e-3 });

    // Running: refused, the run carries on.
    host.handle({ type: 'run.update', runId: 'u', steps: 1 });
    expect((await rec.seen('run.error', (e) => e.runId === 'u')).message).toBe('run.update: pause the run first: settings change between batches, while it is paused');

    await rec.seen('train.batch', (b) => b.runId === 'u' && b.step === 2);
    host.handle({ type: 'run.pause', runId: 'u' });
    const paused = await rec.seen('run.paused', (e) => e.runId === 'u');
    // With T = 20 the digits settle within the batch.
    expect(rec.of('train.batch', 'u').at(-1)!.unsettled).toBe(0);
    host.handle({ type: 'run.update', runId: 'u', steps: 1, lr: 0.01 });
    expect(await rec.seen('run.updated')).toEqual({ type: 'run.updated', runId: 'u', at: paused.at, lr: 0.01, steps: 1, theta: 1e-3 });
    // A second change adds to the first.
    host.handle({ type: 'run.update', runId: 'u', theta: 1e-6 });
    expect(rec.of('run.updated').at(-1)).toMatchObject({ lr: 0.01, steps: 1, theta: 1e-6 });

    const stepped = rec.next('run.paused', (e) => e.runId === 'u');
    host.handle({ type: 'run.step', runId: 'u' });
    await stepped;
    // T = 1: no example of the batch settles within one iteration.
    expect(rec.of('train.batch', 'u').at(-1)).toMatchObject({ step: paused.at + 1, unsettled: 8 });

    host.handle({ type: 'run.cancel', runId: 'u' });
    expect((await rec.closed('u')).type).toBe('run.cancelled');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is refused for a settle run, whose settings are fixed once it starts', async () => {
    const rec = new Recorder();
    const host = new EngineHost(rec.send, { backend, baseDir: root });
    host.handle(settleCmd('s', { overrides: { theta: 1e-12, steps: 500 } }));
    host.handle({ type: 'run.pause', runId: 's' });
    await rec.seen('run.paused', (e) => e.runId === 's');
    host.handle({ type: 'run.update', runId: 's', steps: 10 });
    expect((await rec.seen('run.error', (e) => e.runId === 's')).message).toBe("run.update: a settle run's settings are fixed once it starts: cancel it and start again with the new ones");
    host.handle({ type: 'run.cancel', runId: 's' });
    expect((await rec.closed('s')).type).toBe('run.cancelled');
  });
});
