/** `attractor capacity` in-process: the JSON of a small sweep, the readable table, bad options by name, Ctrl-C between cells. */
import { expect, it } from 'vitest';
import { capacityCommand } from '../../../engine/cli/commands/capacity.js';
import { cli } from '../../helpers/cli.js';
import type { CapacityCell, Crossing } from '../../../engine/protocol/capacity.js';

it('--json: every cell, the crossing between the loads, the textbook asynchronous schedule by default', async () => {
  const r = await cli('capacity', '--n', '60', '--alpha', '0.05,0.4', '--trials', '2', '--probes', '12', '--json');
  expect(r.code, r.err).toBe(0);
  const out = JSON.parse(r.out) as { net: string; schedule: string; cells: CapacityCell[]; crossings: Crossing[]; trials: number };
  expect(out.net).toBe('classic');
  expect(out.schedule).toBe('asynchronous');
  expect(out.cells.map((c) => [c.n, c.patterns])).toEqual([
    [60, 3],
    [60, 24],
  ]);
  expect(out.cells[0].retrieved.mean).toBe(1);
  expect(out.cells[1].retrieved.mean).toBeLessThan(0.5);
  expect(out.cells[0].trials).toBe(2);
  expect(out.crossings[0].at!).toBeGreaterThan(0.05);
  expect(out.crossings[0].at!).toBeLessThan(0.4);
  // Progress goes to stderr, one line per cell.
  expect(r.err.split('\n').filter((l) => l.startsWith('['))).toHaveLength(2);
});

it('the table: a memory block along β with the spread columns, the crossing and Ramsauer et al.’s regimes beside it', async () => {
  const r = await cli('capacity', '--net', 'memory', '--n', '32', '--patterns', '16', '--beta', '0.5,64', '--normalize', '--corrupt', 'flip:0.1', '--trials', '2', '--probes', '8');
  expect(r.code, r.err).toBe(0);
  expect(r.out).toContain('N = 32, P = 16, flip 10%');
  expect(r.out).toMatch(/mix spread/);
  expect(r.out).toMatch(/crosses ½ at β ≈ [0-9.]+/);
  expect(r.out).toContain('Ramsauer et al. 2020');
  expect(r.out).toContain('synchronous updates');
});

it('--help prints the usage with what each option means, exit 0', async () => {
  const r = await cli('capacity', '--help');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^usage: attractor capacity \[FILE\]/);
  expect(r.out).toContain('classic capacity (α_c ≈ 0.138) is defined for asynchronous updates');
});

it('bad options are named', async () => {
  const cases: [string[], RegExp][] = [
    [['--alpha', '0.1', '--patterns', '3'], /^attractor capacity: --alpha, --patterns: give the load one way/],
    [['--corrupt', 'blur:0.1'], /--corrupt: expected KIND:LEVEL with KIND one of flip, mask, noise/],
    [['--corrupt', 'flip:1.5'], /--corrupt: flip:1.5 — the level of flip is a fraction of the units/],
    [['--n', '0'], /--n: expected an integer ≥ 1/],
    [['--beta', '2'], /--beta: β belongs to a Hopfield memory block; this is a classic net/],
    [['--alpha', '0.3:0.1:0.01'], /--alpha: expected a range A:B:STEP with A ≤ B/],
    [['--schedule', 'chromatic'], /--schedule: expected one of asynchronous, synchronous/],
    [['examples/hopfield.attractor.json', '--n', '50'], /--n: the graph fixes N: layer "units" has 100 units/],
    [['examples/hopfield.attractor.json', '--net', 'memory'], /--net: the graph examples\/hopfield.attractor.json is the net/],
    [['examples/mnist-completion.attractor.json'], /mnist-completion.attractor.json: the capacity explorer measures a memory net .* this graph has 2 layers/],
  ];
  for (const [argv, message] of cases) {
    const r = await cli('capacity', ...argv);
    expect(r.code, argv.join(' ')).toBe(2);
    expect(r.err).toMatch(message);
  }
});

it('Ctrl-C stops at the next read of the settling probes: the cells done are printed, exit 130', async () => {
  const out: string[] = [];
  const err: string[] = [];
  let stop = () => {};
  const io = {
    out: (l: string) => out.push(l),
    err: (l: string) => {
      err.push(l);
      // The first cell measured: as if Ctrl-C came now.
      if (l.startsWith('[1/')) stop();
    },
    isTTY: false,
  };
  const code = await capacityCommand(['--n', '40,60', '--alpha', '0.05,0.1', '--trials', '1', '--probes', '4', '--json'], io, { interrupts: (s) => ((stop = s), () => {}) });
  expect(code).toBe(130);
  const json = JSON.parse(out.join('\n')) as { cells: CapacityCell[]; interrupted?: boolean };
  expect(json.interrupted).toBe(true);
  // The cells of one size settle as one batch: N = 40's two, then N = 60's stopped.
  expect(json.cells.map((c) => c.n)).toEqual([40, 40]);
  expect(err.at(-1)).toMatch(/^interrupted: 2 of 4 cells measured/);
});
