import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import type { Plan } from '../../../engine/compile/plan.js';
import { Network } from '../../../engine/runtime/network.js';
import { buildBatch, disposeBatch, type Batch } from '../../../engine/runtime/batch.js';
import { loadPlanDatasets, pickExamples } from '../../../engine/runtime/prepare.js';
import { bpttGradients } from '../../../engine/train/methods.js';
import { createOptimizer, type Optimizer, type OptimizerConfig } from '../../../engine/train/optimizers.js';
import {
  CHECKPOINT_VERSION,
  CheckpointError,
  checkParamsFit,
  disposeCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
  sidecarDirFor,
  type CheckpointData,
} from '../../../engine/train/checkpoint.js';
import { describeEachBackend } from '../../helpers/backends.js';
import { compileOrThrow, randomNetwork } from '../../helpers/nets.js';
import { between, clamp, dataset, layer, target, vector } from '../../helpers/graphs.js';

const PARTS = [
  layer('v', vector(16), { role: 'visible' }),
  layer('h', vector(5)),
  between('dense', 'W', 'v', 'h', { init: { gain: 1.2 } }),
  dataset('d', { kind: 'random-patterns', count: 8, size: 16 }, { range: 'unit' }),
  clamp('c', 'v', 'd', { kind: 'top-half' }),
  target('t', 'v', 'd'),
];
const METHOD_OPTS = { steps: 12, theta: 1e-6, seed: 4, adjoint: { tolerance: 1e-6, maxSteps: 100 } };
const ADAM: OptimizerConfig = { kind: 'adam', lr: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
const SGD: OptimizerConfig = { kind: 'sgd', lr: 0.1, momentum: 0.9 };

let root: string;
let n = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'attractor-checkpoint-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
const freshDir = () => join(root, `run-${++n}`, 'ckpt');

/** Bit patterns, so -0, NaN payloads and last-ulp differences all count. */
const bits = (t: tf.Tensor) => Array.from(new Uint32Array(new Float32Array(t.dataSync()).buffer));

function expectSameBits(a: ReadonlyMap<string, tf.Tensor>, b: ReadonlyMap<string, tf.Tensor>): void {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  for (const [name, t] of a) {
    const u = b.get(name)!;
    expect(u.shape, name).toEqual(t.shape);
    expect(bits(u), name).toEqual(bits(t));
  }
}

async function trainStep(net: Network, opt: Optimizer, batch: Batch): Promise<void> {
  const { grads } = await bpttGradients(net, batch, METHOD_OPTS);
  opt.apply(net.params, grads);
  grads.forEach((g) => g.dispose());
}

const weightsOnly = (params: ReadonlyMap<string, tf.Tensor>, step: number): CheckpointData => ({ step, epoch: 0, method: 'bptt', params });

describe('sidecarDirFor', () => {
  it('puts the weights folder next to the graph file, named after it', async () => {
    expect(sidecarDirFor('examples/x.attractor.json')).toBe(join('examples', 'x.weights'));
    expect(sidecarDirFor('/abs/Mixed.Name.ATTRACTOR.JSON')).toBe('/abs/Mixed.Name.weights');
    expect(sidecarDirFor('other.json')).toBe('other.weights');
  });
});

describeEachBackend('checkpoints', () => {
  let plan: Plan;
  let batch: Batch;
  const own: { dispose(): void }[] = [];
  beforeAll(async () => {
    plan = compileOrThrow(PARTS, { schedule: 'sequential' });
    const datasets = await loadPlanDatasets(plan, '.');
    batch = buildBatch(plan, datasets, pickExamples(datasets, 4, 1, 'train'), 2);
  });
  afterAll(() => batch && disposeBatch(batch));
  afterEach(() => own.splice(0).forEach((x) => x.dispose()));
  const keep = <T extends { dispose(): void }>(x: T): T => (own.push(x), x);

  for (const config of [ADAM, SGD]) {
    it(`${config.kind}: save → load is bit-identical, and resuming continues exactly as if never stopped`, async () => {
      const dir = freshDir();
      const net = keep(randomNetwork(plan, 3));
      const opt = keep(createOptimizer(config));
      await trainStep(net, opt, batch);
      await trainStep(net, opt, batch);
      const meta = { loss: 0.25, seed: 3, graph: 'test', backend: tf.getBackend(), nested: { a: [1, null, 'x'] } };
      const before = tf.memory().numTensors;
      await saveCheckpoint(dir, { step: 2, epoch: 1, method: 'bptt', params: net.params, optimizer: { config, step: opt.step, state: opt.state() }, meta });
      expect(tf.memory().numTensors).toBe(before);

      const loaded = await loadCheckpoint(dir);
      expect(loaded).toMatchObject({ step: 2, epoch: 1, method: 'bptt', meta, dir });
      expect(Date.parse(loaded.created)).not.toBeNaN();
      expectSameBits(net.params, loaded.params);
      expect(loaded.optimizer!.config).toEqual(config);
      expect(loaded.optimizer!.step).toBe(2);
      expect(opt.state().size).toBeGreaterThan(0);
      expectSameBits(opt.state(), loaded.optimizer!.state);
      expect(checkParamsFit(plan, loaded.params, dir)).toBeNull();

      const resumedNet = keep(Network.fromValues(plan, loaded.params));
      const resumedOpt = keep(createOptimizer(loaded.optimizer!.config));
      resumedOpt.load(loaded.optimizer!.step, loaded.optimizer!.state);
      disposeCheckpoint(loaded);
      await trainStep(net, opt, batch);
      await trainStep(resumedNet, resumedOpt, batch);
      expect(resumedOpt.step).toBe(opt.step);
      expectSameBits(net.params, resumedNet.params);
      expectSameBits(opt.state(), resumedOpt.state());
    });
  }

  it('tensor counts stay flat across save, load + dispose, and failed loads', async () => {
    const dir = freshDir();
    const net = keep(randomNetwork(plan, 1));
    const opt = keep(createOptimizer(ADAM));
    await trainStep(net, opt, batch);
    const start = tf.memory().numTensors;
    await saveCheckpoint(dir, { ...weightsOnly(net.params, 1), optimizer: { config: ADAM, step: 1, state: opt.state() } });
    expect(tf.memory().numTensors).toBe(start);
    const loaded = await loadCheckpoint(dir);
    expect(tf.memory().numTensors).toBe(start + net.params.size + opt.state().size);
    disposeCheckpoint(loaded);
    expect(tf.memory().numTensors).toBe(start);
    const [bin] = (await readdir(dir)).filter((f) => f.startsWith('optimizer-'));
    await truncate(join(dir, bin), 4);
    await expect(loadCheckpoint(dir)).rejects.toThrow(CheckpointError);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('a later save replaces the earlier one and leaves only its own files', async () => {
    const dir = freshDir();
    const first = keep(randomNetwork(plan, 1));
    const second = keep(randomNetwork(plan, 2));
    const opt = keep(createOptimizer(ADAM));
    await trainStep(first, opt, batch);
    await saveCheckpoint(dir, { ...weightsOnly(first.params, 120), optimizer: { config: ADAM, step: 1, state: opt.state() } });
    expect((await readdir(dir)).sort()).toEqual(['checkpoint.json', 'optimizer-000120.bin', 'params-000120.bin']);

    await saveCheckpoint(dir, { ...weightsOnly(second.params, 240), epoch: 2, meta: { note: 'second' } });
    expect((await readdir(dir)).sort()).toEqual(['checkpoint.json', 'params-000240.bin']);
    const latest = await loadCheckpoint(dir);
    expect(latest).toMatchObject({ step: 240, epoch: 2, meta: { note: 'second' }, optimizer: undefined });
    expectSameBits(second.params, latest.params);
    disposeCheckpoint(latest);

    // A re-save at the same step must not write over files the committed manifest still uses.
    await saveCheckpoint(dir, weightsOnly(first.params, 240));
    expect((await readdir(dir)).sort()).toEqual(['checkpoint.json', 'params-000240-2.bin']);
    const again = await loadCheckpoint(dir);
    expectSameBits(first.params, again.params);
    disposeCheckpoint(again);
  });

  it('a save interrupted before its manifest leaves the previous checkpoint loadable; the next save cleans up', async () => {
    const dir = freshDir();
    const net = keep(randomNetwork(plan, 5));
    await saveCheckpoint(dir, weightsOnly(net.params, 1));
    // What a crash after the .bin writes (and during the manifest's temp write) leaves behind.
    await writeFile(join(dir, 'params-000002.bin'), new Uint8Array(40).fill(0xff));
    await writeFile(join(dir, 'optimizer-000002.bin'), new Uint8Array(3));
    await writeFile(join(dir, '.checkpoint.json.0123456789ab.tmp'), '{"format": "attractor-checkp');
    const loaded = await loadCheckpoint(dir);
    expect(loaded.step).toBe(1);
    expectSameBits(net.params, loaded.params);
    disposeCheckpoint(loaded);

    await writeFile(join(dir, 'notes.txt'), 'not ours: left alone');
    await saveCheckpoint(dir, weightsOnly(net.params, 2));
    expect((await readdir(dir)).sort()).toEqual(['checkpoint.json', 'notes.txt', 'params-000002.bin']);
    const after = await loadCheckpoint(dir);
    expect(after.step).toBe(2);
    expectSameBits(net.params, after.params);
    disposeCheckpoint(after);
  });

  it('a save that would not load is refused, and the previous checkpoint stays', async () => {
    const dir = freshDir();
    const net = keep(randomNetwork(plan, 6));
    await saveCheckpoint(dir, weightsOnly(net.params, 1));
    const bad = keep(tf.tensor([1, Number.NaN, 3]));
    await expect(saveCheckpoint(dir, weightsOnly(new Map([...net.params, ['h.b', bad]]), 2))).rejects.toThrow(/"h\.b" holds NaN at index 1/);
    await expect(saveCheckpoint(dir, { ...weightsOnly(net.params, 2), step: -1 })).rejects.toThrow(/step must be a non-negative integer/);
    const notAnObject = [1, 2] as unknown as Record<string, unknown>;
    await expect(saveCheckpoint(dir, { ...weightsOnly(net.params, 2), meta: notAnObject })).rejects.toThrow(/meta must be a plain object/);
    const loaded = await loadCheckpoint(dir);
    expect(loaded.step).toBe(1);
    disposeCheckpoint(loaded);
  });

  describe('refuses broken or foreign checkpoints with a message naming what is wrong', () => {
    let dir: string;
    let manifest: Record<string, unknown>;
    const edit = async (change: (m: Record<string, unknown>) => void) => {
      const m = structuredClone(manifest);
      change(m);
      await writeFile(join(dir, 'checkpoint.json'), JSON.stringify(m));
    };
    const tensors = (m: Record<string, unknown>) => m.tensors as Record<string, unknown>[];
    beforeAll(async () => {
      dir = freshDir();
      const net = randomNetwork(plan, 7);
      await saveCheckpoint(dir, weightsOnly(net.params, 3));
      net.dispose();
      manifest = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as Record<string, unknown>;
    });

    it('missing folder, missing manifest, not a folder', async () => {
      await expect(loadCheckpoint(join(root, 'nowhere'))).rejects.toThrow(`no checkpoint at ${join(root, 'nowhere')}: the folder does not exist`);
      const empty = join(root, 'empty');
      await saveCheckpoint(empty, weightsOnly(new Map(), 0));
      await rm(join(empty, 'checkpoint.json'));
      await expect(loadCheckpoint(empty)).rejects.toThrow(`no checkpoint in ${empty}: checkpoint.json is missing`);
      await expect(loadCheckpoint(join(dir, 'checkpoint.json'))).rejects.toThrow(/is not a checkpoint folder/);
    });

    it('a newer version: refused on load, and not overwritten by a save', async () => {
      const newer = CHECKPOINT_VERSION + 1;
      await edit((m) => (m.version = newer));
      const err = await loadCheckpoint(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as Error).message).toContain(join(dir, 'checkpoint.json'));
      expect((err as Error).message).toContain(`newer version (checkpoint version ${newer}; this build reads up to ${CHECKPOINT_VERSION})`);
      const net = keep(randomNetwork(plan, 8));
      await expect(saveCheckpoint(dir, weightsOnly(net.params, 4))).rejects.toThrow(/refusing to overwrite .* newer version/);
      expect(JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8'))).toMatchObject({ version: newer, step: 3 });
    });

    it('wrong format, bad JSON, bad fields', async () => {
      await edit((m) => (m.format = 'attractor-graph'));
      await expect(loadCheckpoint(dir)).rejects.toThrow(/not a checkpoint \("format" is "attractor-graph"/);
      await writeFile(join(dir, 'checkpoint.json'), '{"format": ');
      await expect(loadCheckpoint(dir)).rejects.toThrow(/checkpoint\.json: not valid JSON/);
      await edit((m) => (m.method = 'magic'));
      await expect(loadCheckpoint(dir)).rejects.toThrow(/"method" must be one of bptt, .*got "magic"/);
      await edit((m) => (tensors(m)[0].file = '../../etc/passwd.bin'));
      await expect(loadCheckpoint(dir)).rejects.toThrow(/tensors\[0\] \("W"\): "file" must be a plain \.bin file name/);
      await edit((m) => (m.optimizer = { config: { kind: 'adam', lr: -1 }, step: 0 }));
      await expect(loadCheckpoint(dir)).rejects.toThrow(/"optimizer\.config" is invalid: lr/);
    });

    it('a shape whose size does not match the length', async () => {
      await edit((m) => (tensors(m)[0].shape = [16, 4]));
      await expect(loadCheckpoint(dir)).rejects.toThrow(/tensors\[0\] \("W"\): shape \[16, 4\] holds 64 float32 values \(256 bytes\) but "length" is 320/);
    });

    it('a truncated, missing or overlong .bin names the file', async () => {
      await edit(() => undefined);
      const file = join(dir, 'params-000003.bin');
      const bytes = await readFile(file);
      await truncate(file, bytes.length - 4);
      await expect(loadCheckpoint(dir)).rejects.toThrow(`${file} is truncated (${bytes.length - 4} bytes; checkpoint.json needs ${bytes.length})`);
      await writeFile(file, Buffer.concat([bytes, Buffer.alloc(4)]));
      await expect(loadCheckpoint(dir)).rejects.toThrow(/params-000003\.bin has \d+ bytes but checkpoint\.json accounts for/);
      await rm(file);
      await expect(loadCheckpoint(dir)).rejects.toThrow(/params-000003\.bin is missing/);
      await writeFile(file, bytes);
      disposeCheckpoint(await loadCheckpoint(dir));
    });

    it('NaN or Infinity in a tensor names the tensor', async () => {
      await edit(() => undefined);
      const file = join(dir, 'params-000003.bin');
      const bytes = await readFile(file);
      const w = tensors(manifest).find((t) => t.name === 'W')!;
      const broken = Buffer.from(bytes);
      broken.writeFloatLE(Number.POSITIVE_INFINITY, (w.offset as number) + 8);
      await writeFile(file, broken);
      // With a checksum that agrees (written by a bug, not damaged on disk), the value check still speaks.
      await edit((m) => ((m.files as Record<string, { sha256: string }>)['params-000003.bin'].sha256 = createHash('sha256').update(broken).digest('hex')));
      await expect(loadCheckpoint(dir)).rejects.toThrow(/params tensor "W" in .*params-000003\.bin holds Infinity at index 2/);
      await writeFile(file, bytes);
    });

    it('a bit flipped in a .bin that keeps every value finite is refused by its checksum, naming the file', async () => {
      await edit(() => undefined);
      const file = join(dir, 'params-000003.bin');
      const bytes = await readFile(file);
      const flipped = Buffer.from(bytes);
      flipped[1] ^= 0x01; // the low bits of the first value's mantissa: still a finite float
      expect(Number.isFinite(flipped.readFloatLE(0))).toBe(true);
      await writeFile(file, flipped);
      const err = await loadCheckpoint(dir).then(
        () => new Error('expected a refusal'),
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(CheckpointError);
      expect(err.message).toBe(`broken checkpoint: ${file} does not match its checksum in checkpoint.json: the file was changed or damaged after it was saved`);
      await writeFile(file, bytes);
    });

    it('a manifest without its list of files and checksums is refused as incomplete', async () => {
      await edit((m) => delete m.files);
      await expect(loadCheckpoint(dir)).rejects.toThrow(/"files" must be an object listing each \.bin file with its "bytes" and "sha256" \(the manifest is incomplete\)/);
    });
  });

  it('checkParamsFit names missing, extra and misshaped parameters', async () => {
    const net = keep(randomNetwork(plan, 9));
    expect(plan.params.map((p) => p.name).sort()).toEqual(['W', 'h.b', 'v.b']);
    expect(checkParamsFit(plan, net.params, 'w/')).toBeNull();

    const missing = new Map(net.params);
    missing.delete('h.b');
    expect(checkParamsFit(plan, missing, 'w/')).toBe('the weights in w/ do not fit this graph:\n  missing parameter "h.b" (the graph expects shape [5])');

    const extra = keep(tf.zeros([2, 3]));
    const misshaped = keep(tf.zeros([5, 16]));
    const wrong = new Map<string, tf.Tensor>([...net.params, ['W', misshaped], ['U', extra]]);
    const message = checkParamsFit(plan, wrong, 'w/')!;
    expect(message).toContain('parameter "W": the graph expects shape [16, 5], the weights have [5, 16]');
    expect(message).toContain('extra parameter "U" (shape [2, 3]) that the graph does not have');
    expect(message.split('\n')).toHaveLength(3);
  });
});
