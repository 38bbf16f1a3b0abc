import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../engine/compile/compile.js';
import type { Plan } from '../../../engine/compile/plan.js';
import { InitFileError, loadInitFiles } from '../../../engine/data/init-files.js';
import { encodeNpy } from '../../../engine/format/npy.js';
import { encodeNpz } from '../../../engine/format/npz.js';
import { between, graphOf, grid, layer, vector, within } from '../../helpers/graphs.js';
import { validateGraph } from '../../../nodes/validate.js';
import { problemLine } from '../../../nodes/problems.js';

const root = mkdtempSync(join(tmpdir(), 'attractor-init-files-'));
/** A graph folder of its own, beside a folder it must not read from. */
const folder = join(root, 'graph');
mkdirSync(folder);
const outsideFile = join(root, 'secret.npy');
writeFileSync(outsideFile, encodeNpy({ shape: [3, 2], data: new Float32Array(6) }));

const W = Float32Array.from({ length: 6 }, (_, i) => i / 8 - 0.25);

function plan(init: Record<string, unknown>): Plan {
  const g = graphOf([layer('a', vector(3)), layer('b', vector(2)), between('dense', 'W', 'a', 'b', { init })]);
  const p = compileGraph(g).plan;
  if (!p) throw new Error('no plan');
  return p;
}

async function refused(init: Record<string, unknown>, pattern: RegExp): Promise<void> {
  const err = await loadInitFiles(plan(init), folder).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InitFileError);
  expect((err as Error).message).toMatch(/^node "W": params\.init: /);
  expect((err as Error).message).toMatch(pattern);
}

writeFileSync(join(folder, 'w.npy'), encodeNpy({ shape: [3, 2], data: W }));
writeFileSync(join(folder, 'wrong.npy'), encodeNpy({ shape: [2, 3], data: W }));
writeFileSync(join(folder, 'nan.npy'), encodeNpy({ shape: [3, 2], data: Float32Array.of(0, 0, NaN, 0, 0, 0) }));
writeFileSync(join(folder, 'one.npz'), encodeNpz([['only', { shape: [3, 2], data: W }]]));
writeFileSync(join(folder, 'many.npz'), encodeNpz([['W', { shape: [3, 2], data: W }], ['b', { shape: [2], data: new Float32Array(2) }]]));
writeFileSync(join(folder, 'junk.npy'), 'not numpy');
mkdirSync(join(folder, 'sub'));
writeFileSync(join(folder, 'sub', 'w.npy'), encodeNpy({ shape: [3, 2], data: W }));
symlinkSync(outsideFile, join(folder, 'link.npy'));
// NumPy's own bytes (test/fixtures/numpy/make.py): W is [2, 3] there, so it fits a 2 → 3 coupling.
copyFileSync('test/fixtures/numpy/two-compressed.npz', join(folder, 'numpy.npz'));

describe('initial weights from files', () => {
  it('reads an .npy, an .npz array by name, and the one array of an .npz', async () => {
    for (const init of [{ kind: 'file', path: 'w.npy' }, { kind: 'file', path: 'many.npz', array: 'W' }, { kind: 'file', path: 'one.npz' }, { kind: 'file', path: 'sub/w.npy' }]) {
      const values = await loadInitFiles(plan(init), folder);
      expect([...values.keys()], JSON.stringify(init)).toEqual(['W']);
      expect(values.get('W')).toEqual(W);
    }
  });

  it('reads what np.savez_compressed wrote', async () => {
    const g = graphOf([layer('a', vector(2)), layer('b', vector(3)), between('dense', 'W', 'a', 'b', { init: { kind: 'file', path: 'numpy.npz', array: 'W' } })]);
    const values = await loadInitFiles(compileGraph(g).plan!, folder);
    expect([...values.get('W')!]).toEqual([-0.5, -0.25, 0, 0.25, 0.5, 0.75]);
  });

  it('leaves the other parameters alone: only file inits are loaded', async () => {
    expect((await loadInitFiles(plan({ gain: 0.3 }), folder)).size).toBe(0);
  });

  it('checks the shape against the coupling, naming the node and both shapes', () =>
    refused({ kind: 'file', path: 'wrong.npy' }, /wrong\.npy holds shape \[2, 3\], but parameter "W" has shape \[3, 2\]/));

  it('refuses NaN and infinities', () => refused({ kind: 'file', path: 'nan.npy' }, /nan\.npy holds NaN at index 2: initial weights must be finite/));

  it('says which arrays an .npz holds when the name is missing or wrong', async () => {
    await refused({ kind: 'file', path: 'many.npz' }, /many\.npz holds 2 arrays \("W", "b"\): say which with "array"/);
    await refused({ kind: 'file', path: 'many.npz', array: 'V' }, /many\.npz has no array "V" \(it holds "W", "b"\)/);
    await refused({ kind: 'file', path: 'w.npy', array: 'W' }, /w\.npy is an \.npy file, which holds one array: leave out "array"/);
  });

  it('keeps to the graph folder: no "..", no absolute path elsewhere, no link out', async () => {
    await refused({ kind: 'file', path: '../secret.npy' }, /"\.\.\/secret\.npy" lies outside the graph's folder/);
    await refused({ kind: 'file', path: outsideFile }, /lies outside the graph's folder/);
    await refused({ kind: 'file', path: 'link.npy' }, /"link\.npy" leads outside the graph's folder .* through a symbolic link/);
  });

  it('names a missing or malformed file', async () => {
    await refused({ kind: 'file', path: 'none.npy' }, /none\.npy: file not found/);
    await refused({ kind: 'file', path: 'junk.npy' }, /junk\.npy: not a NumPy \.npy file/);
    await refused({ kind: 'file', path: 'sub' }, /sub: is a folder/);
  });
});

describe('the init parameter in a graph file', () => {
  const doc = (init: unknown) => ({ format: 'attractor-graph', version: 1, nodes: [{ id: 'a', kind: 'layer' }, { id: 'W', kind: 'dense-within', params: { init } }] });
  const lines = (init: unknown) => {
    const r = validateGraph(doc(init));
    return r.ok ? [] : r.problems.map(problemLine);
  };

  it('keeps files without "kind" valid: random is the default', () => {
    const r = validateGraph(doc({ gain: 0.3 }));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.graph.nodes[1].params).toMatchObject({ init: { kind: 'random', gain: 0.3, distribution: 'normal' } });
  });

  it('names the path of a file init that is incomplete or wrong', () => {
    expect(lines({ kind: 'file' })[0]).toMatch(/^nodes\[1\]\.params\.init\.path: expected the path of an \.npy or \.npz file/);
    expect(lines({ kind: 'file', path: 'w.npy', gain: 2 })[0]).toMatch(/^nodes\[1\]\.params\.init\.gain: unknown field "gain"/);
    expect(lines({ kind: 'checkpoint' })[0]).toMatch(/^nodes\[1\]\.params\.init\.kind: expected an init with kind "random" \(gain, distribution\) or "file" \(path, array\), got "checkpoint"/);
  });

  it('accepts a file init on every kind with free weights', () => {
    const g = graphOf([
      layer('a', grid(1, 4, 4)),
      layer('b', grid(2, 4, 4)),
      between('conv', 'K', 'a', 'b', { kernel: 3, init: { kind: 'file', path: 'k.npy' } }),
      within('conv-within', 'S', 'b', { kernel: 3, init: { kind: 'file', path: 's.npz', array: 'S' } }),
      within('dense-within', 'D', 'a', { init: { kind: 'file', path: 'd.npy' } }),
    ]);
    const p = compileGraph(g).plan!;
    expect(p.params.filter((q) => 'fromFile' in q.init).map((q) => [q.name, q.init])).toEqual([
      ['K', { fromFile: { path: 'k.npy' } }],
      ['S', { fromFile: { path: 's.npz', array: 'S' } }],
      ['D', { fromFile: { path: 'd.npy' } }],
    ]);
  });
});
