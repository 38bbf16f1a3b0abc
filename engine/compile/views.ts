/**
 * How couplings reach a layer through a view node: `patches` shows a grid to attention
 * blocks as p×p patch tokens, `unpatch` shows a token layer to grid couplings as the grid
 * its patch tokens tile. Both are fixed permutations of the layer's units, so a coupling
 * through a view keeps its symmetry and its energy; the compiler records the view on the
 * coupling and the runtime moves values through it on the way in and back on the way out.
 */
import { describeShape } from '../../nodes/shapes.js';
import type { GraphNode, NodeOfKind } from '../../nodes/graph.js';
import type { GraphIndex } from './graph-index.js';
import type { GridView, PatchView } from './plan-parts.js';

type LayerNode = NodeOfKind<'layer'>;

/** A layer as a grid: its own shape, or a token layer through an unpatch node (`view`). */
export interface GridInput {
  readonly node: LayerNode;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly view?: GridView;
}

/** Every unpatch node that fits its token layer, by id; the ones that do not are reported once, here. */
export type Unpatches = ReadonlyMap<string, GridInput>;

export function resolveUnpatches(ix: GraphIndex): Unpatches {
  const out = new Map<string, GridInput>();
  const fed = new Set(ix.graph.edges.map((e) => e.from.node));
  for (const put of ix.nodesOf('unpatch')) {
    if (!fed.has(put.id)) ix.warn(put.id, 'unpatch feeds nothing');
    const feed = ix.single(put, 'tokens', 'layer');
    if (!feed) continue;
    const shape = feed.node.params.shape;
    const from = `layer "${feed.node.id}"`;
    if (shape.type !== 'tokens') {
      ix.error(put.id, `expected a tokens layer, got ${describeShape(shape)} from ${from}`, 'tokens');
      continue;
    }
    const side = Math.round(Math.sqrt(shape.tokens));
    if (side * side !== shape.tokens) {
      ix.error(put.id, `expected a square number of tokens (n² patches tile an n×n grid), got ${shape.tokens} from ${from}`, 'tokens');
      continue;
    }
    const { size: patch, channels } = put.params;
    if (shape.dim !== patch * patch * channels) {
      ix.error(
        put.id,
        `expected tokens of size·size·channels = ${patch}·${patch}·${channels} = ${patch * patch * channels} features, got ${shape.dim} from ${from}`,
        'tokens',
        ['params', 'size'],
      );
      continue;
    }
    const grid = { height: side * patch, width: side * patch, channels };
    out.set(put.id, { node: feed.node, ...grid, view: { patch, ...grid } });
  }
  return out;
}

/** The grid layer on a port: a grid layer wired directly, or a token layer through an unpatch node. */
export function gridInput(ix: GraphIndex, unpatches: Unpatches, node: GraphNode, port: string): GridInput | undefined {
  const feeds = ix.feedsOf(node.id, port);
  // A misfitting unpatch was reported on its own node; repeating it for every reader adds nothing.
  if (feeds.length === 1 && feeds[0].node.kind === 'unpatch') return unpatches.get(feeds[0].node.id);
  const feed = ix.single(node, port, 'layer');
  if (!feed) return undefined;
  const shape = feed.node.params.shape;
  if (shape.type !== 'grid') {
    ix.error(node.id, `expected a grid layer, got ${describeShape(shape)} from layer "${feed.node.id}"`, port);
    return undefined;
  }
  return { node: feed.node, height: shape.height, width: shape.width, channels: shape.channels };
}

/**
 * The layer an attention block acts on, as tokens: wired directly, or through a patches
 * node that cuts a grid (itself perhaps a token layer put back by an unpatch node) into
 * p×p patch tokens.
 */
export function tokenInput(
  ix: GraphIndex,
  unpatches: Unpatches,
  node: GraphNode,
): { node: LayerNode; tokens: number; dim: number; view?: PatchView } | undefined {
  const feeds = ix.feedsOf(node.id, 'layer');
  if (feeds.length === 1 && feeds[0].node.kind === 'patches') {
    const cut = feeds[0].node;
    const grid = gridInput(ix, unpatches, cut, 'grid');
    if (!grid) return undefined;
    const { height, width, channels } = grid;
    const patch = cut.params.size;
    if (height % patch !== 0 || width % patch !== 0) {
      ix.error(cut.id, `expected a patch size dividing the ${height}×${width} grid of layer "${grid.node.id}", got ${patch}`, undefined, ['params', 'size']);
      return undefined;
    }
    const view: PatchView = { patch, height, width, channels, ...(grid.view ? { unpatch: grid.view } : {}) };
    return { node: grid.node, tokens: (height / patch) * (width / patch), dim: patch * patch * channels, view };
  }
  const layer = ix.single(node, 'layer', 'layer');
  if (!layer) return undefined;
  return { node: layer.node, ...tokenView(layer.node.params.shape) };
}

/** A layer as tokens × features: tokens layers as they are, a vector as one token, a grid as one token per pixel. */
export function tokenView(shape: LayerNode['params']['shape']): { tokens: number; dim: number } {
  switch (shape.type) {
    case 'tokens':
      return { tokens: shape.tokens, dim: shape.dim };
    case 'vector':
      return { tokens: 1, dim: shape.size };
    case 'grid':
      return { tokens: shape.height * shape.width, dim: shape.channels };
  }
}
