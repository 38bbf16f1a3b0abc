/**
 * A settle refused because its labels do not fit their layer frees everything it made on
 * the way (issue 17: each such refusal left 5 tensors in the engine worker).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { startBackend, type BackendInfo } from '../../../engine/backend/select.js';
import { EngineHost } from '../../../engine/server/host.js';
import type { GraphDoc } from '../../../nodes/graph.js';
import { Recorder, settleCmd } from './recorder.js';

const root = join(__dirname, '..', '..', '..');
let backend: BackendInfo;
beforeAll(async () => {
  backend = await startBackend('wasm');
});

it('a settle refused for a label-size mismatch leaves no tensor behind, run after run', async () => {
  const graph = JSON.parse(readFileSync(join(root, 'examples', 'mnist-classify.attractor.json'), 'utf8')) as GraphDoc;
  (graph.nodes.find((n) => n.id === 'label')!.params as { shape: { size: number } }).shape.size = 9;
  const rec = new Recorder();
  const host = new EngineHost(rec.send, { backend, baseDir: root });
  host.handle(settleCmd('warm', { graph, examples: { count: 2 } }));
  const first = await rec.failed('warm');
  expect(first.message).not.toMatch(/internal error|failed unexpectedly/);
  expect(first.message).toMatch(/"label"/);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 20; i++) {
    host.handle(settleCmd(`r${i}`, { graph, examples: { count: 2 } }));
    expect((await rec.failed(`r${i}`)).message).toBe(first.message);
  }
  expect(tf.memory().numTensors).toBe(before);
});
