/**
 * What a node on the canvas shows and offers: its title, colour, doc and ports. A catalog
 * node's face comes from its kind; a block instance's from its definition (one port per
 * block port, typed like the inner ports it stands for); inside a block, two boundary
 * nodes stand for the block's own ports: "Inputs" hands the block's inputs to the nodes
 * inside, "Outputs" takes what leaves the block.
 */
import { findKind, type KindId } from '../../../../nodes/catalog.js';
import { BLOCK_KIND, blockTitle, exposedDefault, type BlockDefinitionOf } from '../../../../nodes/blocks.js';
import { blockPorts } from '../../../../nodes/block-ports.js';
import type { Category } from '../../../../nodes/kind.js';
import type { PortSpec } from '../../../../nodes/sockets.js';
import type { NodeRecord } from './document.js';

export type FaceCategory = Category | 'blocks' | 'boundary';

export const INPUTS_KIND = 'block-inputs';
export const OUTPUTS_KIND = 'block-outputs';
/** Boundary nodes' ids: not node ids of any document (those never contain "@"). */
export const INPUTS_ID = '@inputs';
export const OUTPUTS_ID = '@outputs';

/** Every kind of node the canvas holds. */
export type EditorKind = KindId | typeof BLOCK_KIND | typeof INPUTS_KIND | typeof OUTPUTS_KIND;

export type EditorBlock = BlockDefinitionOf<NodeRecord>;
export type Definitions = ReadonlyMap<string, EditorBlock>;

export interface NodeFace {
  readonly title: string;
  readonly category: FaceCategory;
  readonly doc: string;
  readonly inputs: readonly PortSpec[];
  readonly outputs: readonly PortSpec[];
}

export function isBoundary(id: string): boolean {
  return id === INPUTS_ID || id === OUTPUTS_ID;
}

/** The face of a node; undefined for a kind this build does not know or a block with no definition. */
export function faceOf(node: { kind: string; block?: string }, definitions: Definitions): NodeFace | undefined {
  if (node.kind === BLOCK_KIND) {
    const def = node.block !== undefined ? definitions.get(node.block) : undefined;
    if (!def) return undefined;
    const ports = blockPorts(def, definitions);
    return { title: blockTitle(def), category: 'blocks', doc: def.description || `an instance of block "${def.id}"`, ...ports };
  }
  const kind = findKind(node.kind);
  return kind && { title: kind.title, category: kind.category, doc: kind.doc, inputs: kind.inputs, outputs: kind.outputs };
}

/** The boundary nodes' faces inside `def`: its inputs leave "Inputs", its outputs enter "Outputs". */
export function boundaryFace(side: typeof INPUTS_KIND | typeof OUTPUTS_KIND, def: EditorBlock, definitions: Definitions): NodeFace {
  const ports = blockPorts(def, definitions);
  if (side === INPUTS_KIND) {
    const outputs = ports.inputs.map(({ name, label, socket, doc }) => ({ name, label, socket, doc: `block input: ${doc}` }));
    return { title: 'Block inputs', category: 'boundary', doc: "the block's input ports, as the nodes inside see them", inputs: [], outputs };
  }
  const inputs = ports.outputs.map(({ name, label, socket }) => ({ name, label, socket, doc: `block output "${name}"` }));
  return { title: 'Block outputs', category: 'boundary', doc: "the block's output ports: wire what should leave the block into them", inputs, outputs: [] };
}

/** A block instance in one line: the exposed parameters it sets, or that it uses the definition's values. */
export function blockSummary(def: EditorBlock | undefined, overrides: Record<string, unknown>, definitions: Definitions): string {
  if (!def) return 'no such block';
  const set = def.params.filter((p) => Object.hasOwn(overrides, p.name));
  if (set.length === 0) return def.params.length > 0 ? `${def.params.map((p) => `${p.label ?? p.name} ${short(exposedDefault(def, p, definitions))}`).join(' · ')}` : `${def.nodes.length} nodes`;
  return set.map((p) => `${p.label ?? p.name} ${short(overrides[p.name])}`).join(' · ');
}

function short(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? '?';
}
