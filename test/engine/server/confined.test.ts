/**
 * The engine host in the web mode (confined to its workspace, as worker-main.ts sets it):
 * checkpoint folders, resume folders, weights, datasets and checkpoint listings that lead
 * out of the workspace through a symbolic link are refused at the point of use, with a
 * run.error naming the path as sent, and nothing is written or read outside. (Issue 17:
 * a checkpoint was written outside through a link; a CSV outside came back in a message.)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBackend, type BackendInfo } from '../../../engine/backend/select.js';
import { confineTo, unconfine } from '../../../engine/format/confine.js';
import { EngineHost } from '../../../engine/server/host.js';
import { Recorder, settleCmd } from './recorder.js';

const SECRET = 'SECRET-TOKEN-4711';
const root = join(__dirname, '..', '..', '..');
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'engine-host-confined-')));
const ws = join(dir, 'ws');
const outside = join(dir, 'elsewhere');
let backend: BackendInfo;

beforeAll(async () => {
  backend = await startBackend('wasm');
  mkdirSync(join(ws, 'data'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.csv'), `${SECRET},1\n`);
  symlinkSync(outside, join(ws, 'out'));
  symlinkSync(join(outside, 'secret.csv'), join(ws, 'data', 'link.csv'));
  const g = JSON.parse(readFileSync(join(root, 'examples', 'hopfield.attractor.json'), 'utf8')) as { nodes: { kind: string; params: Record<string, unknown> }[]; weights?: string };
  writeFileSync(join(ws, 'hopfield.attractor.json'), JSON.stringify(g));
  const viaLink = structuredClone(g);
  viaLink.nodes.find((n) => n.kind === 'dataset')!.params.source = { kind: 'csv', path: 'data/link.csv' };
  writeFileSync(join(ws, 'link-data.attractor.json'), JSON.stringify(viaLink));
  writeFileSync(join(ws, 'outside-weights.attractor.json'), JSON.stringify({ ...g, weights: '../elsewhere/w' }));
  await confineTo(ws);
});
afterAll(() => {
  unconfine();
  rmSync(dir, { recursive: true, force: true });
});

const OUTSIDE = (shown: string) => new RegExp(`${shown.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} leads outside the workspace \\(${ws.replace(/[/.]/g, '\\$&')}\\) through a symbolic link`);

it('refuses checkpoint and resume folders that lead out through a link, and writes nothing there', async () => {
  const rec = new Recorder();
  const host = new EngineHost(rec.send, { backend, baseDir: ws });
  const ckpt = join(ws, 'out', 'ckpt');
  host.handle({ type: 'train.start', runId: 'c1', graphPath: 'hopfield.attractor.json', checkpointDir: ckpt });
  expect((await rec.failed('c1')).message).toMatch(OUTSIDE(ckpt));
  host.handle({ type: 'train.start', runId: 'c2', graphPath: 'hopfield.attractor.json', checkpointDir: join(ws, 'fresh'), resumeFrom: ckpt });
  expect((await rec.failed('c2')).message).toMatch(OUTSIDE(ckpt));
  expect(readdirSync(outside)).toEqual(['secret.csv']);
  // Inside the workspace the same run goes through.
  host.handle({ type: 'train.start', runId: 'c3', graphPath: 'hopfield.attractor.json', checkpointDir: join(ws, 'ckpt') });
  expect((await rec.closed('c3')).type).toBe('run.done');
  expect(existsSync(join(ws, 'ckpt', 'checkpoint.json'))).toBe(true);
});

it("refuses a dataset that leads out through a link, and a graph's weights outside, never quoting the file", async () => {
  const rec = new Recorder();
  const host = new EngineHost(rec.send, { backend, baseDir: ws });
  host.handle(settleCmd('d1', { graphPath: 'link-data.attractor.json', examples: { count: 1 } }));
  const e1 = await rec.failed('d1');
  expect(e1.message).toMatch(OUTSIDE('data/link.csv'));
  expect(e1.message).not.toContain(SECRET);
  host.handle(settleCmd('w1', { graphPath: 'outside-weights.attractor.json', examples: { count: 1 } }));
  expect((await rec.failed('w1')).message).toMatch(/elsewhere\/w is outside the workspace/);
  host.handle(settleCmd('p1', { graphPath: '/etc/passwd', examples: { count: 1 } }));
  const e3 = await rec.failed('p1');
  expect(e3.message).toMatch(/\/etc\/passwd is outside the workspace/);
  expect(e3.message).not.toMatch(/root:/);
});
