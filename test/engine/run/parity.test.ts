/**
 * The CLI and the run-protocol server are two adapters on one driver: for the same graph,
 * seed and examples they settle to the same energies and t*, and train to the same losses.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { EngineHost } from '../../../engine/server/host.js';
import { cli } from '../../helpers/cli.js';
import { Recorder } from '../server/recorder.js';
import { tempFolder, wasmBackend } from './context.js';

const root = join(__dirname, '..', '..', '..');
const tmp = tempFolder('run-driver-parity-');
const backend = wasmBackend();

function host(): { host: EngineHost; rec: Recorder } {
  const rec = new Recorder();
  return { host: new EngineHost(rec.send, { backend: backend(), baseDir: root }), rec };
}

for (const [file, schedule] of [
  ['examples/stack-3.attractor.json', undefined],
  ['examples/hopfield.attractor.json', 'synchronous'],
] as const) {
  it(`settle ${file}${schedule ? ` (${schedule})` : ''}: the same energies and t* from attractor settle and the server`, async () => {
    const r = await cli('settle', file, '--batch', '3', '--seed', '5', '--backend', 'wasm', ...(schedule ? ['--schedule', schedule] : []), '--json');
    expect(r.code, r.err).toBe(0);
    const fromCli = JSON.parse(r.out) as { energyPerExample: number[][]; tStar: number[]; cycle2: boolean[]; examples: number[]; iterations: number };

    const { host: h, rec } = host();
    h.handle({ type: 'settle.start', runId: 'p', graphPath: file, examples: { count: 3 }, overrides: { seed: 5, ...(schedule ? { schedule } : {}) }, record: { activations: false, attention: false } });
    expect((await rec.closed('p')).type).toBe('run.done');
    const its = rec.of('settle.iteration', 'p');
    const done = rec.of('settle.done', 'p')[0];

    expect(its.map((e) => e.energy)).toEqual(fromCli.energyPerExample);
    expect(done.tStar.map((t) => t ?? -1)).toEqual(fromCli.tStar);
    expect(done.cycle2).toEqual(fromCli.cycle2);
    expect(done.iterations).toBe(fromCli.iterations);
    const started = rec.of('run.started', 'p')[0];
    expect(started.kind === 'settle' && started.totals.examples).toEqual(fromCli.examples);
  });
}

it('train: the same losses batch by batch from attractor train and the server', async () => {
  const file = 'examples/mnist-completion.attractor.json';
  const r = await cli('train', file, '--batches', '3', '--batch', '8', '--steps', '5', '--seed', '2', '--backend', 'wasm', '--workers', '0', '--out', join(tmp, 'cli'), '--json');
  expect(r.code, r.err).toBe(0);
  const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { step?: number; loss: number });
  const { host: h, rec } = host();
  h.handle({ type: 'train.start', runId: 't', graphPath: file, batches: 3, batch: 8, steps: 5, seed: 2, checkpointDir: join(tmp, 'server'), evalLimit: 10 });
  expect((await rec.closed('t')).type).toBe('run.done');
  expect(rec.of('train.batch', 't').map((b) => b.loss)).toEqual(lines.filter((l) => l.step !== undefined).map((l) => l.loss));
});
