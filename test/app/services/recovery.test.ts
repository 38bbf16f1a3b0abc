import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RECOVERY_FOLDER } from '../../../app/services/recovery.js';
import { dispatch } from '../../../app/services/index.js';
import { electronServices, exampleGraph, expectOpened, messages, tempFolder } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempFolder()));
afterEach(() => cleanup());

describe('recovery copies', () => {
  it('saves, lists, restores and discards a session', async () => {
    const { handlers, dataDir } = electronServices(dir);
    const graph = await exampleGraph();
    const { savedAt } = await handlers['recovery.save']({ sessionId: 's1', name: 'draft', path: '/somewhere/draft.attractor.json', graph });
    expect(Number.isNaN(Date.parse(savedAt))).toBe(false);
    expect(await readdir(join(dataDir, RECOVERY_FOLDER))).toEqual(['s1.json']);
    expect(JSON.parse(await readFile(join(dataDir, RECOVERY_FOLDER, 's1.json'), 'utf8'))).toMatchObject({ name: 'draft', savedAt });

    expect(await handlers['recovery.list']({})).toEqual([{ sessionId: 's1', name: 'draft', path: '/somewhere/draft.attractor.json', savedAt }]);
    const restored = expectOpened(await handlers['recovery.restore']({ sessionId: 's1' }));
    expect(restored).toMatchObject({ path: '/somewhere/draft.attractor.json', name: 'draft' });
    expect(restored.graph.nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id));

    await handlers['recovery.discard']({ sessionId: 's1' });
    expect(await handlers['recovery.list']({})).toEqual([]);
    await handlers['recovery.discard']({ sessionId: 's1' }); // twice is fine
  });

  it('overwrites a session on the next autosave, and lists the newest first', async () => {
    const { handlers, dataDir } = electronServices(dir);
    const graph = await exampleGraph();
    const folder = join(dataDir, RECOVERY_FOLDER);
    await handlers['recovery.save']({ sessionId: 'a', name: 'first', path: null, graph });
    await handlers['recovery.save']({ sessionId: 'a', name: 'first again', path: null, graph });
    // Times written by hand: two autosaves in the same millisecond would make the order a coin flip.
    const record = (name: string, savedAt: string) => JSON.stringify({ name, path: null, savedAt, graph });
    await writeFile(join(folder, 'old.json'), record('old', '2020-01-01T00:00:00.000Z'));
    await writeFile(join(folder, 'mid.json'), record('mid', '2024-01-01T00:00:00.000Z'));
    expect((await handlers['recovery.list']({})).map((r) => r.name)).toEqual(['first again', 'mid', 'old']);
  });

  it('lists around damaged or stray files, and reports a damaged one when it is restored', async () => {
    const { handlers, dataDir } = electronServices(dir);
    await handlers['recovery.save']({ sessionId: 'good', name: 'good', path: null, graph: await exampleGraph() });
    const folder = join(dataDir, RECOVERY_FOLDER);
    await writeFile(join(folder, 'torn.json'), '{"name": "torn", "sav');
    await writeFile(join(folder, 'wrong.json'), JSON.stringify({ hello: 'world' }));
    await writeFile(join(folder, '.good.json.abc123.tmp'), 'partial');
    await writeFile(join(folder, 'not a session.json'), '{}');

    expect((await handlers['recovery.list']({})).map((r) => r.sessionId)).toEqual(['good']);
    expect(messages(await handlers['recovery.restore']({ sessionId: 'torn' }))[0]).toMatch(/damaged \(not valid JSON\)/);
    expect(messages(await handlers['recovery.restore']({ sessionId: 'wrong' }))[0]).toMatch(/damaged \(not a recovery record\)/);
    expect(messages(await handlers['recovery.restore']({ sessionId: 'nothing' }))[0]).toMatch(/no recovered copy/);
  });

  it('refuses to restore an invalid graph, with its problems', async () => {
    const { handlers } = electronServices(dir);
    const bad = { ...(await exampleGraph()), nodes: [{ id: 'x', kind: 'nope' }] };
    await handlers['recovery.save']({ sessionId: 'bad', name: 'bad', path: null, graph: bad });
    const r = await handlers['recovery.restore']({ sessionId: 'bad' });
    expect(r.ok).toBe(false);
    if (r.ok || 'cancelled' in r) throw new Error('expected a refusal');
    expect(r.problems[0]).toMatchObject({ path: ['nodes', 0, 'kind'] });
    expect(r.source).toMatch(/recovered copy/);
  });

  it('an empty list when nothing was ever autosaved', async () => {
    expect(await electronServices(dir).handlers['recovery.list']({})).toEqual([]);
  });

  it('accepts only safe session ids (they become file names)', async () => {
    const { handlers } = electronServices(dir);
    const r = await dispatch(handlers, 'recovery.restore', { sessionId: '../../etc/passwd' });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/session id/) });
  });
});
