import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, dispatch, type Handlers } from '../../../app/services/index.js';
import { parseRequest } from '../../../app/shared/request-schemas.js';
import { EXAMPLES_DIR } from './helpers.js';
import { electronServices, exampleGraph, tempFolder } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempFolder()));
afterEach(() => cleanup());

/** Real services, with `app.info` swapped for one that counts its calls and does what the test says. */
function counting(behaviour: () => Promise<unknown>): { handlers: Handlers; calls: () => number } {
  const real = electronServices(dir).handlers;
  let calls = 0;
  const handlers: Handlers = {
    ...real,
    'app.info': async () => {
      calls++;
      return (await behaviour()) as Awaited<ReturnType<Handlers['app.info']>>;
    },
  };
  return { handlers, calls: () => calls };
}

describe('dispatch', () => {
  it('answers a good request with the handler value', async () => {
    const { handlers } = electronServices(dir);
    const r = await dispatch(handlers, 'app.info', {});
    expect(r).toEqual({ ok: true, value: { mode: 'electron', version: '9.9.9', platform: process.platform } });
  });

  it('treats a missing payload as an empty one', async () => {
    const { handlers } = electronServices(dir);
    expect(await dispatch(handlers, 'file.recent', undefined)).toEqual({ ok: true, value: [] });
  });

  it('refuses an unknown channel without calling anything', async () => {
    const { handlers, calls } = counting(async () => ({}));
    expect(await dispatch(handlers, 'app.destroy', {})).toEqual({ ok: false, error: 'unknown channel "app.destroy"' });
    expect(await dispatch(handlers, 42, {})).toEqual({ ok: false, error: 'unknown channel number' });
    expect(await dispatch(handlers, 'toString', {})).toMatchObject({ ok: false });
    expect(calls()).toBe(0);
  });

  it('refuses a payload that does not fit the channel, naming the field, without calling the handler', async () => {
    const { handlers, calls } = counting(async () => ({}));
    const r = await dispatch(handlers, 'app.info', { extra: true });
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('bad payload for "app.info"') });
    const s = await dispatch(handlers, 'file.save', { path: '', graph: {} });
    expect(s).toMatchObject({ ok: false, error: expect.stringContaining('at path') });
    expect(await dispatch(handlers, 'graph.check', { graph: [1, 2] })).toMatchObject({ ok: false, error: expect.stringContaining('expected a graph object') });
    expect(calls()).toBe(0);
  });

  it('turns an exception into its message, with no stack trace', async () => {
    const { handlers, calls } = counting(async () => {
      throw new Error('the disk caught fire');
    });
    expect(await dispatch(handlers, 'app.info', {})).toEqual({ ok: false, error: 'the disk caught fire' });
    expect(calls()).toBe(1);
  });

  it('copes with throws of things that are not errors', async () => {
    const { handlers } = counting(() => Promise.reject('plain words'));
    expect(await dispatch(handlers, 'app.info', {})).toEqual({ ok: false, error: 'plain words' });
    const empty = counting(() => Promise.reject(new Error('')));
    expect(await dispatch(empty.handlers, 'app.info', {})).toEqual({ ok: false, error: '"app.info" failed' });
  });

  it('routes graph.check to the compiler', async () => {
    const { handlers } = electronServices(dir);
    const r = await dispatch(handlers, 'graph.check', { graph: await exampleGraph() });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toMatchObject({ problems: [], plan: { schedule: expect.any(String) } });
    const bad = await dispatch(handlers, 'graph.check', { graph: { format: 'nope' } });
    expect(bad.ok && (bad.value as { problems: unknown[] }).problems.length).toBeGreaterThan(0);
  });

  it('passes window requests to the window, and is a no-op without one', async () => {
    const seen: string[] = [];
    const { handlers } = electronServices(dir, {
      window: { setState: (title, dirty) => seen.push(`${title}:${dirty}`), close: () => seen.push('close') },
    });
    expect(await dispatch(handlers, 'window.setState', { title: 'net', dirty: true })).toEqual({ ok: true, value: undefined });
    expect(await dispatch(handlers, 'window.close', {})).toEqual({ ok: true, value: undefined });
    expect(seen).toEqual(['net:true', 'close']);
    expect(await dispatch(electronServices(dir).handlers, 'window.close', {})).toEqual({ ok: true, value: undefined });
  });

  it('engine.configure: the backend is checked by the schema, then goes to the engine link', async () => {
    expect(parseRequest('engine.configure', { backend: 'cpu' })).toEqual({ ok: true, channel: 'engine.configure', payload: { backend: 'cpu' } });
    for (const backend of ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']) expect(parseRequest('engine.configure', { backend }).ok).toBe(true);
    expect(parseRequest('engine.configure', { backend: 'webgl' })).toMatchObject({ ok: false, error: expect.stringMatching(/at backend: expected one of auto, tensorflow, webgpu, wasm, cpu/) });
    expect(parseRequest('engine.configure', {})).toMatchObject({ ok: false, error: expect.stringContaining('at backend') });
    expect(parseRequest('engine.configure', { backend: 'cpu', extra: 1 })).toMatchObject({ ok: false });

    const asked: string[] = [];
    const base = { mode: 'electron' as const, version: '9.9.9', dataDir: dir, examplesDir: EXAMPLES_DIR };
    const withEngine = createServices({
      ...base,
      engine: {
        send: () => undefined,
        configure: (backend) => {
          if (asked.length > 0) throw new Error('a run is in progress (settle-1): cancel it or wait for it to end before changing the engine backend');
          asked.push(backend);
        },
      },
    });
    expect(await dispatch(withEngine, 'engine.configure', { backend: 'cpu' })).toEqual({ ok: true, value: undefined });
    expect(asked).toEqual(['cpu']);
    expect(await dispatch(withEngine, 'engine.configure', { backend: 'nope' })).toMatchObject({ ok: false, error: expect.stringContaining('bad payload') });
    expect(await dispatch(withEngine, 'engine.configure', { backend: 'wasm' })).toEqual({ ok: false, error: expect.stringContaining('a run is in progress') });
    expect(asked).toEqual(['cpu']);

    expect(await dispatch(createServices(base), 'engine.configure', { backend: 'cpu' })).toEqual({ ok: false, error: 'the engine is not running in this host' });
  });
});
