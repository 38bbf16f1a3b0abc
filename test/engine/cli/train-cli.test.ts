import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliProcess } from '../../helpers/cli.js';
import { smallGraph as smallGraphDoc, type SmallGraphOptions } from './small-graph.js';
import { spawnCli } from './spawned.js';

const tmp = mkdtempSync(join(tmpdir(), 'attractor-train-'));

/** A small completion graph on random ±1 patterns (small-graph.ts), written to a file. */
function smallGraph(name: string, extra: SmallGraphOptions = {}): string {
  const file = join(tmp, `${name}.attractor.json`);
  writeFileSync(file, JSON.stringify(smallGraphDoc(name, extra)));
  return file;
}

const jsonLines = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('attractor train / eval / gradcheck', () => {
  for (const method of ['bptt', 'recurrent-backprop', 'every-step', 'equilibrium-propagation'] as const) {
    it(`${method}: JSON lines per batch, a checkpoint, eval of it, and --resume`, async () => {
      const file = smallGraph(`small-${method}`);
      const out = join(tmp, `w-${method}`);
      const r = await cli('train', file, '--method', method, '--batches', '3', '--out', out);
      expect(r.code, r.err).toBe(0);
      const lines = jsonLines(r.out);
      expect(lines.slice(0, 3).map((l) => l.step)).toEqual([1, 2, 3]);
      for (const l of lines.slice(0, 3)) for (const k of ['loss', 'meanTStar', 'tossed', 'cycle2', 'ms']) expect(l).toHaveProperty(k);
      expect(lines[3]).toMatchObject({ done: true, batches: 3, checkpoint: out });
      expect(existsSync(join(out, 'checkpoint.json'))).toBe(true);

      const again = await cli('train', file, '--method', method, '--batches', '5', '--out', out);
      expect(again.code).toBe(2);
      expect(again.err).toMatch(/already holds a checkpoint: pass --resume/);

      const resumed = await cli('train', file, '--method', method, '--batches', '5', '--out', out, '--resume');
      expect(resumed.code, resumed.err).toBe(0);
      expect(jsonLines(resumed.out).slice(0, 2).map((l) => l.step)).toEqual([4, 5]);

      const e = JSON.parse((await cli('eval', file, '--weights', out, '--json')).out);
      expect(e.weights).toMatch(/batch 5/);
      expect(e.loss).toBeGreaterThan(0);
      expect(e.examples).toBe(20);
    });
  }

  it('a resumed run gives the same loss curve as one that never stopped', async () => {
    const file = smallGraph('same-curve');
    const whole = jsonLines((await cli('train', file, '--batches', '4', '--out', join(tmp, 'whole'))).out);
    await cli('train', file, '--batches', '2', '--out', join(tmp, 'parts'));
    const rest = jsonLines((await cli('train', file, '--batches', '4', '--out', join(tmp, 'parts'), '--resume')).out);
    expect(rest.slice(0, 2).map((l) => l.loss)).toEqual(whole.slice(2, 4).map((l) => l.loss));
  });

  it('hebbian storage on the Hopfield example recalls every pattern', async () => {
    const out = join(tmp, 'hopfield');
    const r = await cli('train', 'examples/hopfield.attractor.json', '--out', out);
    expect(r.code, r.err).toBe(0);
    const done = jsonLines(r.out).at(-1)!;
    expect(done).toMatchObject({ done: true, method: 'hebbian', stored: { W: 5 } });
    expect((done.heldOut as { loss: number }).loss).toBe(0);
  });

  it('NaN in the loss stops the run with a message and keeps the last good checkpoint', async () => {
    const file = smallGraph('explodes', { activation: 'linear', optimizer: { kind: 'sgd', lr: 1e6, momentum: 0.9 }, checkpointEvery: 1 });
    const out = join(tmp, 'explodes');
    const r = await cli('train', file, '--batches', '30', '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/training stopped: the (loss became (NaN|Infinity)|gradient of "\w+" has NaN or Inf) at batch \d+; the weights were not updated; the last good checkpoint is in/);
    const manifest = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
    const e = await cli('eval', file, '--weights', out, '--json');
    expect(e.code, e.err).toBe(0);
    expect(manifest.step).toBeGreaterThanOrEqual(1);
  });

  it('gradcheck: bptt, recurrent backprop, equilibrium propagation and finite differences agree', async () => {
    const r = await cli('gradcheck', smallGraph('grad'), '--coordinates', '8', '--json', '--backend', 'cpu');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.rbpVsFd.maxRelError).toBeLessThan(1e-2);
    expect(j.bpttVsFd.maxRelError).toBeLessThan(1e-2);
    expect(j.bpttVsRbp.cosine).toBeGreaterThan(0.9999);
    expect(j.eqprop.beta).toBe(0.01);
    expect(j.eqprop.vsFd.maxRelError).toBeLessThan(1e-2);
    expect(j.eqprop.vsRbp.cosine).toBeGreaterThan(0.9999);
    const text = await cli('gradcheck', smallGraph('grad-text'), '--coordinates', '4', '--beta', '0.02', '--backend', 'cpu');
    expect(text.out).toMatch(/eqprop \(β = 0.02\) {2}vs finite differences: cosine/);
    // --per-param K: K entries of every trainable parameter, each reported on its own line.
    const each = await cli('gradcheck', smallGraph('grad-each'), '--per-param', '2', '--backend', 'cpu');
    expect(each.code, each.err).toBe(0);
    const rows = each.out.split('\n').filter((l) => / 2 entries /.test(l));
    expect(rows.length).toBe(j.perParam.length);
    expect(each.out).toMatch(/finite differences resolve gradients down to ≈ \d/);
    expect((await cli('gradcheck', smallGraph('grad-both'), '--per-param', '2', '--coordinates', '4')).err).toMatch(/--per-param and --coordinates: give one of them/);
  });

  it('bad options: exit 2 with the reason', async () => {
    const file = smallGraph('bad');
    expect((await cli('train', file, '--method', 'magic')).err).toMatch(/--method: expected one of bptt, recurrent-backprop, every-step, hebbian/);
    expect((await cli('train', file, '--epochs', '1', '--batches', '2')).err).toMatch(/--epochs or --batches, not both/);
    expect((await cli('train', file, '--method', 'equilibrium-propagation', '--beta', '0.6', '--out', join(tmp, 'z'))).err).toMatch(
      /training.method "equilibrium-propagation" does not apply: β = 0.6 is too large for target "t" .*β < 0.5/,
    );
    expect((await cli('eval', file)).err).toMatch(/no weights to evaluate: pass --weights DIR/);
    expect((await cli('eval', file, '--weights', join(tmp, 'nowhere'))).err).toMatch(/no folder at/);
    expect((await cli('train', 'examples/conv-within.attractor.json', '--method', 'hebbian', '--out', join(tmp, 'x'))).err).toMatch(/hebbian storage sets dense-within couplings only/);
    expect((await cli('train', 'examples/hopfield-retrieval.attractor.json', '--out', join(tmp, 'y'))).err).toMatch(/nothing to train: every parameter is fixed/);
  });

  it('Ctrl-C finishes the batch, writes a checkpoint and exits 130; --resume goes on', async () => {
    const file = smallGraph('interrupt');
    const out = join(tmp, 'interrupt');
    const run = spawnCli('train', file, '--batches', '100000', '--out', out, '--json');
    await run.outputShows((stdout) => stdout.split('\n').length > 3);
    run.child.kill('SIGINT');
    const code = await run.exit;
    const stderr = run.stderr();
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted after batch (\d+) of 100000; checkpoint in .* \(continue with --resume\)/);
    const at = Number(/interrupted after batch (\d+)/.exec(stderr)![1]);
    expect(JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8')).step).toBe(at);
    const resumed = cliProcess('train', file, '--batches', String(at + 1), '--out', out, '--resume', '--json');
    expect(resumed.code, resumed.err).toBe(0);
    expect(jsonLines(resumed.out)[0].step).toBe(at + 1);
  });
});

describe('training on two cores', () => {
  it('a gradient worker gives the same losses as one thread (shards weighted by scored units)', async () => {
    const file = smallGraph('two-cores');
    const one = jsonLines((await cli('train', file, '--batches', '4', '--workers', '0', '--out', join(tmp, 'one-core'))).out);
    const two = jsonLines((await cli('train', file, '--batches', '4', '--workers', '1', '--out', join(tmp, 'two-cores'))).out);
    for (let i = 0; i < 4; i++) expect(Math.abs((two[i].loss as number) - (one[i].loss as number))).toBeLessThan(1e-3 * (one[i].loss as number));
    expect((await cli('train', file, '--workers', 'many', '--out', join(tmp, 'x2'))).err).toMatch(/--workers: expected an integer ≥ 0 or "auto"/);
  });
});
