/**
 * The engine host in the desktop mode: each run carries the folders of the files the user
 * chose (`allowedFolders`, set by the app's main process, app/main/path-grants.ts) and
 * touches files only there, judged where each file is used — so a dataset path written
 * inside a graph file (`/abs/…`, `../..`, a link) cannot reach a file the user never chose.
 * The grant lasts one run; a workspace-confined engine (the web mode) is never widened.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBackend, type BackendInfo } from '../../../engine/backend/select.js';
import { confineTo, unconfine } from '../../../engine/format/confine.js';
import { EngineHost } from '../../../engine/server/host.js';
import { Recorder, settleCmd } from './recorder.js';

const SECRET = 'SECRET-TOKEN-0815';
const root = join(__dirname, '..', '..', '..');
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'engine-host-granted-')));
const chosen = join(dir, 'chosen');
const elsewhere = join(dir, 'elsewhere');
let backend: BackendInfo;

/** The Hopfield example with its patterns read from a CSV at `path` (100 columns). */
function graphWithCsv(name: string, path: string): string {
  const g = JSON.parse(readFileSync(join(root, 'examples', 'hopfield.attractor.json'), 'utf8')) as { nodes: { kind: string; params: Record<string, unknown> }[] };
  g.nodes.find((n) => n.kind === 'dataset')!.params.source = { kind: 'csv', path };
  const file = join(chosen, name);
  writeFileSync(file, JSON.stringify(g));
  return file;
}

const csv = (rows: number) => Array.from({ length: rows }, (_, r) => Array.from({ length: 100 }, (_, c) => ((r * 7 + c) % 5 === 0 ? 1 : 0)).join(',')).join('\n') + '\n';

beforeAll(async () => {
  backend = await startBackend('wasm');
  mkdirSync(chosen);
  mkdirSync(elsewhere);
  writeFileSync(join(chosen, 'patterns.csv'), csv(5));
  writeFileSync(join(elsewhere, 'secret.csv'), `${SECRET}\n${csv(5)}`);
  symlinkSync(join(elsewhere, 'secret.csv'), join(chosen, 'link.csv'));
});
afterAll(() => {
  unconfine();
  rmSync(dir, { recursive: true, force: true });
});

const run = (rec: Recorder, host: EngineHost, runId: string, graphPath: string, allowedFolders?: string[]) =>
  host.handle(settleCmd(runId, { graphPath, examples: { count: 1 }, record: { activations: false, attention: false }, ...(allowedFolders ? { allowedFolders } : {}) }));

it("runs a graph whose data lies beside it; refuses a dataset path in the graph that leads elsewhere, as written, as ../.., or through a link, never quoting the file", async () => {
  const rec = new Recorder();
  const host = new EngineHost(rec.send, { backend, baseDir: dir });
  run(rec, host, 'ok', graphWithCsv('ok.attractor.json', 'patterns.csv'), [chosen]);
  expect((await rec.closed('ok')).type).toBe('run.done');
  const cases: [string, string, RegExp][] = [
    ['abs', join(elsewhere, 'secret.csv'), /secret\.csv is outside the folders of the files you opened or saved/],
    ['up', '../elsewhere/secret.csv', /secret\.csv is outside the folders of the files you opened or saved/],
    ['link', 'link.csv', /link\.csv leads outside the folders of the files you opened or saved through a symbolic link/],
  ];
  for (const [id, path, message] of cases) {
    run(rec, host, id, graphWithCsv(`${id}.attractor.json`, path), [chosen]);
    const failed = await rec.failed(id);
    expect(failed.message, id).toMatch(message);
    expect(failed.message).not.toContain(SECRET);
  }
});

it('the grant lasts one run: the same graph with the folder granted runs, and a run without a grant (the CLI) is not confined', async () => {
  const rec = new Recorder();
  const host = new EngineHost(rec.send, { backend, baseDir: dir });
  const graph = graphWithCsv('abs2.attractor.json', join(elsewhere, 'patterns-elsewhere.csv'));
  writeFileSync(join(elsewhere, 'patterns-elsewhere.csv'), csv(5));
  run(rec, host, 'g1', graph, [chosen]);
  expect((await rec.failed('g1')).message).toMatch(/outside the folders of the files you opened or saved/);
  run(rec, host, 'g2', graph, [chosen, elsewhere]);
  expect((await rec.closed('g2')).type).toBe('run.done');
  run(rec, host, 'g3', graph);
  expect((await rec.closed('g3')).type).toBe('run.done');
});

it('a workspace-confined engine (the web mode) ignores a grant that would widen it', async () => {
  await confineTo(chosen);
  try {
    const rec = new Recorder();
    const host = new EngineHost(rec.send, { backend, baseDir: chosen });
    run(rec, host, 'w1', graphWithCsv('w1.attractor.json', join(elsewhere, 'secret.csv')), [dir, '/']);
    const failed = await rec.failed('w1');
    expect(failed.message).toMatch(/outside the workspace/);
    expect(failed.message).not.toContain(SECRET);
  } finally {
    unconfine();
  }
});
