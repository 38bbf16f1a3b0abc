/**
 * The engine host on a real worker thread (the bundled dist/engine-server.mjs): commands
 * and events cross the thread, typed arrays arrive as typed arrays, and a cancel sent
 * from this thread reaches the engine mid-settle and frees its tensors there.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { engineHostScript, startEngineWorker, type EngineWorker } from '../../../engine/server/client.js';
import type { EngineInfo, RunEvent } from '../../../engine/protocol/run.js';
import { Recorder } from './recorder.js';

const root = join(__dirname, '..', '..', '..');
let engine: EngineWorker;
const rec = new Recorder();

beforeAll(() => {
  // Built once per test run by test/global-setup.ts (this file is in a tier that builds first).
  expect(engineHostScript()).toBe(join(root, 'dist', 'engine-server.mjs'));
  engine = startEngineWorker({ backend: 'wasm', baseDir: root });
  engine.on(rec.send);
});

afterAll(async () => {
  await engine?.terminate();
});

async function info(id: string): Promise<EngineInfo> {
  const reply = rec.next('engine.info', (e) => e.requestId === id);
  engine.send({ type: 'engine.info', requestId: id });
  return reply;
}

it('settles on the worker thread, streams typed arrays back, and a cancel from here stops it there', async () => {
  const ready = await engine.ready;
  expect(ready.backend.name).toBe('wasm');
  const before = await info('before');
  expect(before.run).toBeNull();

  engine.send({
    type: 'settle.start',
    runId: 'w1',
    graphPath: 'examples/mnist-completion.attractor.json',
    examples: [{ part: 'test', index: 0 }],
    overrides: { theta: 1e-12, steps: 5000 },
    record: { activations: true, attention: false, every: 1 },
  });
  const frame = await rec.seen('settle.frame', (e) => e.runId === 'w1');
  expect(frame.layers[0].data).toBeInstanceOf(Float32Array);
  expect(frame.layers.map((l) => l.data.length)).toEqual([784, 256]);
  await rec.seen('settle.iteration', (e) => e.runId === 'w1' && e.iter >= 5);

  const during = await info('during');
  expect(during.run).toEqual({ runId: 'w1', kind: 'settle', paused: false });
  expect(during.tensors).toBeGreaterThan(before.tensors);

  engine.send({ type: 'run.cancel', runId: 'w1' });
  const closed = (await rec.closed('w1')) as RunEvent & { at: number };
  expect(closed.type).toBe('run.cancelled');
  expect(closed.at).toBeLessThan(5000);
  const after = await info('after');
  expect(after.run).toBeNull();
  expect(after.tensors).toBe(before.tensors);
  console.log(`worker: cancelled at iteration ${closed.at}; tensors on the worker ${before.tensors} → ${during.tensors} (running) → ${after.tensors}`);

  // Invalid commands come back refused across the thread too.
  engine.send({ type: 'run.pause' } as never);
  const refused = await rec.next('run.error', (e) => e.command === 'run.pause');
  expect(refused.message).toContain('runId');
});
