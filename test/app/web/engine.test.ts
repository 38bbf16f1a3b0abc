/**
 * The web host's engine wiring for real: a host over a temp workspace, a WebSocket
 * client as the browser's, `engine.send` starting the engine worker (dist/engine-server.mjs)
 * on first use, and every RunEvent coming back to the client as `engine.event` in the
 * codec's form. Relative graph paths resolve against the workspace.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WebSocket, RawData } from 'ws';
import { decode, type EventOf, type RunEvent, type RunEventType } from '../../../engine/protocol/run.js';
import { createHostEngine, refusePathsOutside } from '../../../app/web/engine.js';
import { CANCEL_ANSWER_MS } from '../../../app/services/engine-supervisor.js';
import type { EngineWorker } from '../../../engine/server/client.js';
import { REPO_ROOT, connect, rpc, startTestHost, type TestHost } from './helpers.js';

let t: TestHost;
let ws: WebSocket;
const events: RunEvent[] = [];
const waiters: { match: (e: RunEvent) => boolean; resolve: (e: RunEvent) => void }[] = [];

function next<T extends RunEventType>(type: T, where: (e: EventOf<T>) => boolean = () => true): Promise<EventOf<T>> {
  const found = events.find((e) => e.type === type && where(e as EventOf<T>));
  if (found) return Promise.resolve(found as EventOf<T>);
  return new Promise((resolve) => waiters.push({ match: (e) => e.type === type && where(e as EventOf<T>), resolve: (e) => resolve(e as EventOf<T>) }));
}

beforeAll(async () => {
  t = await startTestHost();
  await copyFile(join(REPO_ROOT, 'examples', 'mnist-completion.attractor.json'), join(t.workspace, 'mnist.attractor.json'));
  ws = await connect(t.wsUrl, t.origin);
  ws.on('message', (data: RawData) => {
    const msg = JSON.parse(String(data)) as { type: string; event?: string; payload?: { event: unknown } };
    if (msg.type !== 'event' || msg.event !== 'engine.event') return;
    const ev = decode<RunEvent>(msg.payload!.event);
    events.push(ev);
    for (const w of [...waiters]) {
      if (w.match(ev)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(ev);
      }
    }
  });
}, 60_000);

afterAll(async () => {
  ws?.close();
  await t?.cleanup();
});

it('settles a graph of the workspace over the WebSocket: energies fall, frames decode to Float32Arrays, cancel stops it', async () => {
  const sent = await rpc(ws, 1, 'engine.send', {
    command: {
      type: 'settle.start',
      runId: 'web1',
      graphPath: 'mnist.attractor.json',
      examples: [{ part: 'test', index: 3 }],
      overrides: { theta: 1e-12, steps: 3000 },
      record: { activations: true, attention: false, every: 1 },
    },
  });
  expect(sent).toMatchObject({ ok: true });

  const ready = await next('engine.ready');
  expect(ready.backend.name).toMatch(/wasm|tensorflow|cpu/);
  const started = await next('run.started', (e) => e.runId === 'web1');
  expect(started.kind).toBe('settle');
  expect(started.plan.guarantee.kind).toBe('descent');

  const frame = await next('settle.frame', (e) => e.runId === 'web1');
  expect(frame.layers[0].data).toBeInstanceOf(Float32Array);
  expect(frame.layers.map((l) => l.data.length)).toEqual([784, 256]);

  await next('settle.iteration', (e) => e.runId === 'web1' && e.iter >= 8);
  const its = events.filter((e): e is EventOf<'settle.iteration'> => e.type === 'settle.iteration' && e.runId === 'web1');
  expect(its.slice(0, 9).map((e) => e.iter)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  const energy = its.map((e) => e.energy[0]);
  for (let i = 1; i < energy.length; i++) expect(energy[i]).toBeLessThanOrEqual(energy[i - 1] + 1e-5 * (1 + Math.abs(energy[i - 1])));
  expect(energy.at(-1)!).toBeLessThan(energy[0]);

  expect(await rpc(ws, 2, 'engine.send', { command: { type: 'run.cancel', runId: 'web1' } })).toMatchObject({ ok: true });
  const cancelled = await next('run.cancelled', (e) => e.runId === 'web1');
  expect(cancelled.at).toBeLessThan(3000);
  expect(events.some((e) => e.type === 'settle.done' && e.runId === 'web1')).toBe(false);
  console.log(`web host engine (${ready.backend.detail}): energy ${energy[0].toFixed(2)} → ${energy.at(-1)!.toFixed(2)} over ${energy.length - 1} iterations; cancelled at ${cancelled.at}`);

  // A refused command comes back as a result error, before it reaches the engine.
  const bad = await rpc(ws, 3, 'engine.send', { command: { type: 'run.pause' } });
  expect(bad).toMatchObject({ ok: false });

  // Paths outside the workspace are refused: the engine would read or write checkpoints there.
  const outside = await rpc(ws, 4, 'engine.send', {
    command: { type: 'train.start', runId: 'web2', graphPath: 'g.attractor.json', checkpointDir: '../../elsewhere' },
  });
  expect(outside).toMatchObject({ ok: false, error: expect.stringContaining('checkpointDir "../../elsewhere" is outside the workspace') });
  const absolute = await rpc(ws, 5, 'engine.send', { command: { type: 'checkpoint.list', requestId: 'r1', graphPath: '/etc/x.attractor.json' } });
  expect(absolute).toMatchObject({ ok: false, error: expect.stringContaining('outside the workspace') });
});

it('engine.configure to cpu restarts the worker: engine.ready and the next settle report the cpu backend, with the part sizes', async () => {
  // The first test left a worker running: it is replaced at once with the new backend.
  events.length = 0;
  expect(await rpc(ws, 10, 'engine.configure', { backend: 'cpu' })).toMatchObject({ ok: true });
  const ready = await next('engine.ready');
  expect(ready.backend.name).toBe('cpu');
  expect(ready.backend.detail).toMatch(/cpu/);

  expect(await rpc(ws, 11, 'engine.configure', { backend: 'gpu' })).toMatchObject({ ok: false, error: expect.stringContaining('at backend') });
  const sent = await rpc(ws, 12, 'engine.send', {
    command: { type: 'settle.start', runId: 'web-cpu', graphPath: 'mnist.attractor.json', examples: [{ part: 'test', index: 1 }], overrides: { steps: 3 }, record: { activations: false, attention: false } },
  });
  expect(sent).toMatchObject({ ok: true });
  const started = await next('run.started', (e) => e.runId === 'web-cpu');
  expect(started.backend.name).toBe('cpu');
  expect(started.kind === 'settle' && started.totals.parts.test).toBeGreaterThan(1);
  expect(started.kind === 'settle' && started.totals.parts.train).toBeGreaterThan(1);
  // Mid-run the backend stays: the request is refused with a message saying why.
  const refused = await rpc(ws, 13, 'engine.configure', { backend: 'wasm' });
  const closing = await Promise.race([next('run.done', (e) => e.runId === 'web-cpu'), next('run.error', (e) => e.runId === 'web-cpu')]);
  expect(closing.type).toBe('run.done');
  // The run may have ended before the request arrived; if not, it was refused.
  if (refused.ok !== true) expect(refused).toMatchObject({ error: expect.stringContaining('a run is in progress') });
  else expect(await rpc(ws, 14, 'engine.configure', { backend: 'cpu' })).toMatchObject({ ok: true });
});

it('configure is refused while a run is in progress, remembered while no worker runs, and restarts a running one', async () => {
  const started: (string | undefined)[] = [];
  const workers: { listeners: Set<(e: RunEvent) => void>; terminated: boolean }[] = [];
  const fake = (options: { backend?: string }): EngineWorker => {
    const w = { listeners: new Set<(e: RunEvent) => void>(), terminated: false };
    started.push(options.backend);
    workers.push(w);
    return { send: () => undefined, on: (l) => (w.listeners.add(l), () => w.listeners.delete(l)), ready: new Promise(() => undefined), terminate: async () => void (w.terminated = true) };
  };
  const engine = createHostEngine({ baseDir: '/ws', broadcast: () => undefined, start: fake });
  await engine.link.configure('wasm');
  expect(workers).toHaveLength(0);
  engine.link.send({ type: 'settle.start', runId: 'r1', graphPath: 'g.attractor.json', examples: { count: 1 }, record: { activations: false, attention: false } });
  expect(started).toEqual(['wasm']);
  expect(() => engine.link.configure('cpu')).toThrow(/a run is in progress \(r1\)/);
  workers[0].listeners.forEach((l) => l({ type: 'run.cancelled', runId: 'r1', at: 2 }));
  await engine.link.configure('cpu');
  expect(workers[0].terminated).toBe(true);
  expect(started).toEqual(['wasm', 'cpu']);
  expect(engine.backend).toBe('cpu');
  await engine.stop();
});

it('starts one worker lazily, forwards its events encoded, starts a new one after a crash, and terminates it on close', async () => {
  const workers: { sent: unknown[]; listeners: Set<(e: RunEvent) => void>; terminated: boolean }[] = [];
  const fake = (): EngineWorker => {
    const w = { sent: [] as unknown[], listeners: new Set<(e: RunEvent) => void>(), terminated: false };
    workers.push(w);
    return {
      send: (c) => void w.sent.push(c),
      on: (l) => (w.listeners.add(l), () => w.listeners.delete(l)),
      ready: new Promise(() => undefined),
      terminate: async () => void (w.terminated = true),
    };
  };
  const out: unknown[] = [];
  const engine = createHostEngine({ baseDir: '/ws', broadcast: (_e, p) => out.push(p.event), start: fake });
  expect(engine.running).toBe(false);
  engine.link.send({ type: 'engine.info' });
  engine.link.send({ type: 'engine.info', requestId: 'b' });
  expect(workers).toHaveLength(1);
  expect(workers[0].sent).toHaveLength(2);
  const data = new Float32Array([1, NaN, -0]);
  workers[0].listeners.forEach((l) => l({ type: 'settle.frame', runId: 'r', iter: 0, layers: [{ layerId: 'v', dims: [3], examples: 1, data }] }));
  const frame = decode<EventOf<'settle.frame'>>(out[0]);
  expect(Array.from(frame.layers[0].data)).toEqual([1, NaN, -0]);

  workers[0].listeners.forEach((l) => l({ type: 'run.error', ended: true, message: 'the engine worker exited (code 1)' }));
  expect(workers[0].terminated).toBe(true);
  engine.link.send({ type: 'engine.info' });
  expect(workers).toHaveLength(2);
  await engine.stop();
  expect(workers[1].terminated).toBe(true);
  expect(() => engine.link.send({ type: 'engine.info' })).toThrow(/shutting down/);
});

it('refuses engine paths that leave the workspace through a symbolic link, and lets new folders and a linked workspace through', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'attractor-confine-'));
  try {
    const ws = join(dir, 'ws');
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(ws);
    await mkdir(elsewhere);
    await writeFile(join(ws, 'g.attractor.json'), '{}');
    await writeFile(join(elsewhere, 'x.attractor.json'), '{}');
    await symlink(elsewhere, join(ws, 'out'));
    await symlink(join(elsewhere, 'x.attractor.json'), join(ws, 'x.attractor.json'));
    await symlink(ws, join(dir, 'ws-link'));

    expect(() => refusePathsOutside(ws, { type: 'train.start', graphPath: 'g.attractor.json', checkpointDir: 'out/run1' })).toThrow(
      /checkpointDir "out\/run1" leads outside the workspace .* through a symbolic link/,
    );
    expect(() => refusePathsOutside(ws, { type: 'checkpoint.list', graphPath: 'x.attractor.json' })).toThrow(/graphPath "x.attractor.json" leads outside/);
    // Folders that do not exist yet are judged by the nearest one that does.
    expect(() => refusePathsOutside(ws, { type: 'train.start', graphPath: 'g.attractor.json', checkpointDir: 'runs/a/b' })).not.toThrow();
    // A workspace reached through a link is still the workspace.
    expect(() => refusePathsOutside(join(dir, 'ws-link'), { type: 'train.start', graphPath: 'g.attractor.json', checkpointDir: 'runs' })).not.toThrow();
    expect(() => refusePathsOutside(join(dir, 'ws-link'), { type: 'train.start', graphPath: 'g.attractor.json', checkpointDir: 'out' })).toThrow(/symbolic link/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('answers a cancel within a second while the engine is stuck reading a large CSV: the worker is ended, the next run starts a fresh one', async () => {
  // 100 MB of CSV: the read is chunked and abortable, but parsing it is one synchronous
  // stretch of seconds in which the worker cannot hear the cancel — a real stuck engine.
  const hopfield = JSON.parse(await readFile(join(REPO_ROOT, 'examples', 'hopfield.attractor.json'), 'utf8')) as { nodes: { kind: string; params: Record<string, unknown> }[] };
  const row = `${Array.from({ length: 100 }, (_, i) => (i % 7) / 7).map((v) => v.toFixed(4)).join(',')}\n`;
  await mkdir(join(t.workspace, 'data'), { recursive: true });
  await writeFile(join(t.workspace, 'data', 'big.csv'), Buffer.alloc(Math.floor(100e6 / row.length) * row.length, row));
  hopfield.nodes.find((n) => n.kind === 'dataset')!.params.source = { kind: 'csv', path: 'data/big.csv' };
  await writeFile(join(t.workspace, 'big.attractor.json'), JSON.stringify(hopfield));
  await copyFile(join(REPO_ROOT, 'examples', 'hopfield.attractor.json'), join(t.workspace, 'hopfield.attractor.json'));

  events.length = 0;
  const start = (id: number, runId: string, graphPath: string) =>
    rpc(ws, id, 'engine.send', { command: { type: 'settle.start', runId, graphPath, examples: { count: 1 }, record: { activations: false, attention: false } } });
  expect(await start(30, 'stuck', 'big.attractor.json')).toMatchObject({ ok: true });
  // Let the worker reach the parse (it reads 100 MB first, in abortable chunks).
  await new Promise((r) => setTimeout(r, 400));
  const sentAt = performance.now();
  expect(await rpc(ws, 20, 'engine.send', { command: { type: 'run.cancel', runId: 'stuck' } })).toMatchObject({ ok: true });
  const answer = await Promise.race([next('run.cancelled', (e) => e.runId === 'stuck'), next('run.error', (e) => e.runId === 'stuck')]);
  const waited = performance.now() - sentAt;
  expect(answer.type).toBe('run.cancelled');
  // The engine never got past loading the data: the answer came from ending it, not from the run.
  expect(events.some((e) => e.type === 'run.started' && e.runId === 'stuck')).toBe(false);
  // One second to answer, plus the time the host takes to end a worker thread on a loaded machine.
  expect(waited).toBeLessThan(CANCEL_ANSWER_MS + 2000);
  console.log(`cancel during a 100 MB CSV parse answered in ${waited.toFixed(0)} ms`);
  const readies = () => events.filter((e) => e.type === 'engine.ready').length;
  const readyBefore = readies();

  expect(await start(31, 'after', 'hopfield.attractor.json')).toMatchObject({ ok: true });
  const closing = await Promise.race([next('run.done', (e) => e.runId === 'after'), next('run.error', (e) => e.runId === 'after')]);
  expect(closing.type).toBe('run.done');
  // …on a fresh worker: the stuck one was ended, not waited for.
  expect(readies()).toBe(readyBefore + 1);
}, 60_000);
