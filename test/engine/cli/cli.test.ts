import { mkdtempSync, mkdirSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliProcess } from '../../helpers/cli.js';

const EXAMPLES = [
  'mnist-completion',
  'conv-completion',
  'hopfield',
  'stack-3',
  'conv-within',
  'mnist-denoise',
  'mnist-classify',
  'mnist-generate',
  'hopfield-retrieval',
  'mnist-patches',
  'associative-recall',
].map((n) => `examples/${n}.attractor.json`);

it('every example in examples/ is in this list', () => {
  expect(readdirSync('examples').filter((f) => f.endsWith('.attractor.json')).map((f) => `examples/${f}`).sort()).toEqual([...EXAMPLES].sort());
});
const tmp = mkdtempSync(join(tmpdir(), 'attractor-cli-'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at raw JSON
function variant(name: string, edit: (g: Record<string, any>) => void, from = EXAMPLES[0]): string {
  const g = JSON.parse(readFileSync(from, 'utf8'));
  edit(g);
  const file = join(tmp, `${name}.attractor.json`);
  writeFileSync(file, JSON.stringify(g));
  return file;
}

/** One message line per problem, naming the file; never a stack trace. */
function expectBadInput(r: { code: number; err: string; out: string }, pattern: RegExp): void {
  expect(r.code, r.err).toBe(2);
  expect(r.err).toMatch(pattern);
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(r.err).not.toMatch(/internal error/);
}

describe('every command on every example', () => {
  for (const file of EXAMPLES) {
    it(`${file}: validate, compile, settle`, async () => {
      const v = await cli('validate', file);
      expect(v.code, v.err).toBe(0);
      expect(v.out).toMatch(/: ok — \d+ nodes/);

      const c = await cli('compile', file);
      expect(c.code).toBe(0);
      expect(c.out).toMatch(/^schedule: {2}(chromatic|asynchronous)/);
      expect(c.out).toMatch(/guarantee: (descent|fixed-point-or-2-cycle|none)/);
      const cj = JSON.parse((await cli('compile', file, '--json')).out);
      expect(cj.plan.phases.length).toBeGreaterThan(0);

      const s = await cli('settle', file, '--batch', '2', '--steps', '15', '--json');
      expect(s.code, s.err).toBe(0);
      const r = JSON.parse(s.out);
      expect(r.backend).toBe('wasm');
      expect(r.schedule).toBe(cj.plan.schedule);
      expect(r.guarantee).toBe(cj.plan.guarantee.kind);
      expect(r.energy).toHaveLength(r.iterations + 1);
      expect(r.maxChange).toHaveLength(r.iterations);
      expect(r.tStar).toHaveLength(2);
      expect(r.cycle2).toHaveLength(2);
      // Stability measured exactly where an example settled to a fixed point.
      expect(r.stability.map((x: unknown) => x !== null)).toEqual(r.tStar.map((t: number, b: number) => t >= 0 && !r.cycle2[b]));
      for (const x of r.stability) if (x) expect(x.rho).toBeGreaterThanOrEqual(0);
      if (r.guarantee === 'descent') {
        for (let i = 1; i < r.energy.length; i++) expect(r.energy[i]).toBeLessThanOrEqual(r.energy[i - 1] + 1e-4 * (1 + Math.abs(r.energy[i - 1])));
      }
    });
  }

  it('settle prints the energy trace, t*, 2-cycles and the final state', async () => {
    const s = await cli('settle', EXAMPLES[0], '--batch', '3', '--backend', 'cpu', '--seed', '4');
    expect(s.code, s.err).toBe(0);
    expect(s.out).toMatch(/^backend: cpu/);
    expect(s.out).toMatch(/iter +mean energy +max change/);
    expect(s.out).toMatch(/t\*: (\d+|–) (\d+|–) (\d+|–)/);
    expect(s.out).toMatch(/2-cycles: none/);
    expect(s.out).toMatch(/stability ρ\(J\): (0\.\d{3} ?){3}/);
    expect(s.out).toMatch(/visible +vector\[784\] +mean/);
  });

  it('settle warns when most examples did not settle within the steps, and says what to change (issue 15)', async () => {
    // A net whose weights are too strong for 20 iterations: gain 1, the old default.
    const strong = variant('strong', (g) => g.nodes.filter((n: { kind: string }) => n.kind === 'dense').forEach((n: { params: object }) => (n.params = { init: { gain: 1 } })));
    const s = await cli('settle', strong, '--batch', '4', '--steps', '20', '--backend', 'wasm');
    expect(s.code, s.err).toBe(0);
    expect(s.out).toMatch(/\nwarning: [34] of 4 examples did not settle within T = 20 iterations \(θ = 0\.001\): raise T \(--steps\), lower the couplings' initial gain \("init": \{ "gain": 0\.3 \} on each coupling in the graph file; weaker weights settle sooner\), or raise θ \(--theta\)/);
    // The example as shipped settles: no warning.
    expect((await cli('settle', EXAMPLES[0], '--batch', '4', '--steps', '20', '--backend', 'wasm')).out).not.toMatch(/warning:/);
  });

  it('--schedule overrides the file and changes the guarantee', async () => {
    const r = JSON.parse((await cli('settle', EXAMPLES[0], '--schedule', 'synchronous', '--batch', '1', '--json')).out);
    expect(r.schedule).toBe('synchronous');
    expect(r.guarantee).toBe('fixed-point-or-2-cycle');
  });

  it('same seed, same numbers', async () => {
    const a = JSON.parse((await cli('settle', EXAMPLES[3], '--batch', '2', '--seed', '9', '--json')).out);
    const b = JSON.parse((await cli('settle', EXAMPLES[3], '--batch', '2', '--seed', '9', '--json')).out);
    expect(b.energy).toEqual(a.energy);
    expect(b.tStar).toEqual(a.tStar);
  });
});

describe('attention recording', () => {
  it('--record attention returns every head\'s weights per iteration: rows sum to 1, zero outside the mask', async () => {
    const r = await cli('settle', 'examples/mnist-patches.attractor.json', '--batch', '1', '--steps', '5', '--record', 'attention', '--json');
    expect(r.code, r.err).toBe(0);
    const { attention } = JSON.parse(r.out) as { attention: Record<string, { shape: number[]; iterations: number[][] }> };
    const a = attention.attend;
    expect(a.shape).toEqual([1, 2, 16, 16]);
    expect(a.iterations).toHaveLength(6);
    const last = a.iterations[5];
    for (let h = 0; h < 2; h++) {
      for (let i = 0; i < 16; i++) {
        const row = last.slice((h * 16 + i) * 16, (h * 16 + i + 1) * 16);
        expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 4);
        // local window r = 4 plus global token 0
        row.forEach((w, j) => {
          if (Math.abs(i - j) > 4 && i !== 0 && j !== 0) expect(w).toBe(0);
        });
      }
    }
    expect(attention.memory.shape).toEqual([1, 16, 64]);
  });
});

describe('bad input: exit 2 and a clear line', () => {
  it('a missing file', async () => expectBadInput(await cli('validate', join(tmp, 'nope.json')), /nope\.json: no file at/));
  it('a folder', async () => expectBadInput(await cli('settle', tmp), /folder|directory/i));
  it('bad JSON, with line and column', async () => {
    const f = join(tmp, 'broken.json');
    writeFileSync(f, '{\n  "format": "attractor-graph",\n  "version": 1,\n  "nodes": [,]\n}');
    expectBadInput(await cli('compile', f), /line 4, column/);
  });
  it('a bad parameter, named by path and node', async () => {
    const f = variant('kernel4', (g) => (g.nodes[2].params.kernel = 4), EXAMPLES[1]);
    const r = await cli('validate', f);
    expectBadInput(r, /nodes\[2\]\.params\.kernel: expected an odd integer ≥ 1, got 4 \(node "K"\)/);
    expect(r.err.split('\n')[0]).toBe(`attractor validate: ${f}: nodes[2].params.kernel: expected an odd integer ≥ 1, got 4 (node "K")`);
  });
  it('wrong shapes', async () => {
    const f = variant('shapes', (g) => (g.nodes[0].params.shape = { type: 'vector', size: 784 }), EXAMPLES[1]);
    expectBadInput(await cli('settle', f), /expected a grid layer, got vector\[784\] from layer "visible" \(node "K", port "lower"\)/);
  });
  it('data that does not fit its layer', async () => {
    const f = variant('misfit', (g) => (g.nodes[0].params.shape = { type: 'vector', size: 100 }));
    expectBadInput(await cli('settle', f), /dataset "digits".*784.*layer "visible"/);
  });
  it('NaN in the data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attractor-nan-'));
    writeFileSync(join(dir, 'data.csv'), 'a,b,c,d\n0,1,0,1\n1,NaN,0,0\n');
    const f = variant('nan', (g) => {
      g.nodes = [
        { id: 'v', kind: 'layer', params: { shape: { type: 'vector', size: 4 }, role: 'visible' } },
        { id: 'd', kind: 'dataset', params: { source: { kind: 'csv', path: join(dir, 'data.csv') } } },
        { id: 'c', kind: 'clamp', params: {} },
      ];
      g.edges = [
        { from: { node: 'v', port: 'state' }, to: { node: 'c', port: 'layer' } },
        { from: { node: 'd', port: 'images' }, to: { node: 'c', port: 'data' } },
      ];
    });
    expectBadInput(await cli('settle', f), /NaN|not a number|non-numeric|finite/i);
  });
  it('an unknown option, a bad number, an unknown backend, an unavailable backend', async () => {
    expectBadInput(await cli('settle', EXAMPLES[0], '--stepz', '3'), /stepz/);
    expectBadInput(await cli('settle', EXAMPLES[0], '--steps', '0'), /--steps: expected an integer ≥ 1, got "0"/);
    expectBadInput(await cli('settle', EXAMPLES[0], '--theta', 'abc'), /--theta: expected a number > 0/);
    expectBadInput(await cli('settle', EXAMPLES[0], '--backend', 'tpu'), /unknown backend "tpu"/);
    expectBadInput(await cli('settle', EXAMPLES[0], '--backend', 'tensorflow'), /backend "tensorflow" unavailable: GPU unavailable/);
    expectBadInput(await cli('compile', EXAMPLES[0], '--schedule', 'random'), /--schedule: expected one of/);
  });
  it('an unknown command, no file', async () => {
    expectBadInput(await cli('frobnicate'), /unknown command "frobnicate"/);
    expectBadInput(await cli('validate'), /missing graph file/);
  });
});

describe('help', () => {
  it('COMMAND --help prints that command\'s usage on stdout and exits 0, as the overview says it does', async () => {
    const overview = await cli('--help');
    expect(overview.out).toMatch(/attractor COMMAND --help for its options/);
    const names = [...overview.out.matchAll(/^ {2}(\w+) /gm)].map((m) => m[1]);
    expect(names).toContain('gradcheck');
    for (const name of names) {
      const r = await cli(name, '--help');
      expect(r.code, `${name}: ${r.err}`).toBe(0);
      expect(r.out).toMatch(new RegExp(`^usage: attractor ${name}\\b`));
    }
  });
});

describe('the real command', () => {
  it('runs from bin/attractor.mjs with exit codes', () => {
    const ok = cliProcess('compile', EXAMPLES[2]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/guarantee: descent/);
    const settle = cliProcess('settle', EXAMPLES[2], '--json');
    expect(settle.code, settle.err).toBe(0);
    expect(JSON.parse(settle.out).tStar).toHaveLength(5);
    const dir = join(tmp, 'sub');
    mkdirSync(dir, { recursive: true });
    const bad = cliProcess('validate', join(dir, 'missing.json'));
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
  });
});
