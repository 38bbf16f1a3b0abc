/**
 * The engine host on a real worker thread (the bundled dist/engine-server.mjs): commands
 * and events cross the thread, typed arrays arrive as typed arrays, and a cancel sent
 * from this thread reaches the engine mid-settle and frees its tensors there.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { engineHostScript, startEngineWorker, type EngineWorker } from '../../../engine/server/client.js';
import type { EngineInfo, RunEvent } from '../../../engine/protocol/run.js';
import { Recorder } from './recorder.js';

const root = join(__dirname, '..', '..', '..');
let engine: EngineWorker;
const rec = new Recorder();

/** Newest modification time of the sources the bundle is built from. */
function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const p = join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newestSource(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }, 0);
}

beforeAll(() => {
  // Rebuild only a missing or stale bundle (`npm test` builds first): the CLI tests run
  // dist/ bundles in parallel, and rewriting them under their feet would be a race.
  const bundle = join(root, 'dist', 'engine-server.mjs');
  const built = engineHostScript() ? statSync(bundle).mtimeMs : 0;
  if (built < Math.max(newestSource(join(root, 'engine')), newestSource(join(root, 'nodes')))) {
    const b = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, encoding: 'utf8' });
    // Other entries of the build belong to other parts of the app; only ours must have built.
    if (b.status !== 0 && /engine server worker|engine\/server\//.test(b.stderr)) throw new Error(`building dist/engine-server.mjs failed:\n${b.stderr}`);
  }
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
