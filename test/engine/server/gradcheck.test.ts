/**
 * EngineHost checking gradients (the app's "Check gradients"): BPTT, recurrent backprop and
 * finite differences on the MNIST completion example agree overall and parameter by
 * parameter; progress streams by stage; pause, step and cancel act between finite
 * differences; a graph with nothing to check is refused by name; no tensor outlives a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tf } from '../../../engine/tf.js';
import { startBackend, type BackendInfo } from '../../../engine/backend/select.js';
import { EngineHost } from '../../../engine/server/host.js';
import type { GradcheckStart } from '../../../engine/protocol/run.js';
import { FD_NOISE_RESOLUTIONS, type EqpropAgreement } from '../../../engine/protocol/gradcheck-events.js';
import { graphOf, layer, vector } from '../../helpers/graphs.js';
import { MNIST_COMPLETION, Recorder } from './recorder.js';

const root = join(__dirname, '..', '..', '..');
let backend: BackendInfo;
let host: EngineHost;
let rec: Recorder;

beforeAll(async () => {
  backend = await startBackend('wasm');
  rec = new Recorder();
  host = new EngineHost(rec.send, { backend, baseDir: root });
});
afterAll(() => host.idle());

const check = (runId: string, extra: Partial<GradcheckStart> = {}): GradcheckStart => ({ type: 'gradcheck.start', runId, graphPath: MNIST_COMPLETION, batch: 2, perParam: 2, ...extra });

describe('EngineHost gradcheck', () => {
  let firstEqprop: EqpropAgreement;

  it('the three gradients agree on every parameter of the MNIST example; stages stream in order', async () => {
    const before = tf.memory().numTensors;
    host.handle(check('g1'));
    const closed = await rec.closed('g1');
    expect(closed).toMatchObject({ type: 'run.done', summary: { kind: 'gradcheck', entries: 6 } });
    const started = rec.of('run.started', 'g1')[0];
    expect(started).toMatchObject({ kind: 'gradcheck', totals: { batch: 2, params: 3, entries: 6, theta: 1e-6 } });
    const stages = rec.of('gradcheck.progress', 'g1').map((p) => `${p.stage}${p.stage === 'finite-differences' ? ` ${p.done}/${p.total}` : ''}`);
    expect(stages).toEqual(['bptt', 'recurrent-backprop', ...[0, 1, 2, 3, 4, 5].map((d) => `finite-differences ${d}/6`)]);
    const done = rec.of('gradcheck.done', 'g1')[0];
    expect(done.perParam.map((p) => p.param).sort()).toEqual(['W', 'hidden.b', 'visible.b']);
    for (const p of done.perParam) {
      expect(p.entries).toBe(2);
      // Against finite differences: 1%, or their noise where the gradient is that small.
      const fdBound = Math.max(1e-2, (FD_NOISE_RESOLUTIONS * done.fdResolution) / p.scale);
      expect(fdBound, p.param).toBeLessThan(0.1);
      expect(p.bpttVsFd.maxRelError, p.param).toBeLessThan(fdBound);
      expect(p.rbpVsFd.maxRelError, p.param).toBeLessThan(fdBound);
      expect(p.bpttVsRbp.maxRelError, p.param).toBeLessThan(1e-3);
    }
    expect(done.bpttVsFd.cosine).toBeGreaterThan(0.9999);
    // Equilibrium propagation at the default β = 0.01, as the CLI compares it: an estimate, close.
    expect(done.eqprop?.beta).toBe(0.01);
    expect(done.eqprop!.vsRbp.maxRelError).toBeLessThan(1e-2);
    expect(done.eqprop!.vsFd.maxRelError).toBeLessThan(0.05);
    expect(done.eqprop!.tossed).toBe(0);
    firstEqprop = done.eqprop!;
    expect(done.tossed).toBe(0);
    expect(done.tStar.every((t) => t !== null && t > 0)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pause stops between finite differences, a step runs one, cancel ends the run and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const firstDifference = rec.next('gradcheck.progress', (e) => e.runId === 'g2' && e.stage === 'finite-differences');
    host.handle(check('g2', { perParam: 4 }));
    await firstDifference;
    host.handle({ type: 'run.pause', runId: 'g2' });
    const paused = await rec.seen('run.paused', (e) => e.runId === 'g2');
    const next = rec.next('run.paused', (e) => e.runId === 'g2');
    host.handle({ type: 'run.step', runId: 'g2' });
    expect((await next).at).toBe(paused.at + 1);
    host.handle({ type: 'run.cancel', runId: 'g2' });
    expect(await rec.closed('g2')).toMatchObject({ type: 'run.cancelled', runId: 'g2', at: paused.at + 1 });
    expect(rec.of('gradcheck.done', 'g2')).toHaveLength(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("β is the request's: the symmetric estimate's bias grows with it (as β²) against recurrent backprop", async () => {
    host.handle(check('g4', { beta: 0.1 }));
    expect((await rec.closed('g4')).type).toBe('run.done');
    const eq = rec.of('gradcheck.done', 'g4')[0].eqprop!;
    expect(eq.beta).toBe(0.1);
    expect(eq.vsRbp.maxRelError).toBeGreaterThan(10 * firstEqprop.vsRbp.maxRelError);
  });

  it('a graph with nothing to check is refused with its reason', async () => {
    host.handle({ type: 'gradcheck.start', runId: 'g3', graph: graphOf([layer('v', vector(4))]), graphPath: null });
    expect((await rec.failed('g3')).message).toMatch(/nothing to check: the graph has no target node/);
  });
});
