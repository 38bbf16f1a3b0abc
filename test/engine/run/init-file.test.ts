/**
 * A graph whose coupling starts from a NumPy file: the run driver opens it with the file's
 * values (the seed draws everything else), settling uses them, and training starts from
 * them — on the main thread and on a gradient worker alike.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { encodeNpz } from '../../../engine/format/npz.js';
import { openRun } from '../../../engine/run/open.js';
import { openNetwork } from '../../../engine/run/weights.js';
import { trainRun } from '../../../engine/run/train-run.js';
import { loadCheckpoint, disposeCheckpoint } from '../../../engine/train/checkpoint.js';
import { readValues } from '../../../engine/runtime/readback.js';
import { RunInputError } from '../../../engine/run/input-error.js';
import { between, clamp, dataset, graphOf, layer, target, vector } from '../../helpers/graphs.js';
import { runContext, tempFolder, wasmBackend } from './context.js';

const dir = tempFolder('init-file-');
const backend = wasmBackend();
const W = Float32Array.from({ length: 16 * 6 }, (_, i) => Math.fround(Math.sin(i * 0.7) * 0.4));
writeFileSync(join(dir, 'start.npz'), encodeNpz([['W', { shape: [16, 6], data: W }], ['unused', { shape: [1], data: Float32Array.of(1) }]]));

function graphFile(name: string, init: Record<string, unknown>): string {
  const g = graphOf(
    [
      layer('v', vector(16), { role: 'visible' }),
      layer('h', vector(6)),
      between('dense', 'W', 'v', 'h', { init }),
      dataset('bars', { kind: 'bars-and-stripes', size: 4 }),
      clamp('given', 'v', 'bars', { kind: 'top-half' }),
      target('rest', 'v', 'bars'),
    ],
    { steps: 30, batch: 4 },
    { training: { method: 'bptt', steps: 10, batch: 8, batches: 1, optimizer: { kind: 'sgd', lr: 1e-9, momentum: 0 } } },
  );
  const file = join(dir, `${name}.attractor.json`);
  writeFileSync(file, JSON.stringify(g));
  return file;
}

const request = (out: string, workers: number) => ({
  overrides: {},
  checkpointDir: out,
  resumeFrom: null,
  overwrite: false,
  workers,
  words: { batch: 'batch', moreBatches: 'more', occupied: 'occupied' },
  evaluation: { limit: 4, chunk: 4 },
});

describe('a coupling initialised from a file', () => {
  it('starts with the file values whatever the seed; the other parameters still come from the seed', async () => {
    const opened = await openRun({ path: graphFile('fresh', { kind: 'file', path: 'start.npz', array: 'W' }), fallbackDir: dir });
    for (const seed of [0, 7]) {
      const { network, from } = await openNetwork(opened, undefined, seed);
      try {
        expect(from).toBe(`fresh weights (seed ${seed}; "W" from its file)`);
        expect(await readValues(network.params.get('W')!)).toEqual(W);
        expect(network.params.get('v.b')).toBeDefined();
      } finally {
        network.dispose();
      }
    }
  });

  it('training starts from it, on this thread and on a gradient worker', async () => {
    const opened = await openRun({ path: graphFile('train', { kind: 'file', path: 'start.npz', array: 'W' }), fallbackDir: dir });
    for (const workers of [0, 1]) {
      const out = join(dir, `trained-${workers}`);
      const before = tf.memory().numTensors;
      const o = await trainRun(opened, request(out, workers), runContext(`t${workers}`, 'train', backend()).ctx);
      expect(o.status, JSON.stringify(o)).toBe('done');
      expect(tf.memory().numTensors).toBe(before);
      // One batch at lr 1e-9 moves no weight by more than float32 notices at this scale.
      const c = await loadCheckpoint(out);
      try {
        const trained = await readValues(c.params.get('W')!);
        for (let i = 0; i < W.length; i++) expect(Math.abs(trained[i] - W[i])).toBeLessThan(1e-6);
      } finally {
        disposeCheckpoint(c);
      }
    }
  });

  it('refuses a file whose array does not fit, naming the graph, the node and both shapes', async () => {
    const file = graphFile('misfit', { kind: 'file', path: 'start.npz', array: 'unused' });
    const err = await openRun({ path: file, fallbackDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunInputError);
    expect((err as Error).message).toBe(`${file}: node "W": params.init: start.npz (array "unused") holds shape [1], but parameter "W" has shape [16, 6]`);
  });
});
