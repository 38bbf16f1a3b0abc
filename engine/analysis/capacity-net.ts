/**
 * The memory net a capacity sweep measures, as a small graph the real compiler compiles
 * for every cell: one layer and the coupling that stores the patterns in it.
 *
 *   classic  a sign or tanh layer with a within-layer coupling that can store patterns by
 *            the Hebbian rule (the registry's `hebbian` entry: dense-within), weights
 *            W = (1/N) Σ p pᵀ from the cell's P patterns;
 *   memory   a vector layer with a Hopfield memory block whose P stored patterns are the
 *            cell's, at the cell's β.
 *
 * From a graph file it takes the memory layer (size, activation), its coupling (β,
 * self-connections) and the settle section (schedule, steps, θ); the file's datasets,
 * clamps, noise and targets are not used — the explorer stores its own random patterns
 * and starts its own probes. Without a file it builds the textbook nets.
 */
import { flattenGraph } from '../compile/flatten.js';
import { GRAPH_FORMAT, GRAPH_VERSION, type Edge, type FlatGraph, type GraphDoc, type GraphNode } from '../../nodes/graph.js';
import type { SettleConfig } from '../../nodes/config.js';
import { compileGraph } from '../compile/compile.js';
import type { CouplingSpec, LayerSpec, Plan } from '../compile/plan.js';
import { layerById } from '../compile/plan.js';
import { couplingKind } from '../couplings/registry.js';
import { loadGraphJson } from '../format/load.js';
import type { CapacityNet, CapacitySchedule } from '../protocol/capacity.js';
import { RunInputError } from '../run/input-error.js';
import { compileLoaded, loadGraph, type GraphSource } from '../run/open.js';

/** The Hopfield memory block: the one coupling kind this explorer knows by name (classic nets are found through the registry). */
const MEMORY_KIND = 'hopfield-memory';

export interface MemoryNetSource {
  readonly net: CapacityNet;
  /** The graph file, or what was built ("a classic Hopfield net"). */
  readonly source: string;
  readonly layer: GraphNode;
  readonly coupling: GraphNode;
  readonly edges: readonly Edge[];
  readonly settle: SettleConfig;
  /** N when a graph fixes it; null for a built net (the sweep's sizes). */
  readonly size: number | null;
  /** The graph's β (memory blocks), or null. */
  readonly beta: number | null;
}

/** One cell's net: its size, patterns and β. */
export interface MemoryNetShape {
  readonly n: number;
  readonly patterns: number;
  readonly beta: number | null;
}

export interface CompiledMemoryNet {
  readonly plan: Plan;
  readonly layer: LayerSpec;
  readonly coupling: CouplingSpec;
}

/** Settle sections of the built nets: classic capacity is defined for asynchronous updates; Ramsauer's update moves the whole state. */
const BUILT_SETTLE: Record<CapacityNet, Partial<SettleConfig>> = {
  classic: { schedule: 'asynchronous', steps: 100, theta: 1e-3 },
  memory: { schedule: 'synchronous', steps: 100, theta: 1e-4 },
};

/** The memory net of a compiled graph; a graph that is not one is refused with what it has instead. */
export function memoryNetOfGraph(graph: GraphDoc, plan: Plan, source: string): MemoryNetSource {
  const refuse = (why: string) => new RunInputError(`${source}: the capacity explorer measures a memory net — one sign or tanh layer with a Hebbian within-layer coupling, or one vector layer with a Hopfield memory block; ${why}`);
  if (plan.layers.length !== 1) throw refuse(`this graph has ${plan.layers.length} layers (${plan.layers.map((l) => `"${l.id}"`).join(', ')})`);
  if (plan.couplings.length !== 1) throw refuse(`this graph has ${plan.couplings.length} couplings${plan.couplings.length ? ` (${plan.couplings.map((c) => `"${c.id}"`).join(', ')})` : ''}`);
  const spec = plan.couplings[0];
  const layer = plan.layers[0];
  const net: CapacityNet | undefined = spec.kind === MEMORY_KIND ? 'memory' : couplingKind(spec).hebbian ? 'classic' : undefined;
  if (!net) throw refuse(`coupling "${spec.id}" is ${spec.kind}, which stores no patterns`);
  if (net === 'classic') {
    const refused = couplingKind(spec).hebbian!.refuse(layer);
    if (refused) throw refuse(refused);
  } else {
    if (spec.kind === MEMORY_KIND && spec.projection !== undefined) throw refuse(`memory "${spec.id}" compares patterns in a learned projection, and the explorer stores them as they are`);
    if (layer.shape.type !== 'vector') throw refuse(`memory "${spec.id}" reads layer "${layer.id}", a ${layer.shape.type} layer; the explorer stores patterns of a vector layer`);
  }
  // The plan names nodes by their paths through blocks: look them up in the flattened graph.
  const flat = flattenGraph(graph);
  if ('problems' in flat) throw refuse(flat.problems.map((p) => p.message).join('; '));
  const node = (id: string) => flat.graph.nodes.find((n) => n.id === id)!;
  const coupling = node(spec.id);
  const edges = flat.graph.edges.filter((e) => e.from.node === layer.id && e.to.node === spec.id);
  const beta = coupling.kind === MEMORY_KIND ? coupling.params.beta : null;
  return { net, source, layer: node(layer.id), coupling, edges, settle: flat.graph.settle, size: layer.units, beta };
}

/** The textbook net of a kind, its size left to each cell. */
export function builtMemoryNet(net: CapacityNet): MemoryNetSource {
  const layer = { id: 'units', kind: 'layer', params: { shape: { type: 'vector', size: 1 }, activation: net === 'classic' ? 'sign' : 'linear', bias: false, role: 'visible' } };
  const coupling =
    net === 'classic'
      ? { id: 'W', kind: 'dense-within', params: { selfConnections: 'zero' } }
      : { id: 'memory', kind: MEMORY_KIND, params: { patterns: 1, beta: 1, source: 'learned' } };
  const graph = validDoc({ nodes: [layer, coupling], edges: [{ from: { node: 'units', port: 'state' }, to: { node: coupling.id, port: 'layer' } }], settle: BUILT_SETTLE[net] }, `the built ${net} net`);
  const source = net === 'classic' ? 'a classic Hopfield net (sign units, Hebbian weights, zero self-connections)' : 'a modern Hopfield memory (a linear layer, ξ ← Yᵀ softmax(βYξ))';
  return { net, source, layer: graph.nodes[0], coupling: graph.nodes[1], edges: graph.edges, settle: graph.settle, size: null, beta: null };
}

/** The settle overrides a sweep may ask for: its schedule (asynchronous or synchronous), steps and θ. */
export interface MemoryNetSettle {
  readonly schedule?: CapacitySchedule;
  readonly steps?: number;
  readonly theta?: number;
}

/** The net of one cell, compiled: the layer at size n, the coupling storing `patterns` at β. */
export function compileMemoryNet(src: MemoryNetSource, shape: MemoryNetShape, settle: MemoryNetSettle): CompiledMemoryNet {
  const layer = src.size === null ? withParams(src.layer, { shape: { type: 'vector', size: shape.n } }) : src.layer;
  const coupling = src.net === 'memory' ? withParams(src.coupling, { patterns: shape.patterns, source: 'learned', ...(shape.beta !== null ? { beta: shape.beta } : {}) }) : src.coupling;
  const { schedule, steps, theta } = settle;
  const given = Object.fromEntries(Object.entries({ schedule, steps, theta }).filter(([, v]) => v !== undefined));
  const graph = validDoc({ nodes: [layer, coupling], edges: src.edges, settle: { ...src.settle, ...given } }, src.source);
  const { plan, problems } = compileGraph({ ...graph, blocks: [] });
  if (!plan) {
    const first = problems.find((p) => p.severity === 'error');
    throw new RunInputError(`${src.source}: the memory net for N = ${shape.n}, P = ${shape.patterns} does not compile: ${first?.message ?? 'unknown problem'}`);
  }
  return { plan, layer: layerById(plan, layer.id), coupling: plan.couplings[0] };
}

function withParams(node: GraphNode, params: Record<string, unknown>): GraphNode {
  return { ...node, params: { ...node.params, ...params } } as GraphNode;
}

/** A document of the given parts, through the graph schema (defaults filled, every value checked). */
function validDoc(parts: { nodes: readonly unknown[]; edges: readonly unknown[]; settle: unknown }, source: string): FlatGraph {
  const loaded = loadGraphJson({ format: GRAPH_FORMAT, version: GRAPH_VERSION, name: 'capacity probe net', nodes: parts.nodes, edges: parts.edges, settle: parts.settle }, source);
  const flat = loaded.ok ? flattenGraph(loaded.graph) : { problems: loaded.problems };
  if ('problems' in flat) throw new RunInputError(`${source}: ${flat.problems.map((p) => p.message).join('; ')}`);
  return flat.graph;
}

/** The memory net of a graph file or an editor's document, loaded and compiled as a run opens one. */
export async function openMemoryNet(src: GraphSource): Promise<MemoryNetSource> {
  const compiled = compileLoaded(await loadGraph(src));
  return memoryNetOfGraph(compiled.graph, compiled.plan, compiled.source);
}
