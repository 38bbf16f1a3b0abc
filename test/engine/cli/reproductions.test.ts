/**
 * The reproductions of issue 17 ("Bad input and hostile clients") through the CLI as a
 * user runs it: each ends with exit 2 and one line that names what and where, never an
 * internal error or a stack trace. (The limits themselves are tested at compile time in
 * test/engine/compile/limits.test.ts; the web host's side in test/app/web.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GraphDoc } from '../../../nodes/graph.js';
import { cli, type CliResult } from '../../helpers/cli.js';
import { backendMemoryBytes, ensureRunFits } from '../../../engine/run/memory-check.js';
import { compileGraph } from '../../../engine/compile/compile.js';
import { RunInputError } from '../../../engine/run/input-error.js';
import { clamp, dataset, graphOf, grid, layer, vector, within } from '../../helpers/graphs.js';

const tmp = mkdtempSync(join(tmpdir(), 'attractor-repro-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, g: GraphDoc | string): string {
  const f = join(tmp, `${name}.attractor.json`);
  writeFileSync(f, typeof g === 'string' ? g : JSON.stringify(g));
  return f;
}

/** Exit 2 and exactly one line matching `line`, for each of the commands. */
async function refusedEverywhere(f: string, line: RegExp, commands = ['validate', 'compile', 'settle']): Promise<void> {
  for (const c of commands) {
    const r: CliResult = await cli(c, f, ...(c === 'settle' ? ['--no-record'] : []));
    const err = r.err.replace(/^attractor \w+: /, '');
    expect(r.code, `${c}: ${r.err}`).toBe(2);
    expect(r.err).not.toMatch(/internal error|\n\s+at |RangeError|Invalid typed array length/);
    expect(err.split('\n').some((l) => line.test(l)), `${c}: ${r.err}`).toBe(true);
  }
}

const hopfield = (extra: Parameters<typeof graphOf>[1] = {}) =>
  graphOf([layer('v', vector(16), { role: 'visible' }), within('dense-within', 'W', 'v'), dataset('patterns', { kind: 'random-patterns', count: 20, size: 16 }), clamp('c', 'v', 'patterns', { kind: 'top-half' })], extra);

describe('issue 17 reproductions, through the CLI', () => {
  it('a hidden layer of 2³¹ units: refused on its shape by validate, compile and settle (was: settle died in Network.create)', async () => {
    const g = hopfield();
    g.nodes.push({ id: 'h', kind: 'layer', params: { shape: { type: 'vector', size: 2 ** 31 } } } as GraphDoc['nodes'][number]);
    await refusedEverywhere(file('huge-layer', g), /^.*nodes\[\d+\]\.params\.shape: layer has 2,147,483,648 units .*the limit is 16,777,216 units per layer \(node "h"\)$/);
  });

  it('settle batch 2³²: refused on settle.batch (was: RangeError in pickExamples)', async () => {
    await refusedEverywhere(file('huge-batch', hopfield({ batch: 2 ** 32 })), /settle\.batch: expected a batch of at most 4,096 examples, got 4,294,967,296/);
  });

  it('a graph within every single limit whose run would not fit the backend: refused before the first tensor, naming the largest part', async () => {
    // 2048×2048 grid, 64 examples: each tensor is within the limit, the run's states together are not (wasm holds 4 GiB).
    const g = graphOf([layer('g', grid(1, 2048, 2048), { role: 'visible' }), within('conv-within', 'K', 'g', { kernel: 3 })], { batch: 64, steps: 1 });
    expect(compileGraph(g).plan).toBeDefined();
    const r = await cli('settle', file('too-much-memory', g), '--backend', 'wasm', '--no-record');
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/^attractor settle: settling 64 examples together would need about [\d.]+ GiB, more than the wasm backend can hold \([\d.]+ GiB\); largest: the state of layer "g" \(grid\[1×2048×2048\]\) for 64 examples: [\d.]+ GiB \(node "g", params\.shape\)\. Use fewer examples together or smaller layers$/);
  });

  it("a memory of more patterns than its dataset has (and of 2³²): the user's mistake, on the memory node, not an internal error", async () => {
    const g = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'examples', 'hopfield-retrieval.attractor.json'), 'utf8')) as GraphDoc;
    const memory = g.nodes.find((n) => n.id === 'memory')!.params as Record<string, unknown>;
    memory.patterns = 100;
    const r = await cli('settle', file('few-patterns', g), '--no-record');
    expect(r.code, r.err).toBe(2);
    expect(r.err).not.toMatch(/internal error/);
    expect(r.err).toMatch(/: nodes\[1\]\.params\.patterns: stores 100 patterns taken from dataset "patterns", which has 20 examples \(node "memory"\)$/);
    memory.patterns = 2 ** 32;
    await refusedEverywhere(file('huge-memory', g), /parameter "memory" \[4,294,967,296×64\] would hold .* \(node "memory"\)$/);
  });

  it('self-attention over 100,000 tokens: refused on the mask of the block (was: RangeError in maskMatrix)', async () => {
    const g = graphOf([layer('x', { type: 'tokens', tokens: 100_000, dim: 8 }), { nodes: [{ id: 'attend', kind: 'self-attention', params: {} }], edges: [{ from: { node: 'x', port: 'state' }, to: { node: 'attend', port: 'layer' } }] }]);
    await refusedEverywhere(file('long-attention', g), /nodes\[1\]\.params\.mask: .*100000×100000 attention mask would hold 10,000,000,000 values.* \(node "attend"\)$/);
  });

  it('a CSV dataset at /dev/zero: refused before a byte is read (was: memory grew 160 MB/s until killed)', async () => {
    const g = hopfield();
    (g.nodes.find((n) => n.id === 'patterns')!.params as Record<string, unknown>).source = { kind: 'csv', path: '/dev/zero' };
    const r = await cli('settle', file('dev-zero', g), '--no-record');
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/nodes\[\d+\]\.params\.source: \/dev\/zero: is not a regular file \(a device, a pipe or a socket\), expected a CSV file \(node "patterns"\)$/);
  });

  it('a port name with terminal escapes and a NUL is printed escaped, never obeyed', async () => {
    const g = hopfield();
    g.edges[0] = { ...g.edges[0], to: { ...g.edges[0].to, port: '\u001b]0;owned\u0007\u001b[2J\u0000' } };
    const r = await cli('validate', file('escapes', g));
    expect(r.code).toBe(2);
    // eslint-disable-next-line no-control-regex -- control characters are what must not appear
    expect(r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(r.err).toContain('\\u001b]0;owned\\u0007\\u001b[2J\\u0000');
  });

  it('the memory a backend has: wasm at most 4 GiB, none more than most of the machine', () => {
    expect(backendMemoryBytes('wasm', 64 * 2 ** 30)).toBe(2 ** 32);
    expect(backendMemoryBytes('cpu', 10 * 2 ** 30)).toBe(8 * 2 ** 30);
    const plan = compileGraph(hopfield()).plan!;
    expect(() => ensureRunFits(plan, { batch: 8 }, 'cpu', 'settling 8 examples together', 1024)).toThrow(RunInputError);
    expect(() => ensureRunFits(plan, { batch: 8 }, 'cpu', 'settling 8 examples together', 2 ** 30)).not.toThrow();
  });
});
