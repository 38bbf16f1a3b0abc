/**
 * The shared engine supervisor (app/services/engine-supervisor.ts) on the web host's real
 * transport: worker threads started through engine/server/client.ts. First with the real
 * engine bundle (dist/engine-server.mjs): lazy start, events encoded, a backend change
 * restarting the thread, stop. Then with stand-in bundles that die the two ways a worker
 * thread can (process.exit, an uncaught error), which the real engine will not do on
 * request: the run in progress ends with a run.error and a new thread takes over.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, type EventOf, type RunEvent, type RunEventType } from '../../../engine/protocol/run.js';
import { startEngineWorker, type EngineWorkerOptions } from '../../../engine/server/client.js';
import { createEngineSupervisor, type EngineSupervisor } from '../../../app/services/engine-supervisor.js';
import { workerThreadTransport } from '../../../app/web/engine.js';

/** What the supervisor emitted, decoded, with a way to wait for the next of a kind. */
class Heard {
  readonly events: RunEvent[] = [];
  private waiters: { match: (e: RunEvent) => boolean; resolve: (e: RunEvent) => void }[] = [];

  readonly emit = (payload: { event: unknown }) => {
    const ev = decode<RunEvent>(payload.event);
    this.events.push(ev);
    for (const w of [...this.waiters]) {
      if (!w.match(ev)) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(ev);
    }
  };

  /** The next event of this type from now on (earlier ones do not count). */
  next<T extends RunEventType>(type: T, where: (e: EventOf<T>) => boolean = () => true): Promise<EventOf<T>> {
    return new Promise((resolve) => this.waiters.push({ match: (e) => e.type === type && where(e as EventOf<T>), resolve: (e) => resolve(e as EventOf<T>) }));
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'attractor-engine-worker-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the supervisor on real engine worker threads', () => {
  it('starts the engine bundle with the first command, restarts it on another backend, and stops it', async () => {
    const heard = new Heard();
    const starts: EngineWorkerOptions[] = [];
    const supervisor = createEngineSupervisor({
      transport: workerThreadTransport(dir, (options) => (starts.push(options), startEngineWorker(options))),
      emit: heard.emit,
      stoppedMessage: 'stopped',
      backend: 'wasm',
    });
    try {
      expect(supervisor.running).toBe(false);
      const ready = heard.next('engine.ready');
      const info = heard.next('engine.info', (e) => e.requestId === 'a');
      supervisor.link.send({ type: 'engine.info', requestId: 'a' });
      // The engine confines its own reads to the workspace (web mode): it is told which.
      expect(starts).toEqual([{ baseDir: dir, workspace: dir, backend: 'wasm' }]);
      expect((await ready).backend.name).toBe('wasm');
      expect((await info).backend.name).toBe('wasm');

      const cpuReady = heard.next('engine.ready');
      supervisor.link.configure('cpu');
      expect(starts.map((s) => s.backend)).toEqual(['wasm', 'cpu']);
      expect((await cpuReady).backend.name).toBe('cpu');
      // The replaced thread was ended on request: no run.error reached the UI for it.
      expect(heard.events.filter((e) => e.type === 'run.error')).toEqual([]);

      await supervisor.stop();
      expect(supervisor.running).toBe(false);
      expect(() => supervisor.link.send({ type: 'engine.info' })).toThrow('stopped');
    } finally {
      await supervisor.stop();
    }
  });
});

describe('the supervisor when a worker thread dies', () => {
  /** A stand-in bundle: answers a start with run.started, then dies the way `death` says. */
  async function standIn(name: string, death: string): Promise<string> {
    const path = join(dir, `${name}.mjs`);
    await writeFile(
      path,
      `import { parentPort } from 'node:worker_threads';
parentPort.on('message', (command) => {
  if (command.type !== 'settle.start') return;
  parentPort.postMessage({ type: 'run.started', runId: command.runId, kind: 'settle' });
  setTimeout(() => { ${death} }, 10);
});
`,
    );
    return path;
  }

  async function dyingEngine(death: string): Promise<{ supervisor: EngineSupervisor; heard: Heard; starts: () => number }> {
    const script = await standIn(`dies-${death.length}`, death);
    const heard = new Heard();
    let starts = 0;
    const supervisor = createEngineSupervisor({
      transport: workerThreadTransport(dir, (options) => (starts++, startEngineWorker({ ...options, script }))),
      emit: heard.emit,
      stoppedMessage: 'stopped',
      log: () => undefined,
    });
    return { supervisor, heard, starts: () => starts };
  }

  const start = (runId: string) =>
    ({ type: 'settle.start', runId, graphPath: 'g.attractor.json', examples: { count: 1 }, record: { activations: false, attention: false } }) as const;

  it('process.exit in the thread: the run ends with a run.error naming the exit code, a new thread takes the next run', async () => {
    const { supervisor, heard, starts } = await dyingEngine('process.exit(3);');
    try {
      const error = heard.next('run.error');
      supervisor.link.send(start('r1'));
      expect(await error).toEqual({ type: 'run.error', runId: 'r1', ended: true, message: 'the engine worker exited (code 3); it has been restarted' });
      expect(supervisor.running).toBe(true);
      expect(starts()).toBe(2);
      const started = heard.next('run.started', (e) => e.runId === 'r2');
      supervisor.link.send(start('r2'));
      await started;
      expect(starts()).toBe(2);
    } finally {
      await supervisor.stop();
    }
  });

  it('an uncaught error in the thread: the run ends with a run.error that carries the error, once', async () => {
    const { supervisor, heard, starts } = await dyingEngine("throw new Error('tensor out of bounds');");
    try {
      const error = heard.next('run.error');
      supervisor.link.send(start('r1'));
      expect(await error).toEqual({ type: 'run.error', runId: 'r1', ended: true, message: 'the engine worker crashed: tensor out of bounds; it has been restarted' });
      // The thread's exit that follows the error is not a second crash.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard.events.filter((e) => e.type === 'run.error')).toHaveLength(1);
      expect(starts()).toBe(2);
    } finally {
      await supervisor.stop();
    }
  });
});
