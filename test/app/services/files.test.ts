import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFile, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dispatch } from '../../../app/services/index.js';
import { REPO_ROOT, electronServices, exampleGraph, exampleText, expectOpened, messages, tempFolder, webServices } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempFolder()));
afterEach(() => cleanup());

describe('file.open', () => {
  it('opens a good file with its name, absolute path and graph, and remembers it', async () => {
    const { handlers } = electronServices(dir);
    const path = join(dir, 'mine.attractor.json');
    await writeFile(path, await exampleText());
    const r = expectOpened(await handlers['file.open']({ path }));
    expect(r).toMatchObject({ path, name: 'mine' });
    expect(r.graph.nodes.map((n) => n.id)).toEqual((await exampleGraph()).nodes.map((n) => n.id));
    expect(r.migratedFrom).toBeUndefined();
    expect((await handlers['file.recent']({})).map((f) => f.path)).toEqual([path]);
  });

  it('migrates an older format version in memory and says from which', async () => {
    const { handlers } = electronServices(dir);
    const r = expectOpened(await handlers['file.open']({ path: join(REPO_ROOT, 'test/fixtures/graphs/draft-v0.json') }));
    expect(r.migratedFrom).toBe(0);
    expect(r.name).toBe('draft-v0');
  });

  it('refuses a file that is not JSON, with a problem naming the line, and does not remember it', async () => {
    const { handlers } = electronServices(dir);
    const path = join(dir, 'broken.attractor.json');
    await writeFile(path, '{\n  "format": "attractor-graph",\n  "version": 1,,\n}');
    const r = await handlers['file.open']({ path });
    expect(r).toMatchObject({ ok: false, source: path });
    expect(messages(r).join('\n')).toMatch(/not valid JSON at line 3/);
    expect(await handlers['file.recent']({})).toEqual([]);
  });

  it('refuses an invalid graph with a problem pointing into the file', async () => {
    const { handlers } = electronServices(dir);
    const graph = await exampleGraph();
    (graph.nodes[1] as { kind: string }).kind = 'dens';
    const path = join(dir, 'bad.attractor.json');
    await writeFile(path, JSON.stringify(graph));
    const r = await handlers['file.open']({ path });
    expect(r.ok).toBe(false);
    if (r.ok || 'cancelled' in r) throw new Error('expected a refusal');
    expect(r.problems[0]).toMatchObject({ path: ['nodes', 1, 'kind'] });
  });

  it('refuses a missing file with one problem saying so', async () => {
    const { handlers } = electronServices(dir);
    const path = join(dir, 'gone.attractor.json');
    const r = await handlers['file.open']({ path });
    expect(r).toMatchObject({ ok: false, source: path });
    expect(messages(r)).toEqual([`no such file: ${path}`]);
  });

  it('uses the Open dialog without a path (desktop), and reports a cancel as such', async () => {
    const path = join(dir, 'picked.attractor.json');
    await writeFile(path, await exampleText());
    let answer: string | null = path;
    const { handlers } = electronServices(dir, {
      dialogs: { openGraph: async () => answer, saveGraph: async () => null },
    });
    expect(expectOpened(await handlers['file.open']({})).name).toBe('picked');
    answer = null;
    expect(await handlers['file.open']({})).toEqual({ ok: false, cancelled: true });
  });

  it('without a path in the web mode, tells the UI to use the workspace list or an upload', async () => {
    const { handlers } = await webServices(dir);
    const r = await dispatch(handlers, 'file.open', {});
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/workspace list.*upload/);
  });

  it('in the web mode opens files in the workspace only', async () => {
    const { handlers, workspace } = await webServices(dir);
    const outside = join(dir, 'outside.attractor.json');
    await writeFile(outside, await exampleText());
    await copyFile(outside, join(workspace, 'inside.attractor.json'));
    expect(expectOpened(await handlers['file.open']({ path: 'inside.attractor.json' })).path).toBe(join(workspace, 'inside.attractor.json'));
    expect(messages(await handlers['file.open']({ path: outside }))[0]).toMatch(/outside the workspace/);
    expect(messages(await handlers['file.open']({ path: '../outside.attractor.json' }))[0]).toMatch(/outside the workspace/);
    await symlink(outside, join(workspace, 'link.attractor.json'));
    expect(messages(await handlers['file.open']({ path: 'link.attractor.json' }))[0]).toMatch(/symbolic link/);
  });
});

describe('file.openText', () => {
  it('loads text the browser read, with no path', async () => {
    const { handlers } = await webServices(dir);
    const r = expectOpened(await handlers['file.openText']({ name: 'dropped.attractor.json', text: await exampleText() }));
    expect(r).toMatchObject({ path: null, name: 'dropped' });
  });

  it('refuses bad text, naming it by the given name', async () => {
    const { handlers } = await webServices(dir);
    const r = await handlers['file.openText']({ name: 'notes.txt', text: 'hello' });
    expect(r).toMatchObject({ ok: false, source: 'notes.txt' });
    expect(messages(r)[0]).toMatch(/notes\.txt is not valid JSON/);
  });
});

describe('file.save', () => {
  it('saves atomically a graph that reopens identical, and remembers it', async () => {
    const { handlers } = electronServices(dir);
    const path = join(dir, 'saved.attractor.json');
    const graph = await exampleGraph();
    expect(await handlers['file.save']({ path, graph })).toEqual({ ok: true, path, name: 'saved' });
    const back = expectOpened(await handlers['file.open']({ path }));
    expect(back.graph.nodes).toEqual(expectOpened(await handlers['file.openText']({ name: 'x', text: JSON.stringify(graph) })).graph.nodes);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect((await handlers['file.recent']({}))[0]?.path).toBe(path);
  });

  it('refuses an invalid graph with its problems and leaves the old file as it was', async () => {
    const { handlers } = electronServices(dir);
    const path = join(dir, 'keep.attractor.json');
    const before = await exampleText();
    await writeFile(path, before);
    const bad = { ...(await exampleGraph()), settle: { schedule: 'sometimes' } };
    const r = await handlers['file.save']({ path, graph: bad });
    expect(r.ok).toBe(false);
    if (r.ok || 'cancelled' in r) throw new Error('expected a refusal');
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems[0]?.path[0]).toBe('settle');
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('refuses to overwrite a file from a newer format version, and says so', async () => {
    const { handlers } = electronServices(dir);
    const path = join(dir, 'future.attractor.json');
    const future = JSON.stringify({ format: 'attractor-graph', version: 7, nodes: [] });
    await writeFile(path, future);
    const r = await handlers['file.save']({ path, graph: await exampleGraph() });
    expect(messages(r)[0]).toMatch(/newer version.*format version 7.*Save under another name/);
    expect(await readFile(path, 'utf8')).toBe(future);
  });

  it('refuses a file name without the graph extension', async () => {
    const { handlers } = electronServices(dir);
    for (const name of ['plain.json', 'graph.txt', '.attractor.json']) {
      const path = join(dir, name);
      expect(messages(await handlers['file.save']({ path, graph: await exampleGraph() }))[0]).toMatch(/\.attractor\.json/);
      await expect(stat(path)).rejects.toThrow();
    }
  });

  it('in the web mode refuses paths that leave the workspace, by .. or through a link', async () => {
    const { handlers, workspace } = await webServices(dir);
    const graph = await exampleGraph();
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere);
    await symlink(elsewhere, join(workspace, 'sub'));
    await writeFile(join(elsewhere, 'victim.attractor.json'), 'old');
    await symlink(join(elsewhere, 'victim.attractor.json'), join(workspace, 'victim.attractor.json'));

    const tries: [string, RegExp][] = [
      ['../escaped.attractor.json', /outside the workspace/],
      [join(elsewhere, 'abs.attractor.json'), /outside the workspace/],
      ['sub/through-link.attractor.json', /symbolic link/],
      ['victim.attractor.json', /symbolic link/],
      ['missing-folder/x.attractor.json', /does not exist/],
    ];
    for (const [path, message] of tries) {
      expect(messages(await handlers['file.save']({ path, graph }))[0], path).toMatch(message);
    }
    expect((await readdir(elsewhere)).sort()).toEqual(['victim.attractor.json']);
    expect(await readFile(join(elsewhere, 'victim.attractor.json'), 'utf8')).toBe('old');
    expect(await handlers['file.save']({ path: 'fine.attractor.json', graph })).toMatchObject({ ok: true, path: join(workspace, 'fine.attractor.json') });
  });
});

describe('file.saveAs', () => {
  it('desktop: saves where the Save dialog says, adding the extension; a cancel saves nothing', async () => {
    let asked = '';
    let answer: string | null = join(dir, 'chosen');
    const { handlers } = electronServices(dir, {
      dialogs: {
        openGraph: async () => null,
        saveGraph: async (suggested) => ((asked = suggested), answer),
      },
    });
    const graph = await exampleGraph();
    const r = await handlers['file.saveAs']({ graph, suggestedName: 'my net' });
    expect(r).toEqual({ ok: true, path: join(dir, 'chosen.attractor.json'), name: 'chosen' });
    expect(asked).toBe('my net');
    answer = null;
    expect(await handlers['file.saveAs']({ graph })).toEqual({ ok: false, cancelled: true });
    expect(asked).toBe(graph.name);
  });

  it('web: saves a bare name into the workspace, adding the extension', async () => {
    const { handlers, workspace } = await webServices(dir);
    const r = await handlers['file.saveAs']({ graph: await exampleGraph(), name: 'fresh' });
    expect(r).toEqual({ ok: true, path: join(workspace, 'fresh.attractor.json'), name: 'fresh' });
    expect(expectOpened(await handlers['file.open']({ path: join(workspace, 'fresh.attractor.json') })).name).toBe('fresh');
  });

  it('web: refuses names with folders or .., and does not replace an existing file', async () => {
    const { handlers, workspace } = await webServices(dir);
    const graph = await exampleGraph();
    for (const name of ['a/b', 'a\\b', '..', '../up', '.hidden']) {
      expect(messages(await handlers['file.saveAs']({ graph, name }))[0], name).toMatch(/plain file name|hidden/);
    }
    await writeFile(join(workspace, 'taken.attractor.json'), 'mine');
    expect(messages(await handlers['file.saveAs']({ graph, name: 'taken.attractor.json' }))[0]).toMatch(/already exists/);
    expect(await readFile(join(workspace, 'taken.attractor.json'), 'utf8')).toBe('mine');
    expect(await readdir(dir)).toEqual(expect.not.arrayContaining(['up.attractor.json']));
  });

  it('web: without a name is an error, not a dialog', async () => {
    const { handlers } = await webServices(dir);
    const r = await dispatch(handlers, 'file.saveAs', { graph: await exampleGraph() });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/needs a file name/) });
  });
});

describe('file.workspace', () => {
  it('lists graph files in the workspace and one level below, sorted, with size and time', async () => {
    const { handlers, workspace } = await webServices(dir);
    const text = await exampleText();
    await mkdir(join(workspace, 'nets'));
    await mkdir(join(workspace, 'nets', 'deeper'));
    await mkdir(join(workspace, '.hidden'));
    await mkdir(join(workspace, 'node_modules'));
    for (const f of ['b.attractor.json', 'a.attractor.json', 'nets/c.attractor.json', 'nets/deeper/no.attractor.json', '.hidden/no.attractor.json', 'node_modules/no.attractor.json', '.dot.attractor.json', 'notes.json']) {
      await writeFile(join(workspace, f), text);
    }
    const files = await handlers['file.workspace']({});
    expect(files.map((f) => f.name)).toEqual(['a', 'b', 'nets/c']);
    expect(files[2]).toMatchObject({ path: join(workspace, 'nets', 'c.attractor.json'), bytes: Buffer.byteLength(text) });
    expect(Number.isNaN(Date.parse(files[0]!.modifiedAt))).toBe(false);
  });

  it('is empty on the desktop, which has native dialogs instead', async () => {
    expect(await electronServices(dir).handlers['file.workspace']({})).toEqual([]);
  });
});
