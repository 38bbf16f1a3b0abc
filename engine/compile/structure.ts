/**
 * Shape inference: resolve every coupling, clamp, target and noise node to the layers
 * it touches, check their shapes, and name the free parameters.
 * Every problem names the node and the port and says what was expected.
 */
import { describeShape, stateDims, unitCount } from '../../nodes/shapes.js';
import type { GraphNode, NodeOfKind } from '../../nodes/graph.js';
import type { ClampMask } from '../../nodes/kinds/clamp.js';
import type { GraphIndex } from './graph-index.js';
import type {
  ClampSpec,
  CouplingSpec,
  DataRef,
  DatasetSpec,
  LayerSpec,
  NoiseSpec,
  ParamSpec,
  TargetSpec,
  WeightInit,
} from './plan.js';
import { gridInput, resolveUnpatches, tokenInput, tokenView, type Unpatches } from './views.js';

export { tokenView };

export interface Structure {
  layers: LayerSpec[];
  couplings: CouplingSpec[];
  params: ParamSpec[];
  clamps: ClampSpec[];
  targets: TargetSpec[];
  noise: NoiseSpec[];
  datasets: DatasetSpec[];
}

type LayerNode = NodeOfKind<'layer'>;

export function inferStructure(ix: GraphIndex): Structure {
  const layerNodes = ix.nodesOf('layer');
  const clamps = resolveClamps(ix);
  const unpatches = resolveUnpatches(ix);
  const couplings: CouplingSpec[] = [];
  const params: ParamSpec[] = [];

  for (const node of ix.graph.nodes) {
    const spec = resolveCoupling(ix, unpatches, node, params);
    if (spec) couplings.push(spec);
  }

  const layers: LayerSpec[] = [];
  for (const node of layerNodes) {
    const { shape, activation } = node.params;
    let softmaxGroup = shape.type === 'vector' ? shape.size : shape.type === 'grid' ? shape.channels : shape.dim;
    if (node.params.softmaxGroup !== undefined) {
      if (shape.type !== 'vector') {
        ix.error(node.id, 'softmaxGroup applies to vector layers (grids group over channels, tokens over features)', undefined, ['params', 'softmaxGroup']);
      } else if (shape.size % node.params.softmaxGroup !== 0) {
        ix.error(node.id, `expected softmaxGroup to divide the layer size ${shape.size}, got ${node.params.softmaxGroup}`, undefined, ['params', 'softmaxGroup']);
      } else softmaxGroup = node.params.softmaxGroup;
    }
    const fullyClamped = clamps.some((c) => c.layer === node.id && c.hold && c.mask.kind === 'whole');
    layers.push({
      id: node.id,
      shape,
      dims: stateDims(shape),
      units: unitCount(shape),
      activation,
      softmaxGroup,
      bias: node.params.bias,
      biasInit: node.params.biasInit,
      role: node.params.role,
      fullyClamped,
    });
    if (node.params.bias) {
      params.push({ name: `${node.id}.b`, owner: node.id, shape: [biasLength(shape)], init: { constant: node.params.biasInit } });
    }
    if (!couplings.some((c) => touches(c, node.id))) ix.warn(node.id, 'layer has no couplings: it only follows its bias');
  }

  return {
    layers,
    couplings,
    params,
    clamps,
    targets: resolveTargets(ix, clamps),
    noise: resolveNoise(ix),
    datasets: ix.nodesOf('dataset').map((n) => {
      if (ix.graph.edges.every((e) => e.from.node !== n.id)) ix.warn(n.id, 'dataset feeds nothing');
      return { id: n.id, params: n.params };
    }),
  };
}

/** Bias length: per unit on vectors, per channel on grids, per feature on tokens (broadcast over the last axis). */
function biasLength(shape: LayerNode['params']['shape']): number {
  return shape.type === 'vector' ? shape.size : shape.type === 'grid' ? shape.channels : shape.dim;
}

export function touches(c: CouplingSpec, layer: string): boolean {
  if (c.kind === 'cross-attention') return c.queries === layer || c.keys === layer;
  return 'layer' in c ? c.layer === layer : c.lower === layer || c.upper === layer;
}

function glorot(init: { gain: number; distribution: WeightInit['distribution'] }, fanIn: number, fanOut: number): WeightInit {
  return { gain: init.gain, distribution: init.distribution, fanIn, fanOut };
}

function resolveCoupling(ix: GraphIndex, unpatches: Unpatches, node: GraphNode, params: ParamSpec[]): CouplingSpec | undefined {
  // A coupling's free parameter is named by its node id (ids cannot contain "."; biases are `layer.b`).
  const param = node.id;
  switch (node.kind) {
    case 'dense': {
      const lower = ix.single(node, 'lower', 'layer');
      const upper = ix.single(node, 'upper', 'layer');
      if (!lower || !upper) return undefined;
      if (lower.node.id === upper.node.id) {
        ix.error(node.id, `both ends connect to layer "${lower.node.id}"; couple a layer to itself with a dense-within node`, 'upper');
        return undefined;
      }
      const nL = unitCount(lower.node.params.shape);
      const nU = unitCount(upper.node.params.shape);
      params.push({ name: param, owner: node.id, shape: [nL, nU], init: glorot(node.params.init, nL, nU) });
      return { id: node.id, kind: 'dense', param, lower: lower.node.id, upper: upper.node.id };
    }
    case 'dense-within': {
      const layer = ix.single(node, 'layer', 'layer');
      if (!layer) return undefined;
      const n = unitCount(layer.node.params.shape);
      params.push({ name: param, owner: node.id, shape: [n, n], init: glorot(node.params.init, n, n) });
      return { id: node.id, kind: 'dense-within', param, layer: layer.node.id, selfConnections: node.params.selfConnections };
    }
    case 'conv': {
      const lower = gridInput(ix, unpatches, node, 'lower');
      const upper = gridInput(ix, unpatches, node, 'upper');
      if (!lower || !upper) return undefined;
      if (lower.node.id === upper.node.id) {
        ix.error(node.id, `both ends connect to layer "${lower.node.id}"; couple a grid to itself with a conv-within node`, 'upper');
        return undefined;
      }
      if (lower.height !== upper.height || lower.width !== upper.width) {
        ix.error(
          node.id,
          `expected layers of equal height and width (stride 1, "same" padding), got lower "${lower.node.id}" ${lower.height}×${lower.width} and upper "${upper.node.id}" ${upper.height}×${upper.width}`,
          'upper',
        );
        return undefined;
      }
      const k = node.params.kernel;
      kernelFits(ix, node.id, k, lower.height, lower.width);
      // tfjs filter layout [k, k, in, out]: up reads the lower layer's channels.
      params.push({
        name: param,
        owner: node.id,
        shape: [k, k, lower.channels, upper.channels],
        init: glorot(node.params.init, lower.channels * k * k, upper.channels * k * k),
      });
      return {
        id: node.id,
        kind: 'conv',
        param,
        lower: lower.node.id,
        upper: upper.node.id,
        kernel: k,
        ...(lower.view ? { lowerView: lower.view } : {}),
        ...(upper.view ? { upperView: upper.view } : {}),
      };
    }
    case 'conv-within': {
      const layer = gridInput(ix, unpatches, node, 'layer');
      if (!layer) return undefined;
      const { channels, height, width, view } = layer;
      const k = node.params.kernel;
      kernelFits(ix, node.id, k, height, width);
      const fan = channels * k * k;
      params.push({ name: param, owner: node.id, shape: [k, k, channels, channels], init: glorot(node.params.init, fan, fan) });
      return { id: node.id, kind: 'conv-within', param, layer: layer.node.id, kernel: k, selfConnections: node.params.selfConnections, ...(view ? { view } : {}) };
    }
    case 'self-attention': {
      const layer = tokenInput(ix, unpatches, node);
      if (!layer) return undefined;
      const { tokens, dim, view } = layer;
      const { heads, keyDim, beta, step, mask, gain } = node.params;
      const pos = node.params.positional;
      const positional = pos.encoding === 'none' ? undefined : { encoding: pos.encoding, combine: pos.combine, dim: pos.combine === 'add' ? dim : pos.dim };
      const inDim = positional?.combine === 'concat' ? dim + positional.dim : dim;
      if (mask.kind === 'local-global' && mask.global > tokens) {
        ix.error(node.id, `expected at most ${tokens} global tokens (layer "${layer.node.id}" has ${tokens}), got ${mask.global}`, undefined, ['params', 'mask', 'global']);
        return undefined;
      }
      const init = { gain, distribution: 'normal' as const };
      params.push({ name: `${node.id}.q`, owner: node.id, shape: [inDim, heads * keyDim], init: glorot(init, inDim, keyDim) });
      params.push({ name: `${node.id}.k`, owner: node.id, shape: [inDim, heads * keyDim], init: glorot(init, inDim, keyDim) });
      const posParam = positional?.encoding === 'learned' ? `${node.id}.pos` : undefined;
      if (posParam && positional) params.push({ name: posParam, owner: node.id, shape: [tokens, positional.dim], init: glorot({ gain: 1, distribution: 'normal' }, tokens, positional.dim) });
      return {
        id: node.id,
        kind: 'self-attention',
        param: `${node.id}.q`,
        keyParam: `${node.id}.k`,
        layer: layer.node.id,
        tokens,
        dim,
        heads,
        keyDim,
        beta,
        step,
        mask,
        ...(view ? { view } : {}),
        ...(positional ? { positional } : {}),
        ...(posParam ? { posParam } : {}),
      };
    }
    case 'cross-attention': {
      const q = ix.single(node, 'queries', 'layer');
      const k = ix.single(node, 'keys', 'layer');
      if (!q || !k) return undefined;
      if (q.node.id === k.node.id) {
        ix.error(node.id, `both ends connect to layer "${q.node.id}"; a layer attending to itself is a self-attention node`, 'keys');
        return undefined;
      }
      const qv = tokenView(q.node.params.shape);
      const kv = tokenView(k.node.params.shape);
      const { heads, keyDim, beta, mask, gain } = node.params;
      if (mask.kind !== 'full' && qv.tokens !== kv.tokens) {
        ix.error(node.id, `a "${mask.kind}" mask pairs token i with token j, so it needs equal lengths; got ${qv.tokens} queries and ${kv.tokens} keys`, undefined, ['params', 'mask', 'kind']);
        return undefined;
      }
      const init = { gain, distribution: 'normal' as const };
      params.push({ name: `${node.id}.q`, owner: node.id, shape: [qv.dim, heads * keyDim], init: glorot(init, qv.dim, keyDim) });
      params.push({ name: `${node.id}.k`, owner: node.id, shape: [kv.dim, heads * keyDim], init: glorot(init, kv.dim, keyDim) });
      return {
        id: node.id,
        kind: 'cross-attention',
        param: `${node.id}.q`,
        keyParam: `${node.id}.k`,
        queries: q.node.id,
        keys: k.node.id,
        queryTokens: qv.tokens,
        queryDim: qv.dim,
        keyTokens: kv.tokens,
        keyDim: kv.dim,
        headDim: keyDim,
        heads,
        beta,
        mask,
      };
    }
    case 'hopfield-memory': {
      const layer = tokenInput(ix, unpatches, node);
      if (!layer) return undefined;
      const { tokens, dim, view } = layer;
      const { patterns, beta, source, gain } = node.params;
      if (source === 'dataset') {
        const feed = ix.single(node, 'patterns', 'dataset');
        if (!feed) return undefined;
        params.push({ name: param, owner: node.id, shape: [patterns, dim], init: { fromData: { dataset: feed.node.id, port: 'images' }, rows: patterns }, trainable: false });
      } else {
        if (ix.feedsOf(node.id, 'patterns').length > 0) ix.warn(node.id, 'patterns are learned (source "learned"): the dataset on "patterns" is not used', 'patterns');
        params.push({ name: param, owner: node.id, shape: [patterns, dim], init: glorot({ gain, distribution: 'normal' }, dim, patterns) });
      }
      const projection = node.params.projection;
      if (projection !== undefined) {
        for (const which of ['q', 'k']) {
          params.push({ name: `${node.id}.${which}`, owner: node.id, shape: [dim, projection], init: glorot({ gain, distribution: 'normal' }, dim, projection) });
        }
      }
      return { id: node.id, kind: 'hopfield-memory', param, layer: layer.node.id, tokens, dim, patterns, beta, ...(view ? { view } : {}), ...(projection !== undefined ? { projection } : {}) };
    }
    default:
      return undefined;
  }
}

function kernelFits(ix: GraphIndex, id: string, k: number, h: number, w: number): void {
  if (k > 2 * Math.max(h, w) - 1) {
    ix.warn(id, `kernel ${k} is wider than any offset on a ${h}×${w} grid; its outer taps never touch a unit`, undefined, ['params', 'kernel']);
  }
}

function dataInput(ix: GraphIndex, node: GraphNode): DataRef | undefined {
  const feed = ix.single(node, 'data', 'dataset');
  if (!feed) return undefined;
  return { dataset: feed.node.id, port: feed.port === 'labels' ? 'labels' : 'images' };
}

function visibleLayer(ix: GraphIndex, node: GraphNode, what: string): LayerNode | undefined {
  const feed = ix.single(node, 'layer', 'layer');
  if (!feed) return undefined;
  if (feed.node.params.role !== 'visible') {
    ix.error(node.id, `expected a visible layer, got hidden layer "${feed.node.id}" (${what} only visible layers; set its role to visible)`, 'layer');
    return undefined;
  }
  return feed.node;
}

function resolveClamps(ix: GraphIndex): ClampSpec[] {
  const out: ClampSpec[] = [];
  for (const node of ix.nodesOf('clamp')) {
    const layer = visibleLayer(ix, node, 'clamps hold');
    const data = dataInput(ix, node);
    if (!layer || !data) continue;
    if (!maskFits(ix, node, node.params.mask, layer)) continue;
    if (data.port === 'labels' && node.params.mask.kind !== 'label-units' && node.params.mask.kind !== 'whole') {
      ix.error(node.id, `labels can only fill a "label-units" or "whole" mask, got "${node.params.mask.kind}"`, 'data', ['params', 'mask', 'kind']);
      continue;
    }
    out.push({ id: node.id, layer: layer.id, data, mask: node.params.mask, hold: node.params.hold });
  }
  const byLayer = new Map<string, string>();
  for (const c of out) {
    const other = byLayer.get(c.layer);
    if (other && c.hold) ix.warn(c.id, `layer "${c.layer}" is also clamped by "${other}"; where masks overlap the later clamp wins`);
    if (c.hold) byLayer.set(c.layer, c.id);
  }
  return out;
}

/** Halves and squares need a 2-D picture: a grid, or a vector with a square number of units. */
export function pictureSize(shape: LayerNode['params']['shape']): { h: number; w: number } | undefined {
  if (shape.type === 'grid') return { h: shape.height, w: shape.width };
  if (shape.type === 'vector') {
    const side = Math.round(Math.sqrt(shape.size));
    return side * side === shape.size ? { h: side, w: side } : undefined;
  }
  return { h: shape.tokens, w: shape.dim };
}

function maskFits(ix: GraphIndex, node: GraphNode, mask: ClampMask, layer: LayerNode): boolean {
  const shape = layer.params.shape;
  const units = unitCount(shape);
  const at = ['params', 'mask'];
  switch (mask.kind) {
    case 'top-half':
    case 'bottom-half':
    case 'left-half':
    case 'right-half':
    case 'centre-square': {
      const pic = pictureSize(shape);
      if (!pic) {
        ix.error(node.id, `a "${mask.kind}" mask needs a grid or a square vector layer, got ${describeShape(shape)} "${layer.id}"`, 'layer', [...at, 'kind']);
        return false;
      }
      if (mask.kind === 'centre-square' && mask.size > Math.min(pic.h, pic.w)) {
        ix.error(node.id, `expected a square side ≤ ${Math.min(pic.h, pic.w)} for layer "${layer.id}", got ${mask.size}`, 'layer', [...at, 'size']);
        return false;
      }
      return true;
    }
    case 'indices': {
      const bad = mask.indices.findIndex((i) => i >= units);
      if (bad >= 0) {
        ix.error(node.id, `expected unit indices < ${units} (layer "${layer.id}"), got ${mask.indices[bad]}`, 'layer', [...at, 'indices', bad]);
        return false;
      }
      return true;
    }
    case 'label-units':
      if (mask.offset + mask.count > units) {
        ix.error(node.id, `expected offset + count ≤ ${units} (layer "${layer.id}"), got ${mask.offset} + ${mask.count}`, 'layer', at);
        return false;
      }
      return true;
    default:
      return true;
  }
}

function resolveTargets(ix: GraphIndex, clamps: ClampSpec[]): TargetSpec[] {
  const out: TargetSpec[] = [];
  for (const node of ix.nodesOf('target')) {
    const layer = visibleLayer(ix, node, 'targets score');
    const data = dataInput(ix, node);
    if (!layer || !data) continue;
    const softmax = layer.params.activation === 'softmax';
    const loss = node.params.loss === 'auto' ? (softmax ? 'cross-entropy' : 'mse') : node.params.loss;
    if (loss === 'cross-entropy' && !softmax && layer.params.activation !== 'sigmoid') {
      ix.error(node.id, `cross-entropy needs a softmax or sigmoid layer, got ${layer.params.activation} layer "${layer.id}"`, 'layer', ['params', 'loss']);
      continue;
    }
    if (node.params.units === 'unclamped' && clamps.some((c) => c.layer === layer.id && c.hold && c.mask.kind === 'whole')) {
      ix.warn(node.id, `layer "${layer.id}" is wholly clamped: no unclamped units are left to score`);
    }
    out.push({ id: node.id, layer: layer.id, data, loss, units: node.params.units, weight: node.params.weight });
  }
  return out;
}

function resolveNoise(ix: GraphIndex): NoiseSpec[] {
  const out: NoiseSpec[] = [];
  const seen = new Map<string, string>();
  for (const node of ix.nodesOf('noise')) {
    const feed = ix.single(node, 'layer', 'layer');
    if (!feed) continue;
    const other = seen.get(feed.node.id);
    if (other) {
      ix.error(node.id, `layer "${feed.node.id}" already has noise node "${other}"; merge them`, 'layer');
      continue;
    }
    seen.set(feed.node.id, node.id);
    out.push({ id: node.id, layer: feed.node.id, ...node.params });
  }
  return out;
}
