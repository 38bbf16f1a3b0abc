/**
 * The run protocol: every message round-trips exactly through the JSON codec (typed
 * arrays bit for bit, NaN, ±Infinity and −0 included) and through structured clone, and
 * commands that do not validate are refused with the path of every wrong field.
 */
import { describe, expect, it } from 'vitest';
import {
  decode,
  decodeText,
  encode,
  encodeText,
  parseCommand,
  transferables,
  type EventOf,
  type RunCommand,
  type RunCommandType,
  type RunEventType,
} from '../../../engine/protocol/run.js';
import { fromBase64, toBase64 } from '../../../engine/protocol/codec.js';

const f32 = (...v: number[]) => Float32Array.from(v);
const odd = f32(0.5, -0, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, -1.5);
const backend = { name: 'wasm', detail: 'wasm (SIMD, 1 thread)', description: 'backend: wasm (SIMD, 1 thread; skipped tensorflow: GPU unavailable: x)', skipped: [{ name: 'tensorflow', reason: 'GPU unavailable: x' }] };
const plan = {
  schedule: 'chromatic',
  phases: 2,
  guarantee: { kind: 'descent' as const, reason: 'chromatic' },
  layers: [{ id: 'visible', shape: 'vector[784]', units: 784, activation: 'tanh', clamped: 'partly' as const }],
  params: { free: 201744, fixed: 0 },
  text: 'schedule: chromatic\n…',
};

/** One of every event; the mapped type makes leaving one out a compile error. */
const EVENTS: { [K in RunEventType]: EventOf<K> } = {
  'run.started': { type: 'run.started', runId: 'r', kind: 'settle', backend, plan, warnings: [{ severity: 'warning', path: ['settle', 'schedule'], message: 'slow' }], totals: { examples: [749, 1059], steps: 100, theta: 1e-3, seed: 0, weights: 'fresh weights (seed 0)', parts: { train: 60000, test: 10000 } } },
  'settle.iteration': { type: 'settle.iteration', runId: 'r', iter: 3, energy: [16.4, NaN, -Infinity], maxChange: [2.5e-1, 0, -0], tStar: [null, 3, null], converged: 1, cycling: 0, energyRose: false },
  'settle.frame': { type: 'settle.frame', runId: 'r', iter: 0, layers: [{ layerId: 'visible', dims: [28, 28, 1], examples: 1, data: odd }, { layerId: 'hidden', dims: [3], examples: 1, data: f32(1, 2, 3), netInput: f32(0.5, -0, NaN) }] },
  'settle.example': { type: 'settle.example', runId: 'r', items: [{ example: 749, label: 7, layerId: 'visible', dims: [2], range: [-1, 1], input: f32(1, -1), clamped: f32(1, 0), target: f32(1, 1) }] },
  'settle.attention': { type: 'settle.attention', runId: 'r', iter: 1, block: 'memory', kind: 'hopfield-memory', examples: 1, heads: 1, tokens: 1, keys: 4, weights: f32(0.25, 0.25, 0.5, 0) },
  'settle.done': {
    type: 'settle.done',
    runId: 'r',
    iterations: 4,
    tStar: [4, null],
    cycle2: [false, true],
    cycle2Units: [[], [{ layerId: 'visible', units: [3, 9], truncated: false }]],
    guarantee: 'descent',
    energyRose: true,
    energyRises: [{ example: 1, iter: 2, from: -3.25, to: -3.0 }],
    finalEnergy: [15.8, Infinity],
    stability: [{ rho: 0.93, dominant: 'negative', converged: true, steps: 48 }, null],
  },
  'train.batch': { type: 'train.batch', runId: 'r', step: 1, total: 500, epoch: 0, loss: 0.0512, meanTStar: null, unsettled: 2, tossed: 0, cycle2: 0, ms: 87.5, examplesPerSec: 731.4 },
  'train.eval': { type: 'train.eval', runId: 'r', step: 50, examples: 200, heldOutLoss: 0.046, accuracy: null, meanTStar: 11.1, tStarHistogram: { bins: [0, 6, 12], counts: [3, 197], unsettled: 0 }, cycle2: 0, ms: 400 },
  'train.gallery': { type: 'train.gallery', runId: 'r', step: 25, items: [{ example: 9, label: null, layerId: 'visible', dims: [2], range: [-Infinity, Infinity], input: f32(1, -1), clamped: f32(1, 0), result: f32(1, NaN), target: null }] },
  'train.weights': {
    type: 'train.weights',
    runId: 'r',
    step: 25,
    params: [
      { name: 'W', owner: 'W', kind: 'dense', shape: [784, 256], data: f32(0.1, 0.2), dataShape: [1, 2], downsampled: { block: [784, 128] } },
      { name: 'K', owner: 'K', kind: 'conv-within', shape: [1, 1, 1, 1], data: f32(-0), dataShape: [1, 1, 1, 1], downsampled: null, symmetricError: 0 },
    ],
  },
  'train.checkpoint': { type: 'train.checkpoint', runId: 'r', step: 100, dir: '/x/y.weights' },
  'gradcheck.progress': { type: 'gradcheck.progress', runId: 'r', stage: 'finite-differences', done: 3, total: 8 },
  'gradcheck.done': {
    type: 'gradcheck.done',
    runId: 'r',
    bpttVsFd: { cosine: 0.999999, maxRelError: 2.5e-4 },
    rbpVsFd: { cosine: NaN, maxRelError: 1 },
    bpttVsRbp: { cosine: 1, maxRelError: 0 },
    perParam: [{ param: 'W', entries: 4, scale: 0.03, bpttVsFd: { cosine: 1, maxRelError: 1e-5 }, rbpVsFd: { cosine: 1, maxRelError: 2e-5 }, bpttVsRbp: { cosine: 1, maxRelError: 1e-6 } }],
    fdResolution: 3.7e-6,
    tossed: 1,
    tossedWhy: { notSettled: 1, diverged: 0 },
    tStar: [12, null],
    notes: ['1 of 2 examples did not settle'],
  },
  'run.paused': { type: 'run.paused', runId: 'r', at: 7 },
  'run.resumed': { type: 'run.resumed', runId: 'r', at: 7 },
  'run.updated': { type: 'run.updated', runId: 'r', at: 7, lr: 0.01, steps: 40, theta: 1e-4 },
  'run.cancelled': { type: 'run.cancelled', runId: 'r', at: 7, checkpoint: '/x/y.weights' },
  'run.error': { type: 'run.error', runId: 'r', command: 'settle.start', ended: true, message: 'bad', problems: [{ severity: 'error', path: ['nodes', 2, 'params', 'kernel'], nodeId: 'K', message: 'expected an odd integer ≥ 1, got 4' }] },
  'run.done': { type: 'run.done', runId: 'r', summary: { kind: 'train', steps: 4, lastLoss: 0.05, tossed: 0, cycle2: 0, unsettled: 1, checkpoint: null, heldOutLoss: null, ms: 12 } },
  'checkpoint.list': { type: 'checkpoint.list', requestId: 'q', graphPath: '/x/y.attractor.json', checkpoints: [{ dir: '/x/y.weights', step: 500, epoch: 3, method: 'bptt', created: '2026-11-23T10:00:00.000Z', loss: 0.046, isDefault: true }] },
  'engine.info': { type: 'engine.info', backend, tensors: 0, run: { runId: 'r', kind: 'train', paused: true } },
  'engine.ready': { type: 'engine.ready', backend },
};

/** One of every command. */
const COMMANDS: { [K in RunCommandType]: Extract<RunCommand, { type: K }> } = {
  'settle.start': {
    type: 'settle.start',
    runId: 'r',
    // A graph whose own data uses the codec's tag key must come back untouched.
    graph: { format: 'attractor-graph', version: 1, nodes: [], extra: { $: 'f32', b: 'AAAA' } },
    graphPath: null,
    weights: null,
    examples: [{ part: 'test', index: 0 }],
    overrides: { theta: 1e-4, schedule: 'synchronous' },
    start: [{ layer: 'hidden', data: [0.5, -1, 1] }],
    record: { activations: true, attention: true, every: 2, examples: 1, maxFps: 30, netInput: true },
  },
  'train.start': { type: 'train.start', runId: 'r', graphPath: 'examples/x.attractor.json', method: 'recurrent-backprop', batches: 10, resumeFrom: null, checkpointDir: 'out', evalEvery: 5, galleryEvery: 5, weightsEvery: 5 },
  'gradcheck.start': { type: 'gradcheck.start', runId: 'r', graphPath: 'examples/x.attractor.json', weights: null, batch: 2, perParam: 4, seed: 1, epsilon: 1e-3, theta: 1e-6, steps: 2000, adjointTolerance: 1e-6 },
  'run.pause': { type: 'run.pause', runId: 'r' },
  'run.resume': { type: 'run.resume', runId: 'r' },
  'run.step': { type: 'run.step', runId: 'r' },
  'run.cancel': { type: 'run.cancel', runId: 'r' },
  'run.update': { type: 'run.update', runId: 'r', lr: 0.01, steps: 40 },
  'checkpoint.list': { type: 'checkpoint.list', graphPath: 'examples/x.attractor.json' },
  'engine.info': { type: 'engine.info', requestId: '1' },
};

/** Exact equality: numbers by Object.is (NaN = NaN, −0 ≠ 0), typed arrays by type and bytes. */
function same(a: unknown, b: unknown, at = '$'): void {
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    expect(ArrayBuffer.isView(a) && ArrayBuffer.isView(b), at).toBe(true);
    const [x, y] = [a as Float32Array, b as Float32Array];
    expect(y.constructor, at).toBe(x.constructor);
    expect(Array.from(new Uint8Array(y.buffer, y.byteOffset, y.byteLength)), at).toEqual(Array.from(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)));
    return;
  }
  if (a === null || typeof a !== 'object') {
    expect(Object.is(a, b), `${at}: ${String(a)} vs ${String(b)}`).toBe(true);
    return;
  }
  expect(b !== null && typeof b === 'object', at).toBe(true);
  expect(Array.isArray(b), at).toBe(Array.isArray(a));
  expect(Object.keys(b as object).sort(), at).toEqual(Object.keys(a).sort());
  for (const [k, v] of Object.entries(a)) same(v, (b as Record<string, unknown>)[k], `${at}.${k}`);
}

describe('run protocol: encode / decode', () => {
  it.each(Object.values(EVENTS))('$type round-trips through JSON text and structured clone', (ev) => {
    const text = encodeText(ev);
    expect(() => JSON.parse(text)).not.toThrow();
    same(ev, decodeText(text));
    same(ev, decode(JSON.parse(JSON.stringify(encode(ev)))));
    same(ev, structuredClone(ev));
  });

  it.each(Object.values(COMMANDS))('$type round-trips and validates', (cmd) => {
    same(cmd, decodeText(encodeText(cmd)));
    const parsed = parseCommand(decodeText(encodeText(cmd)));
    expect(parsed.ok, parsed.ok ? '' : parsed.message).toBe(true);
  });

  it('keeps typed arrays bit for bit, of every element type, at any offset', () => {
    const nanPayload = new Float32Array(new Uint32Array([0x7fc00001, 0xffc12345]).buffer);
    const view = new Float32Array(odd.buffer, 4, 3);
    const msg = { a: nanPayload, b: view, c: new Float64Array([Math.PI, -0, NaN]), d: new Int32Array([-1, 2 ** 31 - 1]), e: new Uint8Array([0, 255, 7]), f: new Uint16Array([65535]), g: new Float32Array(0) };
    same(msg, decodeText(encodeText(msg)));
    expect(Array.from(new Uint32Array((decodeText<typeof msg>(encodeText(msg)).a as Float32Array).buffer))).toEqual([0x7fc00001, 0xffc12345]);
  });

  it('base64 matches the standard alphabet and padding', () => {
    for (const s of ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar']) {
      const bytes = new TextEncoder().encode(s);
      expect(toBase64(bytes)).toBe(btoa(s));
      expect(Array.from(fromBase64(btoa(s)))).toEqual(Array.from(bytes));
    }
    expect(() => fromBase64('ab$d')).toThrow(/invalid base64/);
  });

  it('lists whole buffers for transfer, once each, never a view into a larger buffer', () => {
    const frame = EVENTS['settle.frame'];
    expect(transferables(frame)).toEqual([frame.layers[0].data.buffer, frame.layers[1].data.buffer, frame.layers[1].netInput!.buffer]);
    expect(transferables({ v: new Float32Array(odd.buffer, 4, 2) })).toEqual([]);
    expect(transferables(EVENTS['train.batch'])).toEqual([]);
  });

  it('refuses what it cannot carry, naming where', () => {
    expect(() => encode({ layers: [{ data: new Map() }] })).toThrow(/layers\[0\]\.data is a Map/);
    expect(() => decode({ x: { $: 'nope' } })).toThrow(/x: unknown tag "nope"/);
  });
});

describe('run protocol: command validation', () => {
  const settle = COMMANDS['settle.start'];
  const refusal = (cmd: unknown) => {
    const r = parseCommand(cmd);
    if (r.ok) throw new Error('expected a refusal');
    return r;
  };

  it('names each wrong field by its path', () => {
    const r = refusal({ ...settle, examples: [{ part: 'test', index: 0 }, { part: 'tset', index: -1 }], record: { activations: 'yes', attention: false } });
    expect(r.problems.map((p) => p.path)).toEqual([
      ['examples', 1, 'part'],
      ['examples', 1, 'index'],
      ['record', 'activations'],
    ]);
    expect(r.message).toBe(
      'invalid settle.start command: examples[1].part: expected "train" or "test", got "tset"; examples[1].index: expected an integer ≥ 0 (position within the part), got -1; record.activations: expected true or false, got "yes"',
    );
    expect(r).toMatchObject({ runId: 'r', command: 'settle.start' });
  });

  it('says what is missing, unknown or out of range', () => {
    expect(refusal({ type: 'settle.start', runId: 'r', graphPath: 'x', examples: { count: 0 }, record: { activations: true, attention: false } }).message).toBe(
      'invalid settle.start command: examples.count: expected an integer ≥ 1, got 0',
    );
    expect(refusal({ ...settle, graph: null }).message).toBe('invalid settle.start command: graph: expected a graph document, or a graphPath to read it from');
    expect(refusal({ ...settle, colour: 'red' }).message).toContain('colour: unknown field "colour"');
    expect(refusal({ ...settle, overrides: { schedule: 'fast' } }).message).toContain('overrides.schedule: expected "synchronous", "sequential", "chromatic" or "asynchronous", got "fast"');
    expect(refusal({ type: 'train.start', runId: 'r', graph: {}, graphPath: null }).message).toBe(
      'invalid train.start command: checkpointDir: expected a checkpoint folder: a graph without a graphPath has no sidecar folder to train into',
    );
    expect(refusal({ type: 'run.pause' }).message).toBe('invalid run.pause command: runId: expected a run id (a non-empty string), got nothing');
    expect(refusal({ type: 'run.fly', runId: 'r' }).message).toMatch(/^invalid run\.fly command: type: expected a command with type settle\.start, train\.start, .*got "run\.fly"$/);
    expect(refusal('pause').message).toMatch(/^invalid command: \(command\): expected/);
    expect(refusal({ type: 'train.start', runId: 'r', graphPath: 'x', batches: 2.5, evalEvery: 0 }).problems.map((p) => p.path)).toEqual([['batches'], ['evalEvery']]);
  });
});
