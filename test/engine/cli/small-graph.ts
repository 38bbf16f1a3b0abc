/** A small completion graph on random ±1 patterns, for CLI tests that train: well under a second per batch. */
export interface SmallGraphOptions {
  activation?: string;
  optimizer?: Record<string, unknown>;
  checkpointEvery?: number;
}

export function smallGraph(name: string, extra: SmallGraphOptions = {}): Record<string, unknown> {
  const act = extra.activation ?? 'tanh';
  return {
    format: 'attractor-graph',
    version: 1,
    name,
    nodes: [
      { id: 'v', kind: 'layer', params: { shape: { type: 'vector', size: 36 }, role: 'visible', activation: act } },
      { id: 'h', kind: 'layer', params: { shape: { type: 'vector', size: 12 }, activation: act } },
      { id: 'w', kind: 'dense', params: { init: { gain: 0.5 } } },
      { id: 'd', kind: 'dataset', params: { source: { kind: 'random-patterns', count: 200, size: 36 } } },
      { id: 'c', kind: 'clamp', params: { mask: { kind: 'top-half' } } },
      { id: 't', kind: 'target', params: {} },
    ],
    edges: [
      { from: { node: 'v', port: 'state' }, to: { node: 'w', port: 'lower' } },
      { from: { node: 'h', port: 'state' }, to: { node: 'w', port: 'upper' } },
      { from: { node: 'v', port: 'state' }, to: { node: 'c', port: 'layer' } },
      { from: { node: 'd', port: 'images' }, to: { node: 'c', port: 'data' } },
      { from: { node: 'v', port: 'state' }, to: { node: 't', port: 'layer' } },
      { from: { node: 'd', port: 'images' }, to: { node: 't', port: 'data' } },
    ],
    settle: { steps: 50, theta: 0.001 },
    training: { method: 'bptt', batch: 8, batches: 4, checkpointEvery: extra.checkpointEvery ?? 100, ...(extra.optimizer ? { optimizer: extra.optimizer } : {}) },
  };
}
