/**
 * Faults: `attractor train` killed with SIGKILL at seeded random points — mid-batch, mid
 * checkpoint write — then resumed. After every kill the checkpoint on disk loads whole
 * (checksums and manifest agree), it is at most one checkpoint interval behind the last
 * batch the run reported, and the resumed run goes on from it and leaves no temp files.
 *
 * CI runs FAULT_KILLS (default 6) kills from FAULT_SEED (default 5); `npm run fuzz` runs
 * more and prints the summary the README quotes.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { disposeCheckpoint, loadCheckpoint } from '../../../engine/train/checkpoint.js';
import { cliProcess } from '../../helpers/cli.js';
import { smallGraph } from './small-graph.js';
import { spawnCli } from './spawned.js';

const KILLS = Number(process.env.FAULT_KILLS ?? 6);
const SEED = Number(process.env.FAULT_SEED ?? 5);
const tmp = mkdtempSync(join(tmpdir(), 'attractor-fault-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The CLI tests' small completion graph, writing a checkpoint after every batch so kills land in writes too. */
function graphFile(): string {
  const file = join(tmp, 'fault.attractor.json');
  writeFileSync(file, JSON.stringify(smallGraph('fault', { checkpointEvery: 1 })));
  return file;
}

const reportedSteps = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { step?: number }).step)
    .filter((s): s is number => typeof s === 'number');

it(`${KILLS} kills during training: the checkpoint always loads, loses at most one interval, and resume leaves no temp files`, async () => {
  const file = graphFile();
  const out = join(tmp, 'run');
  // Where each kill lands: after this many reported batches, then this many ms into the next.
  const plan = fc.sample(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 40 })), { seed: SEED, numRuns: KILLS });
  const lost: number[] = [];
  let total = 0;
  for (const [k, [batches, ms]] of plan.entries()) {
    const args = ['train', file, '--batches', '100000', '--out', out, '--json', '--no-record', ...(k > 0 ? ['--resume'] : [])];
    const run = spawnCli(...args);
    await run.outputShows((s) => reportedSteps(s).length >= batches);
    await new Promise((r) => setTimeout(r, ms));
    run.child.kill('SIGKILL');
    await run.exit;
    const last = Math.max(...reportedSteps(run.stdout()));
    const c = await loadCheckpoint(out);
    try {
      // checkpointEvery is 1: the checkpoint is at the last batch reported, or one behind while its write was cut off.
      expect(last - c.step, `kill ${k}: checkpoint at ${c.step}, last reported ${last}`).toBeLessThanOrEqual(1);
      expect(c.step).toBeGreaterThanOrEqual(total);
      lost.push(last - c.step);
      total = c.step;
    } finally {
      disposeCheckpoint(c);
    }
  }
  // One batch more from the last checkpoint: it goes on from there and cleans up after the kills.
  const resumed = cliProcess('train', file, '--batches', String(total + 1), '--out', out, '--resume', '--json', '--no-record');
  expect(resumed.code, resumed.err).toBe(0);
  expect(reportedSteps(resumed.out)).toEqual([total + 1]);
  const temps = readdirSync(out).filter((n) => n.endsWith('.tmp'));
  expect(temps).toEqual([]);
  const summary = `fault: ${KILLS} kills (seed ${SEED}), checkpoints lost 0, batches lost at most ${Math.max(...lost)} (one interval), temp files left ${temps.length}`;
  console.log(summary);
  if (process.env.FAULT_SUMMARY) writeFileSync(process.env.FAULT_SUMMARY, `${summary}\n`);
}, 3_600_000);
