/**
 * EngineHost settling real graphs on real tensors: iterations stream as they happen,
 * energy never rises under descent, frames carry whole layers, pause/step/resume and
 * cancel act between iterations, and no tensor outlives a run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { startBackend, type BackendInfo } from '../../../engine/backend/select.js';
import { EngineHost } from '../../../engine/server/host.js';
import { saveCheckpoint } from '../../../engine/train/checkpoint.js';
import { between, graphOf, layer, noise, vector } from '../../helpers/graphs.js';
import { Recorder, settleCmd } from './recorder.js';

const root = join(__dirname, '..', '..', '..');
const MNIST = 'examples/mnist-completion.attractor.json';
let backend: BackendInfo;

const tmp = mkdtempSync(join(tmpdir(), 'engine-host-settle-'));

beforeAll(async () => {
  backend = await startBackend('wasm');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function hostWith(): { host: EngineHost; rec: Recorder } {
  const rec = new Recorder();
  return { host: new EngineHost(rec.send, { backend, baseDir: root }), rec };
}


/** A settle that would run long: θ far below float32 noise, many steps. */
const LONG = { overrides: { theta: 1e-12, steps: 500 } };

describe('EngineHost settle', () => {
  it('streams every iteration of one test digit: energies never rise, frames hold whole layers, t* at the end', async () => {
    const { host, rec } = hostWith();
    const before = tf.memory().numTensors;
    host.handle(settleCmd('s1'));
    const closed = await rec.closed('s1');
    expect(closed.type).toBe('run.done');

    const started = rec.of('run.started', 's1')[0];
    expect(started.kind).toBe('settle');
    expect(started.plan.guarantee.kind).toBe('descent');
    expect(started.backend.description).toMatch(/^backend: wasm/);

    const its = rec.of('settle.iteration', 's1');
    expect(its.map((e) => e.iter)).toEqual(its.map((_, i) => i));
    expect(its.length).toBeGreaterThan(2);
    for (let i = 1; i < its.length; i++) {
      const [prev, now] = [its[i - 1].energy[0], its[i].energy[0]];
      expect(now - prev).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(prev)));
      expect(its[i].maxChange).toHaveLength(1);
      expect(its[i].energyRose).toBe(false);
    }
    const done = rec.of('settle.done', 's1')[0];
    expect(done.energyRose).toBe(false);
    expect(done.guarantee).toBe('descent');
    expect(done.tStar[0]).toBe(its.length - 1);
    expect(its[its.length - 1].maxChange[0]).toBeLessThan(1e-3);
    expect(done.iterations).toBe(its.length - 1);

    const frames = rec.of('settle.frame', 's1');
    expect(frames[0].iter).toBe(0);
    expect(frames[frames.length - 1].iter).toBe(done.iterations);
    for (const f of frames) {
      const sizes = Object.fromEntries(f.layers.map((l) => [l.layerId, l.data.length]));
      expect(sizes).toEqual({ visible: 784, hidden: 256 });
      expect(f.layers.every((l) => l.data instanceof Float32Array && l.examples === 1)).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
    console.log(`settle: ${its.length} iteration events (t* ${done.tStar[0]}), ${frames.length} frames; tensors ${before} → ${tf.memory().numTensors}`);
  });

  it('pause, then each step runs exactly one iteration, then resume runs to the end', async () => {
    const { host, rec } = hostWith();
    host.handle(settleCmd('p1', { overrides: { theta: 1e-12, steps: 40 }, record: { activations: true, attention: false, maxFps: 1 } }));
    host.handle({ type: 'run.pause', runId: 'p1' });
    const paused = await rec.seen('run.paused', (e) => e.runId === 'p1');
    const at = paused.at;
    const count = () => rec.of('settle.iteration', 'p1').length;
    expect(count()).toBe(at + 1); // iteration 0 plus the ones done

    // A step while paused is one iteration, its events, and a fresh run.paused.
    for (let k = 1; k <= 3; k++) {
      const next = rec.next('run.paused', (e) => e.runId === 'p1');
      host.handle({ type: 'run.step', runId: 'p1' });
      expect((await next).at).toBe(at + k);
      expect(count()).toBe(at + k + 1);
      // Steps always send their frame, whatever the frame rate.
      expect(rec.of('settle.frame', 'p1').at(-1)!.iter).toBe(at + k);
    }
    host.handle({ type: 'run.resume', runId: 'p1' });
    await rec.closed('p1');
    expect(rec.of('run.resumed', 'p1')[0].at).toBe(at + 3);
    expect(rec.of('run.done', 'p1')).toHaveLength(1);
    // Resume ran to the end: all 40 steps, or the fixed point if float32 reached it exactly first.
    const done = rec.of('settle.done', 'p1')[0];
    expect(done.iterations === 40 || done.tStar[0] === done.iterations).toBe(true);
    expect(done.iterations).toBeGreaterThan(at + 3);
    expect(count()).toBe(done.iterations + 1);
    // A step on a running (here: finished) run is refused without ending anything.
    host.handle({ type: 'run.step', runId: 'p1' });
    expect(rec.events.at(-1)).toMatchObject({ type: 'run.error', ended: false, message: expect.stringContaining('no run "p1" is in progress') });
  });

  it('cancel mid-settle stops within an iteration and frees every tensor; the host takes the next run', async () => {
    const { host, rec } = hostWith();
    const before = tf.memory().numTensors;
    host.handle(settleCmd('c1', LONG));
    await rec.seen('settle.iteration', (e) => e.runId === 'c1' && e.iter === 3);
    const during = tf.memory().numTensors;
    expect(during).toBeGreaterThan(before);
    // A second start while one runs is refused, and names the run in progress.
    host.handle(settleCmd('c2'));
    expect(rec.events.at(-1)).toMatchObject({ type: 'run.error', runId: 'c2', ended: true, message: expect.stringContaining('a run is in progress (settle run "c1")') });
    host.handle({ type: 'run.step', runId: 'c1' });
    expect(rec.events.at(-1)).toMatchObject({ type: 'run.error', runId: 'c1', ended: false, message: expect.stringContaining('is not paused') });
    host.handle({ type: 'run.cancel', runId: 'c1' });
    const closed = await rec.closed('c1');
    expect(closed).toMatchObject({ type: 'run.cancelled', runId: 'c1' });
    const at = (closed as { at: number }).at;
    expect(at).toBeLessThan(500);
    expect(rec.of('settle.iteration', 'c1').at(-1)!.iter).toBe(at);
    expect(rec.of('settle.done', 'c1')).toHaveLength(0);
    expect(tf.memory().numTensors).toBe(before);
    console.log(`cancel: stopped at iteration ${at}; tensors ${before} → ${during} (running) → ${tf.memory().numTensors}`);

    host.handle(settleCmd('c3'));
    expect((await rec.closed('c3')).type).toBe('run.done');
  });

  it('several examples by count, and per-example energies and t*', async () => {
    const { host, rec } = hostWith();
    host.handle(settleCmd('n1', { examples: { count: 3 }, record: { activations: true, attention: false, examples: 2 } }));
    await rec.closed('n1');
    const started = rec.of('run.started', 'n1')[0];
    expect(started.kind === 'settle' && started.totals.examples).toHaveLength(3);
    // The part sizes, so a UI can pick an index in range; the picked held-out indices are among them.
    const parts = started.kind === 'settle' ? started.totals.parts : { train: 0, test: 0 };
    expect(parts.test).toBeGreaterThan(3);
    expect(parts.train).toBeGreaterThan(parts.test);
    const its = rec.of('settle.iteration', 'n1');
    expect(its.every((e) => e.energy.length === 3)).toBe(true);
    expect(rec.of('settle.frame', 'n1')[0].layers[0]).toMatchObject({ examples: 2 });
    expect(rec.of('settle.frame', 'n1')[0].layers[0].data).toHaveLength(2 * 784);
    const done = rec.of('settle.done', 'n1')[0];
    expect(done.tStar.every((t) => typeof t === 'number')).toBe(true);
    expect(its.at(-1)!.converged).toBe(3);
  });

  it('refuses bad input with messages that say what and where', async () => {
    const { host, rec } = hostWith();
    const graph = JSON.parse(readFileSync(join(root, MNIST), 'utf8')) as { nodes: { id: string; params: Record<string, unknown> }[]; edges: unknown[] };

    // A graph the compiler rejects: problems with paths and node ids.
    const broken = structuredClone(graph);
    broken.edges = broken.edges.slice(2); // W's ports left unconnected
    host.handle(settleCmd('b1', { graph: broken }));
    const err1 = await rec.failed('b1');
    expect(err1.message).toContain(MNIST.split('/')[1]);
    expect(err1.problems!.length).toBeGreaterThan(0);
    expect(err1.problems!.some((p) => p.nodeId === 'W')).toBe(true);

    // A document that does not validate: the path into the file.
    const invalid = structuredClone(graph);
    invalid.nodes[0].params.activation = 'tanhh';
    host.handle(settleCmd('b2', { graph: invalid }));
    const e2 = await rec.failed('b2');
    expect(e2.message).toContain('nodes[0].params.activation');
    expect(e2.problems![0].path).toEqual(['nodes', 0, 'params', 'activation']);

    // Data that cannot load: the message names the dataset node and the path in the file, once each.
    const missing = structuredClone(graph);
    missing.nodes.find((n) => n.id === 'digits')!.params.source = { kind: 'csv', path: 'no-such-file.csv' };
    host.handle(settleCmd('b3', { graph: missing }));
    const e3 = await rec.failed('b3');
    expect(e3.message).toMatch(/: nodes\[\d+\]\.params\.source: no-such-file\.csv: file not found \(expected a CSV file\) \(node "digits"\)$/);
    expect(e3.message.match(/digits/g)).toHaveLength(1);

    // An example past the end of its part.
    host.handle(settleCmd('b4', { examples: [{ part: 'test', index: 5000 }] }));
    expect((await rec.failed('b4')).message).toBe('examples[0].index: 5000 is past the end of the test part (1000 examples: 0 to 999)');

    // A command that does not validate never starts.
    host.handle({ type: 'settle.start', runId: 'b5', graphPath: MNIST, examples: [{ part: 'tset', index: 0 }], record: { activations: true, attention: false, every: 0 } });
    const e5 = await rec.failed('b5');
    expect(e5.message).toContain('examples[0].part: expected "train" or "test", got "tset"');
    expect(e5.message).toContain('record.every');
    expect(e5.problems!.map((p) => p.path)).toEqual([['examples', 0, 'part'], ['record', 'every']]);
    expect(rec.of('run.started')).toHaveLength(0);
  });

  it('records attention: a Hopfield memory and energy self-attention, every row a distribution over its keys', async () => {
    const { host, rec } = hostWith();
    host.handle({ ...settleCmd('a1'), graphPath: 'examples/hopfield-retrieval.attractor.json', examples: { count: 2 }, record: { activations: false, attention: true, examples: 2 } });
    await rec.closed('a1');
    const mem = rec.of('settle.attention', 'a1');
    expect(mem.length).toBeGreaterThanOrEqual(2);
    expect(mem[0]).toMatchObject({ block: 'memory', kind: 'hopfield-memory', examples: 2, heads: 1, tokens: 1, keys: 20 });
    for (const a of mem) expectRowsSumToOne(a.weights, a.keys);
    expect(rec.of('settle.frame', 'a1')).toHaveLength(0);

    host.handle({ ...settleCmd('a2'), graphPath: 'examples/mnist-patches.attractor.json', record: { activations: false, attention: true } });
    await rec.closed('a2');
    const blocks = rec.of('settle.attention', 'a2');
    const self = blocks.filter((b) => b.kind === 'self-attention');
    expect(self.length).toBeGreaterThan(0);
    expect(self[0]).toMatchObject({ block: 'attend', examples: 1, tokens: 16, keys: 16 });
    expect(self[0].weights).toHaveLength(self[0].heads * 16 * 16);
    for (const a of blocks) expectRowsSumToOne(a.weights, a.keys);
    console.log(`attention: ${mem.length} memory events, ${self.length} self-attention events (${self[0].heads} heads)`);
  });
});

describe('EngineHost settle: 2-cycles', () => {
  it('reports the units that oscillate', async () => {
    // Pairs (a_i, b_i) of sign units joined by −1, updated together: a pair that starts with
    // equal signs flips forever, one with opposite signs stays. Noise decides which is which.
    const n = 8;
    const graph = graphOf(
      [
        layer('a', vector(n), { role: 'visible', activation: 'sign', bias: false }),
        layer('b', vector(n), { activation: 'sign', bias: false }),
        between('dense', 'w', 'a', 'b'),
        noise('na', 'a', { init: 'uniform', scale: 1 }),
        noise('nb', 'b', { init: 'uniform', scale: 1 }),
      ],
      { schedule: 'synchronous', seed: 3 },
    );
    const weights = join(tmp, 'minus-identity');
    const w = tf.mul(-1, tf.eye(n));
    await saveCheckpoint(weights, { step: 0, epoch: 0, method: 'bptt', params: new Map([['w', w]]) });
    w.dispose();

    const { host, rec } = hostWith();
    host.handle({ type: 'settle.start', runId: 'y1', graph, graphPath: null, weights, examples: { count: 1 }, record: { activations: true, attention: false } });
    expect((await rec.closed('y1')).type).toBe('run.done');
    expect(rec.of('run.started', 'y1')[0].plan.guarantee.kind).toBe('fixed-point-or-2-cycle');
    const [a0, b0] = rec.of('settle.frame', 'y1')[0].layers.map((l) => Array.from(l.data));
    const flipping = a0.flatMap((v, i) => (Math.sign(v) === Math.sign(b0[i]) ? [i] : []));
    expect(flipping.length).toBeGreaterThan(0);
    expect(flipping.length).toBeLessThan(n);

    const done = rec.of('settle.done', 'y1')[0];
    expect(done.cycle2).toEqual([true]);
    expect(done.tStar).toEqual([null]);
    expect(done.cycle2Units).toEqual([
      [
        { layerId: 'a', units: flipping, truncated: false },
        { layerId: 'b', units: flipping, truncated: false },
      ],
    ]);
    expect(rec.of('settle.iteration', 'y1').at(-1)!.cycling).toBe(1);
    console.log(`2-cycle: units ${flipping.join(', ')} of ${n} oscillate, found after ${done.iterations} iterations`);
  });
});

function expectRowsSumToOne(w: Float32Array, keys: number): void {
  for (let r = 0; r < w.length / keys; r++) {
    let s = 0;
    for (let k = 0; k < keys; k++) s += w[r * keys + k];
    expect(Math.abs(s - 1)).toBeLessThan(1e-4);
  }
}
