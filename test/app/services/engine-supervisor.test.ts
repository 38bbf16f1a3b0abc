/**
 * The engine supervisor both hosts share (app/services/engine-supervisor.ts), against a
 * scripted transport: what it does when a process says something, dies, is replaced or
 * stopped. The transports themselves are tested where they live: the utility process in
 * test/app/main/engine.test.ts (a structural fake: no Electron binary runs here), the
 * worker thread for real in test/app/web/engine-worker.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { decode, type RunCommand, type RunEvent } from '../../../engine/protocol/run.js';
import type { EngineBackend } from '../../../app/shared/api.js';
import { CANCEL_ANSWER_MS, createEngineSupervisor, MAX_RESTARTS, RESTART_WINDOW_MS, type EngineProcessListener, type EngineSupervisorOptions, type EngineTransport } from '../../../app/services/engine-supervisor.js';

/** One process the scripted transport started: what it was sent, and a way to make it talk or die. */
interface Scripted {
  readonly backend: EngineBackend;
  readonly posted: RunCommand[];
  stopped: boolean;
  say(ev: RunEvent): void;
  die(reason: string): void;
}

function setup(extra: Partial<EngineSupervisorOptions> = {}) {
  const procs: Scripted[] = [];
  const events: RunEvent[] = [];
  const logged: string[] = [];
  let t = 0;
  const transport: EngineTransport = (backend, listener: EngineProcessListener) => {
    const proc: Scripted = {
      backend,
      posted: [],
      stopped: false,
      say: (ev) => listener.event(ev),
      die: (reason) => listener.exit(reason),
    };
    procs.push(proc);
    return {
      post: (command) => void proc.posted.push(command),
      stop: async () => void (proc.stopped = true),
    };
  };
  const supervisor = createEngineSupervisor({
    transport,
    emit: (payload) => events.push(decode<RunEvent>(payload.event)),
    stoppedMessage: 'the test host is closing',
    log: (m) => logged.push(m),
    now: () => t,
    ...extra,
  });
  return { supervisor, procs, events, logged, advance: (ms: number) => void (t += ms) };
}

const settle = (runId: string): RunCommand => ({ type: 'settle.start', runId, graphPath: 'g.attractor.json', examples: { count: 1 }, record: { activations: false, attention: false } });

describe('the engine supervisor', () => {
  it('a cancel the engine does not answer within a second (stuck reading data) ends the process; the run is reported cancelled', () => {
    const timers: { ms: number; f: () => void; cleared: boolean }[] = [];
    const after = (ms: number, f: () => void) => {
      const t = { ms, f, cleared: false };
      timers.push(t);
      return () => void (t.cleared = true);
    };
    const { supervisor, procs, events } = setup({ after });
    supervisor.link.send(settle('a'));
    supervisor.link.send({ type: 'run.cancel', runId: 'a' });
    expect(timers.map((t) => t.ms)).toEqual([CANCEL_ANSWER_MS]);
    timers[0].f();
    expect(procs[0].stopped).toBe(true);
    expect(events).toEqual([{ type: 'run.cancelled', runId: 'a', at: 0 }]);
    // The next command gets a fresh process; configure is free again.
    supervisor.link.send(settle('b'));
    expect(procs).toHaveLength(2);
    expect(procs[1].posted.map((c) => c.type)).toEqual(['settle.start']);

    // Answered in time: the watchdog is called off and the process stays.
    supervisor.link.send({ type: 'run.cancel', runId: 'b' });
    procs[1].say({ type: 'run.cancelled', runId: 'b', at: 3 } as RunEvent);
    expect(timers[1].cleared).toBe(true);
    expect(procs[1].stopped).toBe(false);

    // A training run that has started is left to write its checkpoint: no watchdog.
    supervisor.link.send({ type: 'train.start', runId: 't', graphPath: 'g.attractor.json' } as RunCommand);
    procs[1].say({ type: 'run.started', runId: 't', kind: 'train' } as RunEvent);
    supervisor.link.send({ type: 'run.cancel', runId: 't' });
    expect(timers).toHaveLength(2);
  });

  it('starts nothing until the first command, then one process for all of them', () => {
    const { supervisor, procs } = setup({ backend: 'wasm' });
    expect(supervisor.running).toBe(false);
    expect(procs).toHaveLength(0);
    supervisor.link.send({ type: 'engine.info' });
    supervisor.link.send({ type: 'run.cancel', runId: 'x' });
    expect(procs).toHaveLength(1);
    expect(procs[0].backend).toBe('wasm');
    expect(procs[0].posted.map((c) => c.type)).toEqual(['engine.info', 'run.cancel']);
    expect(supervisor.running).toBe(true);
  });

  it('a crash ends every run it had, each with its own run.error, and one that had not started yet too', () => {
    const { supervisor, procs, events } = setup();
    supervisor.link.send(settle('a'));
    procs[0].say({ type: 'run.started', runId: 'a' } as RunEvent);
    procs[0].say({ type: 'run.done', runId: 'a' } as RunEvent);
    supervisor.link.send(settle('b'));
    procs[0].die('the engine process exited (code 139)');
    const errors = events.filter((e) => e.type === 'run.error');
    expect(errors).toEqual([{ type: 'run.error', runId: 'b', ended: true, message: 'the engine process exited (code 139); it has been restarted' }]);
    // The runs died with the process: nothing holds configure back.
    supervisor.link.configure('cpu');
    expect(procs.at(-1)!.backend).toBe('cpu');
  });

  it('a crash with no run still says so, with no run id', () => {
    const { supervisor, procs, events, logged } = setup();
    supervisor.link.send({ type: 'engine.info' });
    procs[0].die('the engine worker crashed: out of memory');
    expect(events).toEqual([{ type: 'run.error', ended: true, message: 'the engine worker crashed: out of memory; it has been restarted' }]);
    expect(logged).toEqual(['the engine worker crashed: out of memory; it has been restarted']);
  });

  it('stops restarting a process that keeps failing, until the next command; the count forgets after a minute', () => {
    const { supervisor, procs, events, advance } = setup();
    supervisor.link.send({ type: 'engine.info' });
    for (let i = 0; i < MAX_RESTARTS; i++) procs.at(-1)!.die('gone');
    expect(procs).toHaveLength(MAX_RESTARTS + 1);
    procs.at(-1)!.die('gone');
    expect(procs).toHaveLength(MAX_RESTARTS + 1);
    expect(supervisor.running).toBe(false);
    expect(events.at(-1)).toMatchObject({ message: `gone; it failed ${MAX_RESTARTS + 1} times within a minute and is not restarted until the next command` });
    supervisor.link.send({ type: 'engine.info' });
    expect(procs).toHaveLength(MAX_RESTARTS + 2);
    advance(RESTART_WINDOW_MS);
    procs.at(-1)!.die('gone');
    expect(procs).toHaveLength(MAX_RESTARTS + 3);
  });

  it('a restart that cannot start is logged, and the next command tries again', () => {
    let fail = false;
    const exits: ((reason: string) => void)[] = [];
    const { supervisor, logged } = setup({
      transport: (_backend, listener) => {
        if (fail) throw new Error('no bundle');
        exits.push((reason) => listener.exit(reason));
        return { post: () => undefined, stop: async () => undefined };
      },
    });
    supervisor.link.send({ type: 'engine.info' });
    fail = true;
    exits[0]('gone');
    expect(logged.at(-1)).toBe('the engine could not be restarted: no bundle');
    expect(supervisor.running).toBe(false);
    expect(() => supervisor.link.send({ type: 'engine.info' })).toThrow('no bundle');
    fail = false;
    supervisor.link.send({ type: 'engine.info' });
    expect(supervisor.running).toBe(true);
  });

  it('configure: remembered while nothing runs, a no-op for the same backend, a restart otherwise; refused mid-run', () => {
    const { supervisor, procs, events } = setup();
    supervisor.link.configure('wasm');
    expect(procs).toHaveLength(0);
    expect(supervisor.backend).toBe('wasm');
    supervisor.link.send({ type: 'engine.info' });
    expect(procs[0].backend).toBe('wasm');
    supervisor.link.configure('wasm');
    expect(procs).toHaveLength(1);
    supervisor.link.send(settle('r'));
    expect(() => supervisor.link.configure('cpu')).toThrow('a run is in progress (r): cancel it or wait for it to end before changing the engine backend');
    procs[0].say({ type: 'run.cancelled', runId: 'r', at: 3 });
    supervisor.link.configure('cpu');
    expect(procs[0].stopped).toBe(true);
    expect(procs.map((p) => p.backend)).toEqual(['wasm', 'cpu']);
    // The replaced process is not listened to any more: neither its words nor its end.
    procs[0].say({ type: 'engine.ready' } as RunEvent);
    procs[0].die('late');
    expect(events.map((e) => e.type)).toEqual(['run.cancelled']);
    expect(procs).toHaveLength(2);
  });

  it('a checked configure (Settings) refuses a backend that cannot start, with the engine\'s reason, and keeps the one that worked (issue 15)', async () => {
    const { supervisor, procs, events } = setup({ backend: 'wasm' });
    supervisor.link.send({ type: 'engine.info' });
    procs[0].say({ type: 'engine.ready', backend: { name: 'wasm', detail: 'wasm', description: 'backend: wasm', skipped: [] } });

    const refused = supervisor.link.configure('tensorflow', { check: true });
    expect(procs.map((p) => p.backend)).toEqual(['wasm', 'tensorflow']);
    procs[1].say({ type: 'run.error', ended: false, message: 'the engine could not start: backend "tensorflow" unavailable: GPU unavailable: @tensorflow/tfjs-node-gpu is not installed' });
    await expect(refused).rejects.toThrow('tensorflow cannot be used here: backend "tensorflow" unavailable: GPU unavailable: @tensorflow/tfjs-node-gpu is not installed');
    // Back on wasm, started again; the failure was the check's answer, not an engine error for the UI.
    expect(supervisor.backend).toBe('wasm');
    expect(procs[1].stopped).toBe(true);
    expect(procs.map((p) => p.backend)).toEqual(['wasm', 'tensorflow', 'wasm']);
    expect(events.filter((e) => e.type === 'run.error')).toEqual([]);

    // One that starts is taken once it says so, and its engine.ready reaches the UI.
    const taken = supervisor.link.configure('cpu', { check: true });
    procs[3].say({ type: 'engine.ready', backend: { name: 'cpu', detail: 'cpu', description: 'backend: cpu', skipped: [] } });
    await taken;
    expect(supervisor.backend).toBe('cpu');
    expect(events.at(-1)).toMatchObject({ type: 'engine.ready', backend: { name: 'cpu' } });

    // A process that dies while starting is refused the same way; with nothing running before, nothing is restarted.
    const quiet = setup({ backend: 'wasm' });
    const dead = quiet.supervisor.link.configure('webgpu', { check: true });
    quiet.procs[0].die('the engine process exited (code 134)');
    await expect(dead).rejects.toThrow('webgpu cannot be used here: the engine process exited (code 134)');
    expect(quiet.supervisor.running).toBe(false);
    expect(quiet.supervisor.backend).toBe('wasm');
  });

  it('a run that the engine refused or that failed no longer holds configure back', () => {
    const { supervisor, procs } = setup();
    supervisor.link.send(settle('r'));
    procs[0].say({ type: 'run.error', runId: 'r', command: 'settle.start', ended: true, message: 'no such graph' });
    supervisor.link.configure('cpu');
    expect(procs).toHaveLength(2);
  });

  it('a refused command (admit) starts nothing and reaches nothing', () => {
    const { supervisor, procs } = setup({
      admit: (command) => {
        if (command.type === 'checkpoint.list') throw new Error('outside');
      },
    });
    expect(() => supervisor.link.send({ type: 'checkpoint.list', requestId: 'q', graphPath: '/etc/g.attractor.json' })).toThrow('outside');
    expect(procs).toHaveLength(0);
  });

  it('an event the codec cannot encode reaches the UI as a run.error, and a failing sink is logged, not thrown', () => {
    let broken = false;
    const events: unknown[] = [];
    const { supervisor, procs, logged } = setup({
      emit: (payload) => {
        if (broken) throw new Error('window gone');
        events.push(decode(payload.event));
      },
    });
    supervisor.link.send({ type: 'engine.info' });
    procs[0].say({ type: 'engine.ready', backend: { name: 'cpu', detail: 'cpu', description: 'cpu', skipped: [] }, extra: () => 1 } as unknown as RunEvent);
    expect(events).toEqual([{ type: 'run.error', ended: false, message: expect.stringMatching(/^an engine event could not be sent: /) }]);
    broken = true;
    expect(() => procs[0].say({ type: 'run.cancelled', runId: 'x', at: 1 })).not.toThrow();
    expect(logged).toEqual(['an event could not be sent: window gone']);
  });

  it('stop ends the process without calling it a crash, and refuses everything afterwards', async () => {
    const { supervisor, procs, events } = setup();
    supervisor.link.send({ type: 'engine.info' });
    await supervisor.stop();
    expect(procs[0].stopped).toBe(true);
    expect(supervisor.running).toBe(false);
    procs[0].die('killed');
    expect(events).toEqual([]);
    expect(procs).toHaveLength(1);
    expect(() => supervisor.link.send({ type: 'engine.info' })).toThrow('the test host is closing');
    expect(() => supervisor.link.configure('cpu')).toThrow('the test host is closing');
  });
});
