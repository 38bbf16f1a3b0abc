/**
 * What the Settle view's newer tools ask of a settle run, on the MNIST completion net:
 * frames that carry each layer's net input (plot a unit: activation and net input over the
 * iterations), and edited starts (set or flip units of any layer before settling).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { openRun } from '../../../engine/run/open.js';
import { settleRun } from '../../../engine/run/settle-run.js';
import { RunInputError } from '../../../engine/run/input-error.js';
import type { LayerFrame } from '../../../engine/protocol/run.js';
import { NO_FRAMES, runContext, wasmBackend } from './context.js';

const root = join(__dirname, '..', '..', '..');
const backend = wasmBackend();
const open = () => openRun({ path: join(root, 'examples/mnist-completion.attractor.json'), fallbackDir: root });
const FRAMES = { ...NO_FRAMES, activations: true, maxFps: 1e6 };

const layer = (frame: { layers: LayerFrame[] }, id: string) => frame.layers.find((l) => l.layerId === id)!;

describe('settle frames with net inputs', () => {
  it('carry z = Σ W·x + b per updated layer: free visible units are exactly tanh(z) in every frame', async () => {
    const { ctx, rec } = runContext('z', 'settle', backend());
    await settleRun(await open(), { examples: [{ part: 'test', index: 0 }], record: { ...FRAMES, netInput: true } }, ctx);
    const frames = rec.of('settle.frame');
    expect(frames.length).toBeGreaterThan(2);
    for (const f of frames.slice(1)) {
      const v = layer(f, 'visible');
      expect(v.netInput).toHaveLength(784);
      // The bottom half is free; the visible layer is the last phase, so its state is f(z) of the state shown.
      for (let u = 392; u < 784; u += 7) expect(Math.abs(v.data[u] - Math.tanh(v.netInput![u]))).toBeLessThan(1e-5);
      // Held pixels do not follow their net input: the clamp holds them.
      expect(v.data.subarray(0, 392).some((x, u) => Math.abs(x - Math.tanh(v.netInput![u])) > 0.1)).toBe(true);
    }
    // Hidden units were updated from the previous visible state: at the settled state they agree to θ.
    const h = layer(frames.at(-1)!, 'hidden');
    expect(h.netInput).toHaveLength(256);
    for (let u = 0; u < 256; u++) expect(Math.abs(h.data[u] - Math.tanh(h.netInput![u]))).toBeLessThan(1e-2);
  });

  it('leave net inputs out unless asked', async () => {
    const { ctx, rec } = runContext('n', 'settle', backend());
    await settleRun(await open(), { examples: [{ part: 'test', index: 0 }], record: FRAMES }, ctx);
    expect(rec.of('settle.frame')[0].layers.every((l) => l.netInput === undefined)).toBe(true);
  });
});

describe('edited starts', () => {
  it('start any layer where the user set it; a flipped held unit stays flipped while the free ones settle', async () => {
    const opened = await open();
    const first = runContext('a', 'settle', backend());
    await settleRun(opened, { examples: [{ part: 'test', index: 1 }], record: FRAMES }, first.ctx);
    const original = layer(first.rec.of('settle.frame')[0], 'visible').data;

    const visible = Float32Array.from(original);
    visible[100] = -visible[100] || 1; // a held pixel (top half), flipped
    const hidden = new Float32Array(256).fill(0.5);
    const { ctx, rec } = runContext('b', 'settle', backend());
    const before = tf.memory().numTensors;
    await settleRun(opened, { examples: [{ part: 'test', index: 1 }], start: [{ layer: 'visible', data: Array.from(visible) }, { layer: 'hidden', data: hidden }], record: FRAMES }, ctx);
    expect(tf.memory().numTensors).toBe(before);
    const frames = rec.of('settle.frame');
    expect(Array.from(layer(frames[0], 'visible').data)).toEqual(Array.from(visible));
    expect(Array.from(layer(frames[0], 'hidden').data)).toEqual(Array.from(hidden));
    expect(layer(frames.at(-1)!, 'visible').data[100]).toBe(visible[100]);
    expect(layer(frames.at(-1)!, 'hidden').data.some((x) => x !== 0.5)).toBe(true);
  });

  it('are refused with the entry, the layer and what it takes', async () => {
    const opened = await open();
    const refusal = async (start: { layer: string; data: number[] }[]) => {
      const { ctx } = runContext('r', 'settle', backend());
      return settleRun(opened, { examples: [{ part: 'test', index: 0 }], start, record: NO_FRAMES }, ctx).then(
        () => 'accepted',
        (err: unknown) => (err instanceof RunInputError ? err.message : String(err)),
      );
    };
    expect(await refusal([{ layer: 'nope', data: [] }])).toBe('start[0].layer: no layer "nope" in the graph (layers: "visible", "hidden")');
    expect(await refusal([{ layer: 'hidden', data: [1, 2] }])).toBe('start[0].data: layer "hidden" (256) has 256 units, got 2 values');
    expect(await refusal([{ layer: 'hidden', data: [...new Array(255).fill(0), 1.5] }])).toBe('start[0].data[255]: layer "hidden" (tanh) takes values in [-1, 1], got 1.5');
  });
});
