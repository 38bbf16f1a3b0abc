/**
 * The command line on graphs with blocks: `compile` lists the block instances and names
 * every layer, coupling and parameter by its path through them; `validate` counts them
 * and refuses a broken definition or instance with its path in the file; `settle` reports
 * the layers inside blocks by path.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.js';

const FILE = 'examples/deep-conv-blocks.attractor.json';
const tmp = mkdtempSync(join(tmpdir(), 'attractor-blocks-cli-'));

describe('attractor and blocks', () => {
  it('compile shows the blocks and the paths', async () => {
    const r = await cli('compile', FILE);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('blocks:\n  stage1  conv-stage "Conv stage"  3 nodes    kernel = 5\n  stage2  conv-stage "Conv stage"  3 nodes\n  stage3  conv-stage "Conv stage"  3 nodes    channels = 8\n');
    expect(r.out).toMatch(/^ {2}stage3\/maps {2}grid\[8×28×28\]/m);
    const json = JSON.parse((await cli('compile', FILE, '--json')).out) as { plan: { blocks: { path: string }[]; params: { name: string }[] } };
    expect(json.plan.blocks.map((b) => b.path)).toEqual(['stage1', 'stage2', 'stage3']);
    expect(json.plan.params.map((p) => p.name)).toContain('stage2/recur');
  });

  it('validate counts instances and definitions', async () => {
    const r = await cli('validate', FILE);
    expect(r.out).toBe(`${FILE}: ok — 7 nodes (3 block instances of 1 definition; 13 nodes flattened), 7 edges; chromatic schedule, guarantee fixed-point-or-2-cycle`);
  });

  it('validate refuses broken definitions and instances with their paths', async () => {
    const g = JSON.parse(readFileSync(FILE, 'utf8'));
    g.blocks[0].params[1].targets[0].param = 'kernal';
    g.nodes[2].params = { channels: 0 };
    const file = join(tmp, 'bad.attractor.json');
    writeFileSync(file, JSON.stringify(g));
    const r = await cli('validate', file);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toEqual([
      `attractor validate: ${file}: blocks[0].params[1].targets[0].param: conv node "conv" has no parameter "kernal" (did you mean "kernel"?) (block "conv-stage")`,
      `${file}: nodes[2].params.channels: expected an integer ≥ 1, got 0 (for maps.shape.channels in block "conv-stage") (node "stage2")`,
    ]);
  });

  it('settle names the layers inside blocks by path', async () => {
    const r = await cli('settle', FILE, '--batch', '2', '--steps', '3', '--backend', 'cpu');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^ {2}stage2\/maps +grid\[4×28×28\]/m);
  });

  it('weights export and import name the parameters inside blocks by path, through NumPy archives', async () => {
    const npz = join(tmp, 'blocks.npz');
    const out = await cli('weights', 'export', FILE, '--npz', npz, '--backend', 'cpu', '--json');
    expect(out.code, out.err).toBe(0);
    const arrays = (JSON.parse(out.out) as { arrays: { name: string; shape: number[] }[] }).arrays;
    expect(arrays).toEqual(expect.arrayContaining([{ name: 'stage1/conv', shape: [5, 5, 1, 4] }, { name: 'stage3/recur.symmetric', shape: [3, 3, 8, 8] }, { name: 'stage3/maps.b', shape: [8] }]));
    const back = await cli('weights', 'import', npz, '--graph', FILE, '--into', join(tmp, 'blocks-ck'), '--backend', 'cpu', '--json');
    expect(back.code, back.err).toBe(0);
    expect((JSON.parse(back.out) as { params: string[] }).params.sort()).toEqual(arrays.map((a) => a.name).filter((n) => !n.endsWith('.symmetric')).sort());
  });

  it('settle keeps the final-state columns aligned when a path is longer than the column', async () => {
    const r = await cli('settle', 'examples/attention-blocks.attractor.json', '--batch', '1', '--steps', '2', '--backend', 'cpu');
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    const rows = lines.slice(lines.indexOf('final state:') + 1).filter((l) => / mean /.test(l));
    expect(rows.map((l) => l.split(' ').filter(Boolean)[0])).toEqual(['visible', 'stage1/tokens', 'stage2/tokens']);
    expect(new Set(rows.map((l) => l.indexOf(' mean '))).size).toBe(1);
  });
});
