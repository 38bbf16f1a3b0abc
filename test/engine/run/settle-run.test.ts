/**
 * The run driver's settle loop on real graphs and tensors: the gate pauses it before an
 * iteration, steps it one iteration at a time and cancels it between two, freeing every
 * tensor; under a descent guarantee every rise of the energy is caught; attention weights
 * leave by one route.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { openRun, type OpenedRun } from '../../../engine/run/open.js';
import { settleRun } from '../../../engine/run/settle-run.js';
import { attentionShape } from '../../../engine/run/attention.js';
import { RunInputError } from '../../../engine/run/input-error.js';
import type { SettleIteration } from '../../../engine/protocol/run.js';
import { NO_FRAMES, runContext, wasmBackend } from './context.js';

const root = join(__dirname, '..', '..', '..');
const backend = wasmBackend();

const open = (file: string, overrides = {}) => openRun({ path: join(root, file), fallbackDir: root }, overrides);

/** Where the energy of an example clearly rose (by more than 1e-4 of its size), read off the streamed trace. */
function risesIn(its: readonly SettleIteration[]): { example: number; iter: number }[] {
  const out: { example: number; iter: number }[] = [];
  for (let i = 1; i < its.length; i++) {
    its[i].energy.forEach((e, b) => {
      const before = its[i - 1].energy[b];
      if (e - before > 1e-4 * (1 + Math.abs(before))) out.push({ example: b, iter: its[i].iter });
    });
  }
  return out;
}

describe('settleRun', () => {
  it('pauses before an iteration, steps one at a time, resumes, and a cancel leaves no tensor behind', async () => {
    // θ below float32 noise: this settle would run all 500 iterations.
    const opened = await open('examples/mnist-completion.attractor.json', { theta: 1e-12, steps: 500 });
    const { ctx, rec } = runContext('s1', 'settle', backend());
    const before = tf.memory().numTensors;
    ctx.control.pause();
    const run = settleRun(opened, { examples: { count: 2 }, record: NO_FRAMES }, ctx);
    expect((await rec.seen('run.paused')).at).toBe(0);
    const count = () => rec.of('settle.iteration').length;
    expect(count()).toBe(1); // iteration 0, the initial state
    for (let k = 1; k <= 3; k++) {
      const paused = rec.next('run.paused');
      expect(ctx.control.step()).toBe(true);
      expect((await paused).at).toBe(k);
      expect(count()).toBe(k + 1);
    }
    const during = tf.memory().numTensors;
    expect(during).toBeGreaterThan(before);
    ctx.control.resume();
    await rec.seen('settle.iteration', (e) => e.iter >= 10);
    ctx.control.cancel();
    const o = await run;
    expect(o.cancelled).toBe(true);
    expect(o.iterations).toBeLessThan(500);
    expect(rec.of('settle.iteration').at(-1)!.iter).toBe(o.iterations);
    expect(rec.of('settle.done')).toHaveLength(0);
    expect(tf.memory().numTensors).toBe(before);
    console.log(`settle gate: paused at 0, stepped to 3, cancelled after iteration ${o.iterations}; tensors ${before} → ${during} → ${tf.memory().numTensors}`);
  });

  it('settles to the end with the same numbers every time, and frees everything', async () => {
    const opened = await open('examples/stack-3.attractor.json', { seed: 4 });
    const runs = [];
    const before = tf.memory().numTensors;
    for (const id of ['a', 'b']) {
      const { ctx, rec } = runContext(id, 'settle', backend());
      const o = await settleRun(opened, { examples: { count: 3 }, record: NO_FRAMES, summarizeLayers: true }, ctx);
      runs.push({ o, its: rec.of('settle.iteration'), done: rec.of('settle.done')[0] });
    }
    const [a, b] = runs;
    expect(a.o.cancelled).toBe(false);
    expect(a.done.tStar).toEqual(a.o.tStar);
    expect(a.o.tStar.every((t) => t !== null)).toBe(true);
    expect(b.its.map((e) => e.energy)).toEqual(a.its.map((e) => e.energy));
    expect(a.o.layers!.map((l) => l.id)).toEqual(['visible', 'h1', 'h2']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a plan told descent whose schedule updates coupled units in parallel: every rise of the energy is caught', async () => {
    // The Hopfield example updated synchronously: its layer's units are coupled to each
    // other and all move at once, so the compiler promises only a fixed point or a 2-cycle
    // and the energy does rise on the way.
    const opened = await open('examples/hopfield.attractor.json', { schedule: 'synchronous' });
    expect(opened.plan.guarantee.kind).toBe('fixed-point-or-2-cycle');
    const honest = runContext('h', 'settle', backend());
    const o1 = await settleRun(opened, { examples: { count: 4 }, record: NO_FRAMES }, honest.ctx);
    const rises = risesIn(honest.rec.of('settle.iteration'));
    expect(rises.length).toBeGreaterThan(0);
    expect(o1.energyRises).toEqual([]);
    expect(honest.rec.of('settle.iteration').some((e) => e.energyRose)).toBe(false);

    // The same net, the plan told descent: the driver names each rise.
    const told: OpenedRun = { ...opened, plan: { ...opened.plan, guarantee: { kind: 'descent', reason: 'told descent by the test' } } };
    const alarmed = runContext('t', 'settle', backend());
    const o2 = await settleRun(told, { examples: { count: 4 }, record: NO_FRAMES }, alarmed.ctx);
    const its = alarmed.rec.of('settle.iteration');
    // Every clear rise is caught, and everything caught is a rise (the device's bound is finer than 1e-4).
    const caught = o2.energyRises.map(({ example, iter }) => ({ example, iter }));
    expect(caught).toEqual(expect.arrayContaining(rises));
    for (const r of o2.energyRises) {
      expect(r.from).toBe(its[r.iter - 1].energy[r.example]);
      expect(r.to).toBe(its[r.iter].energy[r.example]);
      expect(r.to).toBeGreaterThan(r.from);
    }
    expect(its.filter((e) => e.energyRose).map((e) => e.iter)).toEqual([...new Set(caught.map((r) => r.iter))]);
    expect(alarmed.rec.of('settle.done')[0]).toMatchObject({ guarantee: 'descent', energyRose: true });
    console.log(`energy rises: ${rises.length} over ${its.length - 1} iterations, caught only when the plan says descent`);
  });

  it('records attention weights by one route: per iteration, per block, rows summing to one', async () => {
    const opened = await open('examples/hopfield-retrieval.attractor.json');
    const { ctx, rec } = runContext('a', 'settle', backend());
    const o = await settleRun(opened, { examples: { count: 3 }, record: { activations: false, attention: true, every: 1, examples: 3, maxFps: Infinity } }, ctx);
    const events = rec.of('settle.attention');
    expect(events.map((e) => e.iter)).toEqual(Array.from({ length: o.iterations + 1 }, (_, i) => i));
    for (const e of events) {
      expect(e).toMatchObject({ block: 'memory', kind: 'hopfield-memory', examples: 3, heads: 1, tokens: 1, keys: 20 });
      expect(attentionShape(e)).toEqual([3, 1, 20]);
      for (let r = 0; r < 3; r++) expect(e.weights.subarray(r * 20, (r + 1) * 20).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
    }
  });

  it('input failures are RunInputErrors that name the graph, and open nothing that leaks', async () => {
    const opened = await open('examples/mnist-completion.attractor.json');
    const before = tf.memory().numTensors;
    const { ctx } = runContext('e', 'settle', backend());
    const err = await settleRun(opened, { examples: [{ part: 'test', index: 5000 }], record: NO_FRAMES }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunInputError);
    expect((err as RunInputError).message).toBe('examples[0].index: 5000 is past the end of the test part (1000 examples: 0 to 999)');
    const missing = await settleRun(opened, { examples: { count: 1 }, weights: { dir: join(root, 'nowhere'), option: '--weights' }, record: NO_FRAMES }, ctx).catch((e: unknown) => e);
    expect((missing as RunInputError).message).toMatch(/^--weights: no folder at .*nowhere$/);
    const broken = await openRun({ document: { format: 'attractor-graph', version: 1, nodes: [{ id: 'x', kind: 'layer', params: { activation: 'tanhh' } }], edges: [] }, path: null, fallbackDir: root }).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(RunInputError);
    expect((broken as RunInputError).message).toMatch(/^the graph: nodes\[0\]\.params/);
    expect((broken as RunInputError).problems.length).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
