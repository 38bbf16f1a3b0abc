/**
 * Whether a wire may be drawn, asked of nodes/sockets.ts (the only source of the socket
 * rules) plus the canvas's own structural rules: no self-loops, no duplicates, and one
 * connection per input (the compiler reads every input with `single`).
 */
import { canConnect, type Compatibility, type PortEnd } from '../../../../nodes/sockets.js';
import type { ShapeType } from '../../../../nodes/shapes.js';
import { BLOCK_KIND, MAX_BLOCK_DEPTH, paramsInside } from '../../../../nodes/blocks.js';
import { faceOf, type Definitions, type NodeFace } from './faces.js';

export interface NodeFacts {
  readonly kind: string;
  readonly params: Record<string, unknown>;
  readonly block?: string;
  /** The node's ports when known (canvas nodes carry theirs); else taken from the catalog or the definition. */
  readonly face?: NodeFace;
}

export interface PortRef {
  readonly node: string;
  readonly port: string;
}

export interface EdgeRef {
  readonly from: PortRef;
  readonly to: PortRef;
}

/** View nodes whose outputs have a fixed shape type whatever their params say. */
const VIEW_OUTPUT_SHAPES: Readonly<Record<string, Readonly<Record<string, ShapeType>>>> = {
  patches: { tokens: 'tokens' },
  unpatch: { grid: 'grid' },
};

const SHAPE_TYPES: readonly ShapeType[] = ['vector', 'grid', 'tokens'];

function layerShapeType(params: Record<string, unknown>): ShapeType | undefined {
  const shape = params.shape;
  // An absent shape takes the schema default, a vector.
  if (shape === undefined) return 'vector';
  const type = shape !== null && typeof shape === 'object' ? (shape as { type?: unknown }).type : undefined;
  return SHAPE_TYPES.find((t) => t === type);
}

/**
 * What leaves an output port: its socket type and, for layer wires, the shape type of the
 * layer behind it (for a block's output, the inner layer it stands for, as the instance's
 * overrides leave it).
 */
export function outputEnd(node: NodeFacts, port: string, definitions: Definitions = new Map(), depth = 0): PortEnd | undefined {
  const spec = (node.face ?? faceOf(node, definitions))?.outputs.find((p) => p.name === port);
  if (!spec) return undefined;
  if (spec.socket !== 'layer') return { socket: spec.socket };
  if (node.kind === BLOCK_KIND && depth < MAX_BLOCK_DEPTH) {
    const def = node.block !== undefined ? definitions.get(node.block) : undefined;
    const from = def?.outputs.find((o) => o.name === port)?.from;
    const inner = from && def?.nodes.find((n) => n.id === from.node);
    const end = inner && outputEnd({ ...inner, params: paramsInside(def!, inner.id, node.params) }, from.port, definitions, depth + 1);
    return end ?? { socket: 'layer' };
  }
  const shape = node.kind === 'layer' ? layerShapeType(node.params) : VIEW_OUTPUT_SHAPES[node.kind]?.[port];
  return shape ? { socket: 'layer', shape } : { socket: 'layer' };
}

const samePort = (a: PortRef, b: PortRef) => a.node === b.node && a.port === b.port;

export function checkConnection(
  nodeOf: (id: string) => NodeFacts | undefined,
  edges: readonly EdgeRef[],
  from: PortRef,
  to: PortRef,
  definitions: Definitions = new Map(),
): Compatibility {
  if (from.node === to.node) return { ok: false, reason: 'a node cannot be connected to itself' };
  const source = nodeOf(from.node);
  const target = nodeOf(to.node);
  if (!source || !target) return { ok: false, reason: `no node "${source ? to.node : from.node}"` };
  const end = outputEnd(source, from.port, definitions);
  if (!end) return { ok: false, reason: `${source.kind} node "${from.node}" has no output "${from.port}"` };
  const input = (target.face ?? faceOf(target, definitions))?.inputs.find((p) => p.name === to.port);
  if (!input) return { ok: false, reason: `${target.kind} node "${to.node}" has no input "${to.port}"` };
  if (edges.some((e) => samePort(e.from, from) && samePort(e.to, to))) {
    return { ok: false, reason: `"${from.node}" is already connected to input "${to.port}" of "${to.node}"` };
  }
  const occupied = edges.find((e) => samePort(e.to, to));
  if (occupied) {
    return {
      ok: false,
      reason: `input "${to.port}" of "${to.node}" already takes "${occupied.from.node}": an input takes one connection (remove that one first)`,
    };
  }
  return canConnect(end, input);
}
