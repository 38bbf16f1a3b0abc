// Desktop confinement (app/main/path-grants.ts): requests may name only files the user
// chose and what lies beside them, compared after symbolic links are followed; on real
// folders, with the real recent list for the restart case.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { grantingEngineLink, PathGrants, requestPathProblem, requestPaths } from '../../../app/main/path-grants.js';
import type { RunCommand } from '../../../engine/protocol/run.js';
import { RecentFiles } from '../../../app/services/recent.js';

const base = mkdtempSync(join(tmpdir(), 'path-grants-'));
const project = join(base, 'project');
const other = join(base, 'other');
mkdirSync(join(project, 'data'), { recursive: true });
mkdirSync(other);
const graph = join(project, 'net.attractor.json');
writeFileSync(graph, '{}');
writeFileSync(join(project, 'data', 'digits.npy'), '');
writeFileSync(join(other, 'secret.key'), 'secret');
// Links planted in the chosen folder: one out of it, one to a file inside.
symlinkSync(other, join(project, 'escape'));
symlinkSync(join(project, 'data', 'digits.npy'), join(project, 'alias.npy'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function chosen(): PathGrants {
  const grants = new PathGrants();
  grants.grantFile(graph);
  return grants;
}

describe('PathGrants', () => {
  it('allows the chosen file, files beside it and below its folder, and paths that do not exist yet there', async () => {
    const grants = chosen();
    for (const path of [graph, join(project, 'data', 'digits.npy'), join(project, 'alias.npy'), join(project, 'checkpoints', 'run-1')]) {
      expect(await grants.problem(path, 'the file'), path).toBeNull();
    }
  });
  it('refuses everything else, naming the path', async () => {
    const grants = chosen();
    const message = await grants.problem(join(other, 'secret.key'), 'the weights folder');
    expect(message).toContain(`the weights folder ${join(other, 'secret.key')} is not a file you opened or saved`);
    expect(await grants.problem('/etc/passwd', 'the graph file')).toContain('/etc/passwd');
    expect(await new PathGrants().problem(graph, 'the graph file')).not.toBeNull();
  });
  it('refuses a symbolic link out of the chosen folder, and `..` out of it', async () => {
    const grants = chosen();
    expect(await grants.problem(join(project, 'escape', 'secret.key'), 'the dataset')).toContain('escape');
    expect(await grants.problem(join(project, 'escape', 'new-checkpoint'), 'the checkpoint folder')).not.toBeNull();
    expect(await grants.problem(join(project, 'data', '..', '..', 'other', 'secret.key'), 'the dataset')).not.toBeNull();
    expect(await grants.problem(`${project}/../other/secret.key`, 'the dataset')).not.toBeNull();
  });
  it('keeps the recent list across a restart', async () => {
    const dataDir = join(base, 'data-dir');
    mkdirSync(dataDir);
    await new RecentFiles({ dataDir }).add(graph);
    // A new process: nothing granted until the recent list has been read.
    const after = new PathGrants();
    expect(await after.problem(graph, 'the graph file')).not.toBeNull();
    after.grantAll((await new RecentFiles({ dataDir }).list()).map((r) => r.path));
    expect(await after.problem(join(project, 'data', 'digits.npy'), 'the dataset')).toBeNull();
    expect(await after.problem(join(other, 'secret.key'), 'the dataset')).not.toBeNull();
  });
});

describe('the paths a request carries', () => {
  it('finds graph paths of the file, runs and sweep channels', () => {
    expect(requestPaths('file.open', { path: graph }, base)).toEqual([{ path: graph, what: 'the graph file' }]);
    expect(requestPaths('file.open', {}, base)).toEqual([]);
    expect(requestPaths('recovery.save', { path: null }, base)).toEqual([]);
    expect(requestPaths('sweep.start', { graphPath: graph }, base)).toEqual([{ path: graph, what: 'the graph file' }]);
    expect(requestPaths('examples.list', {}, base)).toEqual([]);
  });
  it('finds engine paths, resolving relative ones as the engine does (the graph folder, else the fallback)', () => {
    const command = { type: 'train.start', graphPath: graph, resumeFrom: 'checkpoints/a', checkpointDir: '/abs/ck' };
    expect(requestPaths('engine.send', { command }, base)).toEqual([
      { path: graph, what: 'the graph file' },
      { path: join(project, 'checkpoints', 'a'), what: 'the checkpoint to resume from' },
      { path: '/abs/ck', what: 'the checkpoint folder' },
    ]);
    expect(requestPaths('engine.send', { command: { type: 'settle.start', graphPath: null, weights: 'w' } }, base)).toEqual([
      { path: join(base, 'w'), what: 'the weights folder' },
    ]);
  });
  it('reports the first refused path of a request', async () => {
    const grants = chosen();
    expect(await requestPathProblem(grants, 'engine.send', { command: { type: 'train.start', graphPath: graph, checkpointDir: 'ck' } }, base)).toBeNull();
    const refused = await requestPathProblem(grants, 'engine.send', { command: { type: 'train.start', graphPath: graph, checkpointDir: '/etc/cron.d' } }, base);
    expect(refused).toContain('the checkpoint folder /etc/cron.d');
  });
});

describe('the engine link of the desktop services', () => {
  it("stamps every run start with the folders granted at that moment, replacing the page's own, and passes other commands as they are", async () => {
    const sent: RunCommand[] = [];
    const grants = chosen();
    const link = grantingEngineLink({ send: (c) => void sent.push(c), configure: () => undefined }, grants);
    link.send({ type: 'settle.start', runId: 'a', graphPath: graph, examples: { count: 1 }, record: { activations: false, attention: false }, allowedFolders: ['/'] });
    grants.grantFile(join(other, 'x.attractor.json'));
    link.send({ type: 'train.start', runId: 'b', graphPath: graph });
    link.send({ type: 'run.cancel', runId: 'b' });
    expect(sent.map((c) => ('allowedFolders' in c ? c.allowedFolders : undefined))).toEqual([[project], [project, other], undefined]);
    expect(sent[2]).toEqual({ type: 'run.cancel', runId: 'b' });
  });
});
