/**
 * Settling from a drawn input (settle.start `input`, the Settle view's paint canvas): the
 * drawn values replace the dataset example in the clamped visible layer, mapped like the
 * dataset's images; the clamp's mask still picks the held units. Wrong inputs are refused
 * with a run.error that names the layer and the size it expects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { startBackend, type BackendInfo } from '../../../engine/backend/select.js';
import { EngineHost } from '../../../engine/server/host.js';
import { parseCommand, type SettleStart } from '../../../engine/protocol/run.js';
import { decode, encode } from '../../../engine/protocol/codec.js';
import { Recorder, settleCmd } from './recorder.js';

const root = join(__dirname, '..', '..', '..');
const MNIST = 'examples/mnist-completion.attractor.json';
const SIDE = 28;
let backend: BackendInfo;

beforeAll(async () => {
  backend = await startBackend('wasm');
});

function hostWith(): { host: EngineHost; rec: Recorder } {
  const rec = new Recorder();
  return { host: new EngineHost(rec.send, { backend, baseDir: root }), rec };
}

/** A soft vertical stroke and a bar, like a drawn "7" — values in [0, 1], row-major 28×28. */
function drawnDigit(): number[] {
  const out = new Array<number>(SIDE * SIDE).fill(0);
  for (let c = 6; c < 22; c++) {
    out[5 * SIDE + c] = 1;
    out[6 * SIDE + c] = 0.5;
  }
  for (let r = 5; r < 25; r++) {
    const c = 21 - Math.floor((r - 5) / 2);
    out[r * SIDE + c] = 1;
    out[r * SIDE + c + 1] = 0.25;
  }
  return out;
}

/** The top half of the 28×28 visible layer: what mnist-completion's clamp holds. */
const held = (i: number) => Math.floor(i / SIDE) < SIDE / 2;

async function settleDrawn(runId: string, extra: Partial<SettleStart>, map: (v: number) => number) {
  const { host, rec } = hostWith();
  const before = tf.memory().numTensors;
  const data = drawnDigit();
  host.handle(settleCmd(runId, { input: { layer: 'visible', data }, ...extra }));
  const closed = await rec.closed(runId);
  expect(closed).toMatchObject({ type: 'run.done' });
  const started = rec.of('run.started', runId)[0];
  expect(started.kind === 'settle' && started.totals.drawnInto).toBe('visible');
  const its = rec.of('settle.iteration', runId);
  expect(its.length).toBeGreaterThan(2);
  for (let i = 1; i < its.length; i++) {
    const [prev, now] = [its[i - 1].energy[0], its[i].energy[0]];
    expect(now - prev).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(prev)));
  }
  expect(rec.of('settle.done', runId)[0].energyRose).toBe(false);
  const frames = rec.of('settle.frame', runId);
  expect(frames.length).toBeGreaterThan(1);
  let free = 0;
  for (const f of frames) {
    const visible = f.layers.find((l) => l.layerId === 'visible')!;
    expect(visible.data).toHaveLength(SIDE * SIDE);
    for (let i = 0; i < data.length; i++) {
      if (held(i)) expect(visible.data[i]).toBe(Math.fround(map(Math.fround(data[i]))));
    }
    free = Array.from(visible.data).filter((v, i) => !held(i) && v !== 0).length;
  }
  // The unclamped bottom half moved: the net completed something there.
  expect(free).toBeGreaterThan(0);
  expect(tf.memory().numTensors).toBe(before);
  return { its, frames };
}

describe('EngineHost settle from a drawn input', () => {
  it('settles a drawn digit: energy never rises, the clamped units hold the drawn values exactly', async () => {
    const { its } = await settleDrawn('d1', {}, (v) => v);
    console.log(`drawn: ${its.length} iterations, energy ${its[0].energy[0].toFixed(3)} → ${its.at(-1)!.energy[0].toFixed(3)}`);
  });

  it('maps the drawn [0, 1] intensities like the dataset (2v − 1 for a symmetric range); a Float32Array is taken too', async () => {
    const graph = JSON.parse(readFileSync(join(root, MNIST), 'utf8')) as { nodes: { id: string; params: Record<string, unknown> }[] };
    graph.nodes.find((n) => n.id === 'digits')!.params.range = 'symmetric';
    const { host, rec } = hostWith();
    const data = Float32Array.from(drawnDigit());
    host.handle(settleCmd('d2', { graph, input: { layer: 'visible', data }, examples: [{ part: 'test', index: 0 }, { part: 'test', index: 1 }] }));
    expect(await rec.closed('d2')).toMatchObject({ type: 'run.done' });
    const frame = rec.of('settle.frame', 'd2').at(-1)!;
    const visible = frame.layers.find((l) => l.layerId === 'visible')!;
    expect(visible.examples).toBe(1); // a drawn input settles one example
    for (let i = 0; i < data.length; i++) if (held(i)) expect(visible.data[i]).toBe(Math.fround(2 * data[i] - 1));
  });

  it('refuses a wrong length, naming the layer and the size it expects', async () => {
    const { host, rec } = hostWith();
    host.handle(settleCmd('w1', { input: { layer: 'visible', data: [0, 0.5, 1] } }));
    const err = await rec.failed('w1');
    expect(err.message).toMatch(/layer "visible"/);
    expect(err.message).toMatch(/784 values, got 3/);
  });

  it('refuses an unknown layer, a hidden layer and values outside [0, 1]', async () => {
    const { host, rec } = hostWith();
    host.handle(settleCmd('u1', { input: { layer: 'nope', data: drawnDigit() } }));
    const unknown = await rec.failed('u1');
    expect(unknown.message).toMatch(/no layer "nope"/);
    expect(unknown.message).toMatch(/"visible"/);

    host.handle(settleCmd('u2', { input: { layer: 'hidden', data: new Array<number>(256).fill(0) } }));
    expect((await rec.failed('u2')).message).toMatch(/"hidden" is a hidden layer/);

    const data = drawnDigit();
    data[3] = 2;
    host.handle(settleCmd('u3', { input: { layer: 'visible', data } }));
    expect((await rec.failed('u3')).message).toMatch(/input\.data\[3\].*"visible".*\[0, 1\], got 2/);

    host.handle(settleCmd('u4', { input: { layer: 'visible', data: Float32Array.from(drawnDigit()).fill(NaN, 10, 11) } }));
    expect((await rec.failed('u4')).message).toMatch(/input\.data\[10\].*got NaN/);
  });
});

describe('settle.start input in the protocol', () => {
  it('validates a number list or a Float32Array, and the codec carries the Float32Array exactly', () => {
    const base = settleCmd('p1');
    expect(parseCommand({ ...base, input: { layer: 'visible', data: [0, 1] } }).ok).toBe(true);
    const f = Float32Array.from([0.1, 0.7]);
    const parsed = parseCommand(decode(JSON.parse(JSON.stringify(encode({ ...base, input: { layer: 'visible', data: f } })))));
    expect(parsed.ok).toBe(true);
    if (parsed.ok && parsed.command.type === 'settle.start') expect(parsed.command.input?.data).toEqual(f);
    const bad = parseCommand({ ...base, input: { layer: 'visible', data: 'pixels' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/input\.data/);
    expect(parseCommand({ ...base, input: { data: [0] } }).ok).toBe(false);
  });
});
