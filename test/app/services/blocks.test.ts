/**
 * `blocks.openText`: a block library picked in the UI, read and checked by the host
 * through the same dispatch as every request; the examples gallery lists the block examples.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../app/services/index.js';
import { blockLibrary } from '../../../nodes/block-library.js';
import { validateGraph } from '../../../nodes/validate.js';
import { electronServices, exampleGraph, tempFolder } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempFolder()));
afterEach(() => cleanup());

describe('block libraries through the services', () => {
  it('reads a library into its definitions', async () => {
    const checked = validateGraph(await exampleGraph('deep-conv-blocks'));
    if (!checked.ok) throw new Error('the example does not validate');
    const text = JSON.stringify(blockLibrary(checked.graph.blocks, ['conv-stage']));
    const r = await dispatch(electronServices(dir).handlers, 'blocks.openText', { name: 'stages.blocks.json', text });
    expect(r).toEqual({ ok: true, value: { ok: true, name: 'stages.blocks.json', blocks: checked.graph.blocks } });
  });

  it('refuses a broken one with its problems, naming the file', async () => {
    const r = await dispatch(electronServices(dir).handlers, 'blocks.openText', { name: 'x.blocks.json', text: '{"format": "attractor-blocks", "version": 1, "blocks": [{"id": "b", "nodes": [{"id": "k", "kind": "conv", "params": {"kernel": 2}}]}]}' });
    expect(r).toEqual({
      ok: true,
      value: {
        ok: false,
        source: 'x.blocks.json',
        problems: [{ severity: 'error', path: ['blocks', 0, 'nodes', 0, 'params', 'kernel'], nodeId: 'k', message: 'expected an odd integer ≥ 1, got 2' }],
      },
    });
  });

  it('the gallery offers the block examples', async () => {
    const r = await dispatch(electronServices(dir).handlers, 'examples.list', {});
    const ids = r.ok ? (r.value as { id: string }[]).map((e) => e.id) : [];
    expect(ids).toEqual(expect.arrayContaining(['deep-conv-blocks', 'attention-blocks']));
  });
});
