/**
 * The desktop engine wiring (app/main/engine.ts) against a structural fake of Electron's
 * utilityProcess. The real one cannot run here: there is no Electron binary on the test
 * machines (electron's postinstall download fails, see STACK.md) and no display, so the
 * fake stands in for exactly the surface the module uses — fork(path, args, {env}),
 * postMessage, on('message' | 'exit'), kill — and the engine's side of it
 * (process.parentPort) is covered by test/engine/server/worker.test.ts's real bundle.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDesktopEngine, engineScriptPath, type ForkUtility, type UtilityProcessLike } from '../../../app/main/engine.js';
import { MAX_RESTARTS } from '../../../app/services/engine-supervisor.js';
import { decode, type RunEvent } from '../../../engine/protocol/run.js';

class FakeUtility implements UtilityProcessLike {
  readonly posted: unknown[] = [];
  readonly listeners = new Map<string, ((arg: never) => void)[]>();
  killed = false;
  constructor(
    readonly modulePath: string,
    readonly env: Record<string, string | undefined>,
  ) {}
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  on(event: string, listener: (arg: never) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, arg: unknown): void {
    for (const l of this.listeners.get(event) ?? []) (l as (a: unknown) => void)(arg);
  }
  kill(): boolean {
    this.killed = true;
    this.emit('exit', 0);
    return true;
  }
}

function setup(now = () => 0) {
  const procs: FakeUtility[] = [];
  const fork: ForkUtility = (modulePath, _args, options) => {
    const p = new FakeUtility(modulePath, options.env);
    procs.push(p);
    return p;
  };
  const sent: RunEvent[] = [];
  const engine = createDesktopEngine({ fork, script: '/app/dist/engine-server.mjs', baseDir: '/home/ada/Documents', emit: (p) => sent.push(decode<RunEvent>(p.event)), log: () => undefined, now });
  return { procs, sent, engine };
}

describe('the desktop engine (utility process)', () => {
  it('finds the bundle in dist/ in development and in resources/ when packaged', () => {
    expect(engineScriptPath(false, '/opt/app/resources', '/repo')).toBe(join('/repo', 'dist', 'engine-server.mjs'));
    expect(engineScriptPath(true, '/opt/app/resources', '/opt/app/resources/app.asar')).toBe(join('/opt/app/resources', 'engine-server.mjs'));
  });

  it('forks lazily with the backend and base folder in its environment, posts commands, forwards events encoded', () => {
    const { procs, sent, engine } = setup();
    expect(procs).toHaveLength(0);
    engine.link.send({ type: 'engine.info', requestId: 'a' });
    engine.link.send({ type: 'run.cancel', runId: 'x' });
    expect(procs).toHaveLength(1);
    expect(procs[0].modulePath).toBe('/app/dist/engine-server.mjs');
    expect(procs[0].env).toMatchObject({ ATTRACTOR_BACKEND: 'auto', ATTRACTOR_BASE_DIR: '/home/ada/Documents' });
    expect(procs[0].posted).toEqual([
      { type: 'engine.info', requestId: 'a' },
      { type: 'run.cancel', runId: 'x' },
    ]);
    // Structured clone brings typed arrays whole; the window gets them encoded, and they decode bit for bit.
    procs[0].emit('message', { type: 'settle.frame', runId: 'r', iter: 2, layers: [{ layerId: 'v', dims: [2], examples: 1, data: new Float32Array([0.5, -1]) }] });
    expect(sent[0]).toMatchObject({ type: 'settle.frame', iter: 2 });
    expect((sent[0] as Extract<RunEvent, { type: 'settle.frame' }>).layers[0].data).toEqual(new Float32Array([0.5, -1]));
  });

  it('a crash ends the run in progress with a run.error and restarts the process; a crash loop stops restarting', () => {
    let t = 0;
    const { procs, sent, engine } = setup(() => t);
    engine.link.send({ type: 'engine.info' });
    procs[0].emit('message', { type: 'run.started', runId: 'train1', kind: 'train' });
    procs[0].emit('exit', 134);
    expect(sent.at(-1)).toMatchObject({ type: 'run.error', runId: 'train1', ended: true, message: expect.stringContaining('exited (code 134); it has been restarted') });
    expect(procs).toHaveLength(2);
    expect(engine.running).toBe(true);
    engine.link.send({ type: 'engine.info', requestId: 'b' });
    expect(procs[1].posted).toEqual([{ type: 'engine.info', requestId: 'b' }]);
    // Events from the dead process are ignored.
    procs[0].emit('message', { type: 'engine.ready' });
    expect(sent.filter((e) => e.type === 'engine.ready')).toHaveLength(0);

    for (let i = 1; i < MAX_RESTARTS; i++) procs.at(-1)!.emit('exit', 1);
    expect(procs).toHaveLength(MAX_RESTARTS + 1);
    procs.at(-1)!.emit('exit', 1);
    expect(procs).toHaveLength(MAX_RESTARTS + 1);
    expect(engine.running).toBe(false);
    expect(sent.at(-1)).toMatchObject({ type: 'run.error', ended: true, message: expect.stringContaining('not restarted until the next command') });
    // The next command tries again; a minute later the count has reset.
    t += 61_000;
    engine.link.send({ type: 'engine.info' });
    expect(procs).toHaveLength(MAX_RESTARTS + 2);
  });

  it('stop() kills the process without reporting a crash, and refuses commands afterwards', () => {
    const { procs, sent, engine } = setup();
    engine.link.send({ type: 'engine.info' });
    engine.stop();
    expect(procs[0].killed).toBe(true);
    expect(procs).toHaveLength(1);
    expect(sent).toEqual([]);
    expect(() => engine.link.send({ type: 'engine.info' })).toThrow(/quitting/);
  });

  it('configure restarts a running process with the new ATTRACTOR_BACKEND, not as a crash; refused while a run is in progress', () => {
    const { procs, sent, engine } = setup();
    // Nothing running: remembered for the first fork.
    engine.link.configure('wasm');
    expect(procs).toHaveLength(0);
    engine.link.send({ type: 'engine.info' });
    expect(procs[0].env.ATTRACTOR_BACKEND).toBe('wasm');
    // The same backend again: the process is left alone.
    engine.link.configure('wasm');
    expect(procs).toHaveLength(1);

    engine.link.send({ type: 'settle.start', runId: 's1', graphPath: 'g.attractor.json', examples: [{ part: 'test', index: 0 }], record: { activations: false, attention: false } });
    expect(() => engine.link.configure('cpu')).toThrow(/a run is in progress \(s1\)/);
    procs[0].emit('message', { type: 'run.started', runId: 's1', kind: 'settle' });
    expect(() => engine.link.configure('cpu')).toThrow(/run is in progress/);
    procs[0].emit('message', { type: 'run.done', runId: 's1', summary: { kind: 'settle', iterations: 1, converged: 1, cycling: 0, ms: 1 } });

    engine.link.configure('cpu');
    expect(procs[0].killed).toBe(true);
    expect(procs).toHaveLength(2);
    expect(procs[1].env.ATTRACTOR_BACKEND).toBe('cpu');
    expect(engine.backend).toBe('cpu');
    // The asked-for exit is no crash: no run.error, no extra restart.
    expect(sent.filter((e) => e.type === 'run.error')).toEqual([]);
    engine.link.send({ type: 'engine.info' });
    expect(procs).toHaveLength(2);
    expect(procs[1].posted).toEqual([{ type: 'engine.info' }]);
  });
});
