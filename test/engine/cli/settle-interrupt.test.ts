/**
 * Ctrl-C in `attractor settle`, on the real command: the settle stops before its next
 * iteration, prints the report of the iterations done and exits 130.
 */
import { expect, it } from 'vitest';
import { cliProcess } from '../../helpers/cli.js';
import { spawnCli } from './spawned.js';

it('the first Ctrl-C stops a long settle at the next iteration with a clear line', async () => {
  cliProcess('kinds'); // builds the bundle once
  // θ below float32 noise: without the interrupt this would run a million iterations.
  const run = spawnCli('settle', 'examples/mnist-completion.attractor.json', '--theta', '1e-12', '--steps', '1000000', '--batch', '2');
  // The head of the report goes out as the settle starts.
  await run.outputShows((out) => out.includes('iter   mean energy'));
  const sent = performance.now();
  run.child.kill('SIGINT');
  const code = await run.exit;
  const ms = performance.now() - sent;
  const [stdout, stderr] = [run.stdout(), run.stderr()];
  expect(code).toBe(130);
  expect(stderr).toContain('stopping after this iteration (Ctrl-C again to quit now)');
  const m = /interrupted after iteration (\d+) of at most 1000000: not settled/.exec(stderr);
  expect(m, stderr).not.toBeNull();
  const at = Number(m![1]);
  expect(at).toBeLessThan(1_000_000);
  // The report covers exactly the iterations done.
  expect(stdout).toContain(`\n${String(at).padStart(6)}   `);
  expect(stdout).toMatch(new RegExp(`\\n${at} iterations in [0-9.]+ ms`));
  expect(stdout).toMatch(/t\*: – –/);
  console.log(`settle interrupted after iteration ${at}; exited ${Math.round(ms)} ms after SIGINT`);
});
