/** Building small graph documents in tests, through the real validator. */
import { validateGraph } from '../../nodes/validate.js';
import { GRAPH_VERSION, type GraphDoc } from '../../nodes/graph.js';
import { problemLine } from '../../nodes/problems.js';

type Json = Record<string, unknown>;

export interface Parts {
  nodes: Json[];
  edges: Json[];
}

export const vector = (size: number) => ({ type: 'vector', size });
export const grid = (channels: number, height: number, width: number) => ({ type: 'grid', channels, height, width });

export function layer(id: string, shape: Json, params: Json = {}): Parts {
  return { nodes: [{ id, kind: 'layer', params: { shape, ...params } }], edges: [] };
}

const edge = (from: string, fromPort: string, to: string, toPort: string): Json => ({
  from: { node: from, port: fromPort },
  to: { node: to, port: toPort },
});

/** What a coupling reads: a layer's `state` by id, or another output (a view node's) spelled out. */
export type End = string | { node: string; port: string };
const from = (e: End, to: string, toPort: string): Json => (typeof e === 'string' ? edge(e, 'state', to, toPort) : edge(e.node, e.port, to, toPort));

export function between(kind: 'dense' | 'conv', id: string, lower: End, upper: End, params: Json = {}): Parts {
  return { nodes: [{ id, kind, params }], edges: [from(lower, id, 'lower'), from(upper, id, 'upper')] };
}

export function within(kind: 'dense-within' | 'conv-within', id: string, layerId: End, params: Json = {}): Parts {
  return { nodes: [{ id, kind, params }], edges: [from(layerId, id, 'layer')] };
}

/** A tokens layer and an unpatch node `${id}` showing it as a grid; couplings read it as `{ node: id, port: 'grid' }`. */
export function unpatched(id: string, layerId: string, tokens: number, dim: number, unpatch: Json, params: Json = {}): Parts {
  return {
    nodes: [
      { id: layerId, kind: 'layer', params: { shape: { type: 'tokens', tokens, dim }, ...params } },
      { id, kind: 'unpatch', params: unpatch },
    ],
    edges: [edge(layerId, 'state', id, 'tokens')],
  };
}

export function dataset(id: string, source: Json, params: Json = {}): Parts {
  return { nodes: [{ id, kind: 'dataset', params: { source, ...params } }], edges: [] };
}

export function clamp(id: string, layerId: string, datasetId: string, mask: Json, params: Json = {}, port = 'images'): Parts {
  return {
    nodes: [{ id, kind: 'clamp', params: { mask, ...params } }],
    edges: [edge(layerId, 'state', id, 'layer'), edge(datasetId, port, id, 'data')],
  };
}

export function target(id: string, layerId: string, datasetId: string, params: Json = {}, port = 'images'): Parts {
  return { nodes: [{ id, kind: 'target', params }], edges: [edge(layerId, 'state', id, 'layer'), edge(datasetId, port, id, 'data')] };
}

export function noise(id: string, layerId: string, params: Json = {}): Parts {
  return { nodes: [{ id, kind: 'noise', params }], edges: [edge(layerId, 'state', id, 'layer')] };
}

export function graphOf(parts: Parts[], settle: Json = {}, extra: Json = {}): GraphDoc {
  const doc = {
    format: 'attractor-graph',
    version: GRAPH_VERSION,
    name: 'test',
    nodes: parts.flatMap((p) => p.nodes),
    edges: parts.flatMap((p) => p.edges),
    settle,
    ...extra,
  };
  const v = validateGraph(doc);
  if (!v.ok) throw new Error(`test graph is invalid:\n${v.problems.map(problemLine).join('\n')}`);
  return v.graph;
}
