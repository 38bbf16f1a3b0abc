/** Connection rules with real catalog kinds: the socket rules of nodes/sockets.ts plus the canvas's own. */
import { describe, expect, it } from 'vitest';
import { checkConnection, outputEnd, type EdgeRef, type NodeFacts } from '../../../app/renderer/src/editor/sockets.js';
import { canConnect } from '../../../nodes/sockets.js';
import { findKind } from '../../../nodes/catalog.js';

const nodes: Record<string, NodeFacts> = {
  v: { kind: 'layer', params: { shape: { type: 'vector', size: 10 } } },
  g: { kind: 'layer', params: { shape: { type: 'grid', channels: 1, height: 28, width: 28 } } },
  t: { kind: 'layer', params: { shape: { type: 'tokens', tokens: 16, dim: 49 } } },
  plain: { kind: 'layer', params: {} },
  broken: { kind: 'layer', params: { shape: { type: 'sphere' } } },
  p: { kind: 'patches', params: {} },
  u: { kind: 'unpatch', params: {} },
  d: { kind: 'dataset', params: {} },
  dense: { kind: 'dense', params: {} },
  conv: { kind: 'conv', params: {} },
  attn: { kind: 'self-attention', params: {} },
  clamp: { kind: 'clamp', params: {} },
};
const nodeOf = (id: string) => nodes[id];
const check = (from: string, to: string, edges: EdgeRef[] = []) => {
  const [fn, fp] = from.split('.');
  const [tn, tp] = to.split('.');
  return checkConnection(nodeOf, edges, { node: fn, port: fp }, { node: tn, port: tp });
};
const edge = (from: string, to: string): EdgeRef => {
  const [fn, fp] = from.split('.');
  const [tn, tp] = to.split('.');
  return { from: { node: fn, port: fp }, to: { node: tn, port: tp } };
};

describe('outputEnd', () => {
  it('reads a layer output shape from the params, defaulting to a vector', () => {
    expect(outputEnd(nodes.g, 'state')).toEqual({ socket: 'layer', shape: 'grid' });
    expect(outputEnd(nodes.t, 'state')).toEqual({ socket: 'layer', shape: 'tokens' });
    expect(outputEnd(nodes.plain, 'state')).toEqual({ socket: 'layer', shape: 'vector' });
    expect(outputEnd(nodes.broken, 'state')).toEqual({ socket: 'layer' });
  });

  it('knows the view nodes: patches give tokens, unpatch gives a grid', () => {
    expect(outputEnd(nodes.p, 'tokens')).toEqual({ socket: 'layer', shape: 'tokens' });
    expect(outputEnd(nodes.u, 'grid')).toEqual({ socket: 'layer', shape: 'grid' });
  });

  it('gives data outputs as data, and nothing for unknown ports', () => {
    expect(outputEnd(nodes.d, 'images')).toEqual({ socket: 'data' });
    expect(outputEnd(nodes.d, 'nope')).toBeUndefined();
    expect(outputEnd(nodes.dense, 'lower')).toBeUndefined();
  });
});

describe('checkConnection', () => {
  it('accepts what the socket rules accept', () => {
    expect(check('v.state', 'dense.lower')).toEqual({ ok: true });
    expect(check('g.state', 'conv.lower')).toEqual({ ok: true });
    expect(check('g.state', 'p.grid')).toEqual({ ok: true });
    expect(check('p.tokens', 'attn.layer')).toEqual({ ok: true });
    expect(check('u.grid', 'conv.upper')).toEqual({ ok: true });
    expect(check('d.images', 'clamp.data')).toEqual({ ok: true });
    expect(check('broken.state', 'conv.lower')).toEqual({ ok: true }); // unknown shape: the validator will say
  });

  it('refuses with the reason nodes/sockets.ts gives', () => {
    const conv = findKind('conv')!.inputs[0];
    expect(check('v.state', 'conv.lower')).toEqual(canConnect({ socket: 'layer', shape: 'vector' }, conv));
    expect(check('p.tokens', 'conv.lower')).toEqual({ ok: false, reason: 'input "lower" takes grid layers, not a tokens layer' });
    expect(check('d.images', 'dense.lower')).toEqual({ ok: false, reason: 'a data output cannot feed the layer input "lower"' });
    expect(check('v.state', 'clamp.data')).toEqual({ ok: false, reason: 'a layer output cannot feed the data input "data"' });
  });

  it('refuses self-loops, duplicates and a second wire into an input', () => {
    expect(check('v.state', 'v.state')).toMatchObject({ ok: false, reason: 'a node cannot be connected to itself' });
    const edges = [edge('v.state', 'dense.lower')];
    expect(check('v.state', 'dense.lower', edges)).toEqual({ ok: false, reason: '"v" is already connected to input "lower" of "dense"' });
    expect(check('g.state', 'dense.lower', edges)).toEqual({
      ok: false,
      reason: 'input "lower" of "dense" already takes "v": an input takes one connection (remove that one first)',
    });
    expect(check('v.state', 'dense.upper', edges)).toEqual({ ok: true });
  });

  it('refuses ports and nodes that do not exist', () => {
    expect(check('v.nope', 'dense.lower')).toMatchObject({ ok: false, reason: 'layer node "v" has no output "nope"' });
    expect(check('v.state', 'dense.nope')).toMatchObject({ ok: false, reason: 'dense node "dense" has no input "nope"' });
    expect(check('ghost.state', 'dense.lower')).toMatchObject({ ok: false, reason: 'no node "ghost"' });
  });
});
