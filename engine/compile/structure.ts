/**
 * Shape inference: resolve every coupling, clamp, target and noise node to the layers
 * it touches, check their shapes, and name the free parameters.
 * Every problem names the node and the port and says what was expected.
 */
import { describeShape, stateDims, unitCount } from '../../nodes/shapes.js';
import type { GraphNode, NodeOfKind } from '../../nodes/graph.js';
import type { ClampMask } from '../../nodes/kinds/clamp.js';
import type { GraphIndex } from './graph-index.js';
import { isCouplingKind } from '../../nodes/catalog.js';
import type { ClampSpec, CouplingSpec, DataRef, DatasetSpec, LayerSpec, NoiseSpec, ParamSpec, TargetSpec } from './plan.js';
import { resolveUnpatches } from './views.js';
import { couplingKind, couplingKindOf } from '../couplings/registry.js';
import type { ResolveContext } from '../couplings/kind.js';

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
  const ctx: ResolveContext = { ix, unpatches, declare: (p) => void params.push(p) };

  for (const node of ix.graph.nodes) {
    const spec = resolveCoupling(ctx, node);
    if (spec) couplings.push(spec);
  }

  const wholeClamped = wholeClampedLayers(clamps);
  const coupled = new Set(couplings.flatMap((c) => [...couplingKind(c).reads(c), ...couplingKind(c).writes(c)]));
  const wired = layersWiredToCoupling(ix);
  const fed = new Set(ix.graph.edges.map((e) => e.from.node));
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
    const fullyClamped = wholeClamped.has(node.id);
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
    if (!coupled.has(node.id) && !wired.has(node.id)) ix.warn(node.id, 'layer has no couplings: it only follows its bias');
  }

  return {
    layers,
    couplings,
    params,
    clamps,
    targets: resolveTargets(ix, clamps),
    noise: resolveNoise(ix),
    datasets: ix.nodesOf('dataset').map((n) => {
      if (!fed.has(n.id)) ix.warn(n.id, 'dataset feeds nothing');
      return { id: n.id, params: n.params };
    }),
  };
}

/** Bias length: per unit on vectors, per channel on grids, per feature on tokens (broadcast over the last axis). */
function biasLength(shape: LayerNode['params']['shape']): number {
  return shape.type === 'vector' ? shape.size : shape.type === 'grid' ? shape.channels : shape.dim;
}

/**
 * The layers wired into a coupling (directly or through a patches view), resolved or not:
 * one that did not resolve has its own error, and a second warning on the layer would only
 * point away from it. One pass over the edges, so the check stays linear in the graph.
 */
function layersWiredToCoupling(ix: GraphIndex): Set<string> {
  const wired = new Set<string>();
  for (const e of ix.graph.edges) {
    const kind = ix.node(e.to.node)?.kind;
    if (kind !== undefined && (isCouplingKind(kind) || kind === 'patches' || kind === 'unpatch')) wired.add(e.from.node);
  }
  return wired;
}

/** Whether a coupling reads or writes a layer. */
export function touches(c: CouplingSpec, layer: string): boolean {
  const entry = couplingKind(c);
  return entry.reads(c).includes(layer) || entry.writes(c).includes(layer);
}

/** The coupling a node of a coupling kind resolves to; undefined for other nodes, or when it does not fit (reported). */
function resolveCoupling(ctx: ResolveContext, node: GraphNode): CouplingSpec | undefined {
  if (!isCouplingKind(node.kind)) return undefined;
  // A node's kind names its entry; the cast is the correlated-union gap of couplingKindOf.
  return couplingKindOf(node.kind).resolve(node as never, ctx);
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

function wholeClampedLayers(clamps: readonly ClampSpec[]): Set<string> {
  return new Set(clamps.filter((c) => c.hold && c.mask.kind === 'whole').map((c) => c.layer));
}

function resolveTargets(ix: GraphIndex, clamps: ClampSpec[]): TargetSpec[] {
  const out: TargetSpec[] = [];
  const wholeClamped = wholeClampedLayers(clamps);
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
    if (node.params.units === 'unclamped' && wholeClamped.has(layer.id)) {
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
