/**
 * Weights and settle results through real NumPy and PyTorch (/usr/bin/python3 in a child
 * process): exported arrays load in NumPy with the names and relations the README states,
 * arrays NumPy writes import into checkpoints the engine settles, and the energies the
 * engine reports are the ones NumPy and PyTorch compute from the exported weights and states.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.js';
import { bipartiteFile, convWithinFile, hopfieldFile } from './science-graphs.js';

const dir = mkdtempSync(join(tmpdir(), 'attractor-numpy-'));
const at = (name: string) => join(dir, name);

/** Runs Python in the test folder and parses the JSON it prints last. */
function python(code: string): unknown {
  const r = spawnSync('/usr/bin/python3', ['-c', code], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function ok(...argv: string[]): Promise<string> {
  const r = await cli(...argv);
  expect(r.code, r.err).toBe(0);
  return r.out;
}

/** Every kind of parameter the export names: a dense W, a symmetrised R, biases. */
const bipartite = bipartiteFile(dir, true);
const hopfield = hopfieldFile(dir);

describe('attractor weights export', () => {
  it('writes every parameter, and R.symmetric as the net uses it, for NumPy to load', async () => {
    const out = await ok('weights', 'export', bipartite, '--npz', at('fresh.npz'), '--json');
    expect(JSON.parse(out)).toMatchObject({ npz: at('fresh.npz'), weights: 'fresh weights (seed 0)' });
    const seen = python(`
import json, numpy as np
z = np.load('fresh.npz')
R, S = z['R'], z['R.symmetric']
made = (R + R.T) / 2
np.fill_diagonal(made, np.abs(np.diag(made)))  # selfConnections "nonnegative": |w| on the diagonal
print(json.dumps({'names': sorted(z.keys()), 'dtypes': sorted({str(z[k].dtype) for k in z}),
  'W': list(z['W'].shape), 'symmetric': float(np.abs(S - S.T).max()), 'fromFree': float(np.abs(S - made).max())}))`) as Record<string, unknown>;
    expect(seen).toEqual({ names: ['R', 'R.symmetric', 'W', 'h.b', 'v.b'], dtypes: ['float32'], W: [16, 6], symmetric: 0, fromFree: expect.any(Number) });
    expect(seen.fromFree as number).toBeLessThan(1e-6);
  });

  it('writes a checkpoint folder by its manifest names', async () => {
    await ok('weights', 'import', at('fresh.npz'), '--graph', bipartite, '--into', at('fresh-ck'));
    await ok('weights', 'export', at('fresh-ck'), '--npz', at('again.npz'));
    expect(python(`
import json, numpy as np
a, b = np.load('fresh.npz'), np.load('again.npz')
print(json.dumps({'names': sorted(b.keys()), 'same': all(np.array_equal(a[k], b[k]) for k in b)}))`)).toEqual({ names: ['R', 'W', 'h.b', 'v.b'], same: true });
  });
});

describe('weights written by NumPy, settled by the engine', () => {
  it("a conv-within's symmetrised kernel alone stands in for its free parameter", async () => {
    const conv = convWithinFile(dir);
    await ok('weights', 'export', conv, '--npz', at('conv.npz'));
    python(`
import numpy as np
z = np.load('conv.npz')
np.savez('conv-sym.npz', K=z['K'], **{'S.symmetric': z['S.symmetric']}, **{k: z[k] for k in z if k.endswith('.b')})
print('{}')`);
    await ok('weights', 'import', at('conv-sym.npz'), '--graph', conv, '--into', at('conv-ck'));
    const fresh = JSON.parse(await ok('settle', conv, '--json')) as { energyPerExample: number[][] };
    const imported = JSON.parse(await ok('settle', conv, '--json', '--weights', at('conv-ck'))) as { energyPerExample: number[][] };
    expect(imported.energyPerExample.length).toBe(fresh.energyPerExample.length);
    imported.energyPerExample.forEach((row, i) => row.forEach((e, b) => expect(Math.abs(e - fresh.energyPerExample[i][b])).toBeLessThan(1e-5 * Math.max(1, Math.abs(e)))));
  });

  it('float64 arrays re-saved by np.savez settle exactly as the weights they came from', async () => {
    python(`
import json, numpy as np
z = np.load('fresh.npz')
np.savez('from-numpy.npz', **{k: z[k].astype(np.float64) for k in z if k != 'R.symmetric'})
print('{}')`);
    await ok('weights', 'import', at('from-numpy.npz'), '--graph', bipartite, '--into', at('numpy-ck'));
    const fresh = JSON.parse(await ok('settle', bipartite, '--json')) as { energyPerExample: number[][] };
    const imported = JSON.parse(await ok('settle', bipartite, '--json', '--weights', at('numpy-ck'))) as { energyPerExample: number[][]; weights: string };
    expect(imported.weights).toBe(`weights from ${at('numpy-ck')} (batch 0)`);
    expect(imported.energyPerExample).toEqual(fresh.energyPerExample);
  });

  it('for a Hebbian matrix from NumPy, NumPy and PyTorch compute the energies the engine reports', async () => {
    python(`
import numpy as np
rng = np.random.default_rng(1)
P = rng.choice([-1.0, 1.0], size=(5, 100))
W = P.T @ P / 100
np.fill_diagonal(W, 0)
np.savez('hebb.npz', **{'W.symmetric': W})
print('{}')`);
    await ok('weights', 'import', at('hebb.npz'), '--graph', hopfield, '--into', at('hebb-ck'));
    const r = await cli('settle', hopfield, '--weights', at('hebb-ck'), '--json', '--states');
    expect(r.code, r.err).toBe(0);
    writeFileSync(at('settle.json'), r.out);
    const settled = JSON.parse(r.out) as { energyPerExample: number[][]; energyTerms: { term: string; kind: string; energy: number[] }[] };
    const engine = settled.energyPerExample.at(-1)!;
    // The README's PyTorch lines, as they are printed there.
    const computed = python(`
import json, numpy as np, torch
W = torch.from_numpy(np.load('hebb.npz')['W.symmetric']).float()
x = torch.tensor(json.load(open('settle.json'))['states']['units']['values'], dtype=torch.float32)
E = -0.5 * torch.einsum('bi,ij,bj->b', x, W, x)
z = np.load('hebb.npz')['W.symmetric']; xs = np.array(json.load(open('settle.json'))['states']['units']['values'])
print(json.dumps({'torch': E.tolist(), 'numpy': [float(-0.5 * v @ z @ v) for v in xs], 'units': sorted({float(v) for v in xs.ravel()})}))`) as { torch: number[]; numpy: number[]; units: number[] };
    expect(computed.units).toEqual([-1, 1]);
    for (const [b, e] of engine.entries()) {
      expect(Math.abs(computed.numpy[b] - e)).toBeLessThan(1e-5 * Math.abs(e));
      expect(Math.abs(computed.torch[b] - e)).toBeLessThan(1e-5 * Math.abs(e));
    }
    // No bias, no barrier on sign units: the coupling is the whole energy.
    expect(settled.energyTerms).toEqual([{ term: 'W', kind: 'coupling', energy: engine }]);
  });
});

describe('a graph that starts from a NumPy file', () => {
  it('settles and exports the array np.save wrote, as float32', async () => {
    python(`
import numpy as np
np.save('start.npy', np.linspace(-1, 1, 96).reshape(16, 6))
print('{}')`);
    const graph = JSON.parse(readFileSync(bipartite, 'utf8')) as { nodes: { id: string; params: Record<string, unknown> }[] };
    graph.nodes.find((n) => n.id === 'W')!.params.init = { kind: 'file', path: 'start.npy' };
    const file = at('from-file.attractor.json');
    writeFileSync(file, JSON.stringify(graph));
    expect(JSON.parse(await ok('weights', 'export', file, '--npz', at('from-file.npz'), '--json'))).toMatchObject({ weights: 'fresh weights (seed 0; "W" from its file)' });
    expect(python(`
import json, numpy as np
print(json.dumps(bool(np.array_equal(np.load('from-file.npz')['W'], np.load('start.npy').astype(np.float32)))))`)).toBe(true);
  });
});

describe('attractor weights import refuses what does not fit, naming it', () => {
  const refused = async (code: string, ...argv: string[]) => {
    python(`import numpy as np\n${code}\nprint('{}')`);
    const r = await cli('weights', 'import', ...argv);
    expect(r.code).toBe(2);
    return r.err;
  };

  it('an asymmetric matrix for a symmetric coupling', async () => {
    const err = await refused(`A = np.zeros((100, 100)); A[3, 7] = 1; np.savez('asym.npz', **{'W.symmetric': A})`, at('asym.npz'), '--graph', hopfield, '--into', at('x'));
    expect(err).toMatch(/asym\.npz does not fit the graph:\n {2}"W\.symmetric" is not a weight the coupling can use as it is: it is not symmetric \(W\[3, 7\] = 1 but W\[7, 3\] = 0\)/);
    expect(existsSync(at('x'))).toBe(false);
  });

  it('a diagonal the self-connections forbid', async () => {
    const err = await refused(`np.savez('diag.npz', **{'W.symmetric': np.eye(100) * 0.5})`, at('diag.npz'), '--graph', hopfield, '--into', at('x'));
    expect(err).toMatch(/"W\.symmetric" .*its diagonal W\[0, 0\] = 0\.5 does not fit the coupling's selfConnections/);
  });

  it('a free parameter and a symmetric matrix that disagree', async () => {
    const err = await refused(`A = np.ones((100, 100)); np.savez('both.npz', W=A, **{'W.symmetric': np.zeros((100, 100))})`, at('both.npz'), '--graph', hopfield, '--into', at('x'));
    expect(err).toMatch(/"W\.symmetric" is not what the coupling makes of "W"/);
  });

  it('wrong shapes, unknown names, missing parameters and non-finite values, all at once', async () => {
    const err = await refused(
      `np.savez('misfit.npz', W=np.zeros((16, 5)), R=np.full((6, 6), np.nan), extra=np.zeros(3))`,
      at('misfit.npz'),
      '--graph',
      bipartite,
      '--into',
      at('x'),
    );
    expect(err.split('\n')).toEqual([
      `attractor weights: ${at('misfit.npz')} does not fit the graph:`,
      '  "W" has shape [16, 5], but parameter "W" has shape [16, 6]',
      '  "R" holds NaN at index 0: weights must be finite',
      '  missing "v.b" (shape [16])',
      '  missing "h.b" (shape [6])',
      '  "extra" is not a parameter of this graph (it has "W", "R", "R.symmetric", "v.b", "h.b")',
    ]);
  });

  it('says how to use it: attractor weights --help, and the command list names it', async () => {
    const help = await ok('weights', '--help');
    expect(help).toMatch(/attractor weights export CHECKPOINT_DIR\|GRAPH_FILE --npz OUT\.npz/);
    expect(help).toMatch(/attractor weights import FILE\.npz --graph GRAPH_FILE/);
    expect(await ok('--help')).toMatch(/weights {4}export weights to NumPy \.npz/);
    const bare = await cli('weights');
    expect(bare.code).toBe(2);
    expect(bare.err).toMatch(/missing subcommand: expected export or import/);
  });

  it('a file that is not an .npz, and a folder that holds a checkpoint already', async () => {
    writeFileSync(at('plain.txt'), 'not numpy');
    expect((await cli('weights', 'import', at('plain.txt'), '--graph', hopfield, '--into', at('x'))).err).toMatch(/plain\.txt: not an \.npz file/);
    const r = await cli('weights', 'import', at('hebb.npz'), '--graph', hopfield, '--into', at('hebb-ck'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/hebb-ck already holds a checkpoint: pass --overwrite/);
    await ok('weights', 'import', at('hebb.npz'), '--graph', hopfield, '--into', at('hebb-ck'), '--overwrite');
  });
});
