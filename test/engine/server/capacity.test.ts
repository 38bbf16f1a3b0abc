/**
 * EngineHost running the capacity explorer (the app's Capacity panel): the sweep's cells
 * stream in grid order with progress between, the closing event has the ½ crossings;
 * pause, step and cancel act between reads of the settling probes; a graph that is not a
 * memory net, or a sweep that contradicts the graph, is refused by name; no tensor
 * outlives a run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tf } from '../../../engine/tf.js';
import { startBackend } from '../../../engine/backend/select.js';
import { EngineHost } from '../../../engine/server/host.js';
import type { CapacityStart } from '../../../engine/protocol/run.js';
import { MNIST_COMPLETION, Recorder } from './recorder.js';

const root = join(__dirname, '..', '..', '..');
let host: EngineHost;
let rec: Recorder;

beforeAll(async () => {
  const backend = await startBackend('wasm');
  rec = new Recorder();
  host = new EngineHost(rec.send, { backend, baseDir: root });
});
afterAll(() => host.idle());

const start = (runId: string, sweep: CapacityStart['sweep'], graphPath: string | null = null): CapacityStart => ({ type: 'capacity.start', runId, graphPath, sweep });

describe('EngineHost capacity', () => {
  it('a built classic net: cells in grid order, progress between, crossings at the end, tensors freed', async () => {
    const before = tf.memory().numTensors;
    host.handle(start('c1', { sizes: [40, 60], load: { by: 'alpha', values: [0.05, 0.4] }, corruptions: [{ kind: 'flip', level: 0.05 }], trials: 2, probes: 8 }));
    const closed = await rec.closed('c1');
    expect(closed).toMatchObject({ type: 'run.done', summary: { kind: 'capacity', cells: 4 } });
    const started = rec.of('run.started', 'c1')[0];
    expect(started).toMatchObject({ kind: 'capacity', totals: { net: 'classic', schedule: 'asynchronous', update: 'unit-wise', trials: 2, probes: 8, axis: 'alpha' } });
    const cells = rec.of('capacity.cell', 'c1');
    expect(cells.map((c) => [c.index, c.cell.n, c.cell.patterns])).toEqual([
      [0, 40, 2],
      [1, 40, 16],
      [2, 60, 3],
      [3, 60, 24],
    ]);
    expect(cells[0].cell.retrieved.mean).toBe(1);
    expect(cells[3].cell.retrieved.mean).toBeLessThan(0.5);
    const progress = rec.of('capacity.progress', 'c1');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.cells === 4 && p.settling.probes === 2 * 2 * 8)).toBe(true);
    if (closed.type === 'run.done' && closed.summary.kind === 'capacity') {
      expect(closed.summary.crossings.map((c) => c.curve)).toEqual(['N = 40, flip 5%', 'N = 60, flip 5%']);
      expect(closed.summary.crossings.every((c) => c.at !== null && c.at > 0.05 && c.at < 0.4)).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pause stops between reads, a step runs one, cancel ends the run and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const firstRead = rec.next('capacity.progress', (e) => e.runId === 'c2');
    // A slow sweep: at α = 0.3 the probes wander for many sweeps before settling.
    host.handle(start('c2', { sizes: [300, 400], load: { by: 'alpha', values: [0.3] }, corruptions: [{ kind: 'flip', level: 0.3 }], trials: 4, probes: 64, steps: 200, theta: 1e-6 }));
    await firstRead;
    host.handle({ type: 'run.pause', runId: 'c2' });
    const paused = await rec.seen('run.paused', (e) => e.runId === 'c2');
    const next = rec.next('run.paused', (e) => e.runId === 'c2');
    host.handle({ type: 'run.step', runId: 'c2' });
    expect((await next).at).toBe(paused.at + 1);
    host.handle({ type: 'run.cancel', runId: 'c2' });
    const closed = await rec.closed('c2');
    expect(closed).toMatchObject({ type: 'run.cancelled', runId: 'c2' });
    expect(rec.of('capacity.cell', 'c2').length).toBeLessThan(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refusals name what is wrong: a net that stores no patterns, sweep.net beside a graph, sizes of a graph', async () => {
    host.handle(start('c3', { load: { by: 'patterns', values: [2] }, corruptions: [{ kind: 'flip', level: 0.1 }] }, MNIST_COMPLETION));
    expect((await rec.failed('c3')).message).toMatch(/the capacity explorer measures a memory net .* this graph has 2 layers/);
    host.handle(start('c4', { net: 'memory', load: { by: 'patterns', values: [2] }, corruptions: [{ kind: 'flip', level: 0.1 }] }, 'examples/hopfield.attractor.json'));
    expect((await rec.failed('c4')).message).toMatch(/^sweep.net: the graph is the net/);
    host.handle(start('c5', { sizes: [30], load: { by: 'patterns', values: [2] }, corruptions: [{ kind: 'flip', level: 0.1 }] }, 'examples/hopfield.attractor.json'));
    expect((await rec.failed('c5')).message).toMatch(/^sweep.sizes: the graph fixes N: layer "units" has 100 units/);
  });
});
