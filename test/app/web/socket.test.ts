import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { REPO_ROOT, connect, nextMessage, rpc, startTestHost, type TestHost } from './helpers.js';

let t: TestHost;
let ws: WebSocket;
beforeAll(async () => {
  t = await startTestHost();
  ws = await connect(t.wsUrl, t.origin);
});
afterAll(async () => {
  ws.close();
  await t.cleanup();
});

const example = async (id: string) => JSON.parse(await readFile(join(REPO_ROOT, 'examples', `${id}.attractor.json`), 'utf8')) as Record<string, unknown>;

describe('the API over the WebSocket', () => {
  it('answers graph.check with the compiler result', async () => {
    const r = await rpc(ws, 1, 'graph.check', { graph: await example('hopfield') });
    expect(r).toMatchObject({ type: 'result', id: 1, ok: true, value: { problems: [], plan: { guarantee: { kind: expect.any(String) } } } });
  });

  it('answers examples.list and app.info', async () => {
    const list = await rpc(ws, 2, 'examples.list', {});
    expect((list.value as { id: string }[]).map((e) => e.id)).toContain('hopfield');
    const info = await rpc(ws, 3, 'app.info', {});
    expect(info.value).toEqual({ mode: 'web', version: '1.2.3', platform: process.platform, workspace: t.workspace });
  });

  it('answers calls in any order, each by its id', async () => {
    const [a, b] = await Promise.all([rpc(ws, 10, 'file.workspace', {}), rpc(ws, 11, 'file.recent', {})]);
    expect([a.id, b.id]).toEqual([10, 11]);
  });

  it('round-trips file.saveAs then file.open', async () => {
    const graph = await example('stack-3');
    const saved = await rpc(ws, 20, 'file.saveAs', { graph, name: 'mine' });
    const path = join(t.workspace, 'mine.attractor.json');
    expect(saved).toMatchObject({ ok: true, value: { ok: true, path, name: 'mine' } });
    const listed = await rpc(ws, 21, 'file.workspace', {});
    expect(listed.value).toEqual([expect.objectContaining({ path, name: 'mine' })]);
    const opened = await rpc(ws, 22, 'file.open', { path });
    expect(opened).toMatchObject({ ok: true, value: { ok: true, path, name: 'mine', graph: { name: graph.name } } });
    expect((opened.value as { graph: { nodes: unknown[] } }).graph.nodes).toHaveLength((graph.nodes as unknown[]).length);
  });

  it('answers a bad request with an error and carries on', async () => {
    expect(await rpc(ws, 30, 'no.such', {})).toEqual({ type: 'result', id: 30, ok: false, error: 'unknown channel "no.such"' });
    expect(await rpc(ws, 31, 'file.open', { path: 7 })).toMatchObject({ ok: false, error: expect.stringContaining('bad payload') });
    expect(await rpc(ws, 32, 'file.open', {})).toMatchObject({ ok: false, error: expect.stringContaining('workspace') });
    expect(await rpc(ws, 33, 'app.info', {})).toMatchObject({ ok: true });
  });

  it('answers malformed messages with an error, never closing the connection', async () => {
    for (const [text, error] of [
      ['{not json', /not valid JSON/],
      ['[1,2]', /expected \{"type": "call"/],
      ['{"type":"call","channel":"app.info"}', /expected \{"type": "call"/],
    ] as const) {
      const reply = nextMessage(ws);
      ws.send(text);
      expect(await reply).toMatchObject({ type: 'result', id: null, ok: false, error: expect.stringMatching(error) });
    }
    const binary = nextMessage(ws);
    ws.send(Buffer.from('{"type":"call"}'), { binary: true });
    expect(await binary).toMatchObject({ ok: false, error: expect.stringContaining('binary') });
    const wrongType = nextMessage(ws);
    ws.send(JSON.stringify({ type: 'hello', id: 5 }));
    expect(await wrongType).toMatchObject({ id: 5, ok: false });
    expect(await rpc(ws, 40, 'app.info', {})).toMatchObject({ ok: true });
  });

  it('pushes events to every client', async () => {
    const other = await connect(t.wsUrl, t.origin);
    const here = nextMessage(ws);
    const there = nextMessage(other);
    t.host.broadcast('file.openPath', { path: '/x.attractor.json' });
    const expected = { type: 'event', event: 'file.openPath', payload: { path: '/x.attractor.json' } };
    expect(await here).toEqual(expected);
    expect(await there).toEqual(expected);
    other.close();
  });
});

describe('who may connect', () => {
  it('refuses a page from another origin', async () => {
    await expect(connect(t.wsUrl, 'http://evil.example')).rejects.toThrow(/HTTP 403/);
    await expect(connect(t.wsUrl, `http://127.0.0.1:${t.host.port + 1}`)).rejects.toThrow(/HTTP 403/);
    await expect(connect(t.wsUrl, `https://127.0.0.1:${t.host.port}`)).rejects.toThrow(/HTTP 403/);
  });

  it('refuses a handshake without an Origin', async () => {
    await expect(connect(t.wsUrl, undefined)).rejects.toThrow(/HTTP 403/);
  });

  it('refuses a rebound host name (DNS rebinding) on a loopback host', async () => {
    const evil = `evil.example:${t.host.port}`;
    await expect(connect(t.wsUrl, `http://${evil}`, { host: evil })).rejects.toThrow(/HTTP 403/);
  });

  it('accepts localhost as well as 127.0.0.1', async () => {
    const name = `localhost:${t.host.port}`;
    const ok = await connect(t.wsUrl, `http://${name}`, { host: name });
    expect(await rpc(ok, 1, 'app.info', {})).toMatchObject({ ok: true });
    ok.close();
  });

  it('has no socket anywhere but /api', async () => {
    await expect(connect(t.wsUrl.replace('/api', '/other'), t.origin)).rejects.toThrow(/HTTP 404/);
  });
});
