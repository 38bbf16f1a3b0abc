/**
 * The ports a block instance shows: one per input and output of its definition, typed
 * like the inner ports they stand for (a layer or a data socket; for inputs, the layer
 * shapes every inner input they feed accepts). Shared by validation and the editor.
 */
import { findKind } from './catalog.js';
import type { PortSpec } from './sockets.js';
import type { ShapeType } from './shapes.js';
import { BLOCK_KIND, MAX_BLOCK_DEPTH, type BlockDefinitionOf } from './blocks.js';

/** What these functions read of a node: enough for catalog nodes, block instances and editor records alike. */
export interface NodeLike {
  readonly id: string;
  readonly kind: string;
  readonly block?: string;
  readonly params: Record<string, unknown>;
}

export type DefinitionLookup<N extends NodeLike = NodeLike> = ReadonlyMap<string, BlockDefinitionOf<N>>;

export interface BlockPorts {
  readonly inputs: readonly PortSpec[];
  readonly outputs: readonly PortSpec[];
}

/** The input or output spec of a port on a node inside a definition (catalog kind, or a nested block). */
export function innerPort<N extends NodeLike>(
  def: BlockDefinitionOf<N>,
  ref: { node: string; port: string },
  side: 'input' | 'output',
  definitions: DefinitionLookup<N>,
  depth = 0,
): PortSpec | undefined {
  const node = def.nodes.find((n) => n.id === ref.node);
  if (!node) return undefined;
  return portOf(node, ref.port, side, definitions, depth);
}

/** A node's port spec: from the catalog, or from the definition a block instance names. */
export function portOf<N extends NodeLike>(node: N, port: string, side: 'input' | 'output', definitions: DefinitionLookup<N>, depth = 0): PortSpec | undefined {
  if (node.kind === BLOCK_KIND) {
    const inner = node.block !== undefined ? definitions.get(node.block) : undefined;
    if (!inner || depth >= MAX_BLOCK_DEPTH) return undefined;
    const ports = blockPorts(inner, definitions, depth + 1);
    return (side === 'input' ? ports.inputs : ports.outputs).find((p) => p.name === port);
  }
  const kind = findKind(node.kind);
  return (side === 'input' ? kind?.inputs : kind?.outputs)?.find((p) => p.name === port);
}

function commonShapes(specs: readonly PortSpec[]): readonly ShapeType[] | undefined {
  let shapes: readonly ShapeType[] | undefined;
  for (const s of specs) if (s.shapes) shapes = shapes ? shapes.filter((t) => s.shapes!.includes(t)) : s.shapes;
  return shapes;
}

export function blockPorts<N extends NodeLike>(def: BlockDefinitionOf<N>, definitions: DefinitionLookup<N>, depth = 0): BlockPorts {
  const inputs = def.inputs.map((input): PortSpec => {
    const specs = input.to.map((t) => innerPort(def, t, 'input', definitions, depth)).filter((s): s is PortSpec => s !== undefined);
    const shapes = commonShapes(specs);
    return {
      name: input.name,
      label: input.label ?? input.name,
      socket: specs[0]?.socket ?? 'layer',
      required: input.to.length > 0,
      doc: input.to.length > 0 ? `feeds ${input.to.map((t) => `${t.node}.${t.port}`).join(', ')}` : 'feeds nothing inside',
      ...(shapes ? { shapes } : {}),
    };
  });
  const outputs = def.outputs.map((output): PortSpec => {
    const spec = output.from && innerPort(def, output.from, 'output', definitions, depth);
    const doc = output.from ? `from ${output.from.node}.${output.from.port}` : 'wired to nothing inside';
    return { name: output.name, label: output.label ?? output.name, socket: spec?.socket ?? 'layer', doc };
  });
  return { inputs, outputs };
}
