/**
 * Temp files of interrupted writes (engine/format/temp-files.ts): the next write into a
 * folder removes those whose writer is gone, and leaves alone a write in flight, another
 * file's temp files when asked for one file's, and files that are not temp files at all.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { removeLeftoverTemps, tempFileFor, tempFileTarget } from '../../../engine/format/temp-files.js';
import { saveGraphFile } from '../../../engine/format/save.js';
import { graphOf, layer, vector } from '../../helpers/graphs.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'attractor-temps-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pid no process has (above Linux's pid_max of 2²²). */
const DEAD_PID = 99_999_999;

it('removes the leftovers of dead writers and of this thread, keeps a write in flight and what is not a temp file', async () => {
  const sub = join(dir, 'clean');
  await mkdir(sub);
  const dead = `.g.attractor.json.${DEAD_PID}-0-0123456789ab.tmp`;
  const legacy = '.g.attractor.json.abcdefabcdef.tmp';
  const inFlight = tempFileFor(join(sub, 'g.attractor.json'));
  const finished = tempFileFor(join(sub, 'g.attractor.json'));
  finished.done();
  const notOurs = ['.hidden', 'notes.tmp', 'g.attractor.json'];
  for (const name of [dead, legacy, ...notOurs]) await writeFile(join(sub, name), 'x');
  await writeFile(inFlight.path, 'half');
  await writeFile(finished.path, 'half');
  expect(tempFileTarget(dead)).toBe('g.attractor.json');

  const removed = await removeLeftoverTemps(sub);
  expect(removed.sort()).toEqual([dead, legacy, finished.path.slice(sub.length + 1)].sort());
  expect((await readdir(sub)).sort()).toEqual([...notOurs, inFlight.path.slice(sub.length + 1)].sort());
  inFlight.done();
});

it('a save cleans up the temp files an interrupted save of the same folder left', async () => {
  const sub = join(dir, 'save');
  await mkdir(sub);
  const left = `.g.attractor.json.${DEAD_PID}-0-00000000beef.tmp`;
  await writeFile(join(sub, left), '{"format": "attractor-gr');
  await saveGraphFile(join(sub, 'g.attractor.json'), graphOf([layer('a', vector(4))]));
  expect(await readdir(sub)).toEqual(['g.attractor.json']);
});
