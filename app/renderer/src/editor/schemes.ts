/**
 * The Rete types of this editor, defined once: one node class built from a face (a catalog
 * kind, or a block's ports), one connection class, and the union of signals the area carries.
 */
import { ClassicPreset, type GetSchemes } from 'rete';
import type { Area2D } from 'rete-area-plugin';
import type { ReactArea2D } from 'rete-react-plugin';
import type { ContextMenuExtra } from 'rete-context-menu-plugin';
import type { MinimapExtra } from 'rete-minimap-plugin';
import { findKind } from '../../../../nodes/catalog.js';
import type { SocketType } from '../../../../nodes/sockets.js';
import type { Problem } from '../../../../nodes/problems.js';
import { nodeSize } from './layout.js';
import type { EditorKind, NodeFace } from './faces.js';

/** Rete sockets carry only a name; the type is kept so rendering can colour it (rules live in nodes/sockets.ts). */
export class TypedSocket extends ClassicPreset.Socket {
  constructor(readonly type: SocketType) {
    super(type);
  }
}

export const SOCKETS: Record<SocketType, TypedSocket> = {
  layer: new TypedSocket('layer'),
  data: new TypedSocket('data'),
};

/**
 * Creation order. Nodes and wires brought back by undo are the same objects, so sorting by
 * this keeps the document's order (and an undone edit leaves the document as it was).
 */
let created = 0;
const nextSeq = () => ++created;

export class EditorNode extends ClassicPreset.Node<
  Record<string, TypedSocket>,
  Record<string, TypedSocket>,
  Record<string, never>
> {
  width: number;
  height: number;
  /** The document's label (ClassicPreset's `label` holds the kind title, which Rete plugins display). */
  caption: string | undefined;
  params: Record<string, unknown>;
  problems: readonly Problem[] = [];
  /** Its place in the document's order; a block made of nodes, or nodes ungrouped, take the place of what they replace. */
  seq = nextSeq();
  /** Title, doc and ports: from the catalog kind, or from the definition of a block instance. */
  face: NodeFace;
  /** The one-line summary of a node that is not a catalog node (block instances, boundary nodes). */
  summarize: (() => string) | undefined;

  constructor(
    id: string,
    readonly kind: EditorKind,
    params: Record<string, unknown>,
    caption?: string,
    face?: NodeFace,
    /** The definition a block instance names. */
    readonly block?: string,
  ) {
    const spec = face ?? catalogFace(kind);
    super(spec.title);
    this.id = id;
    this.params = params;
    this.caption = caption;
    this.face = spec;
    this.width = 0;
    this.height = 0;
    this.setFace(spec);
  }

  /**
   * Ports from a face; ports that stay keep their objects (and wires). Every port accepts
   * several connections as far as Rete is concerned: otherwise the connection plugin
   * silently deletes the old wire before our rules can refuse the new one.
   */
  setFace(face: NodeFace): void {
    this.face = face;
    this.label = face.title;
    for (const key of Object.keys(this.inputs)) if (!face.inputs.some((p) => p.name === key)) this.removeInput(key);
    for (const key of Object.keys(this.outputs)) if (!face.outputs.some((p) => p.name === key)) this.removeOutput(key);
    face.inputs.forEach((port, index) => {
      const input = this.inputs[port.name] ?? new ClassicPreset.Input(SOCKETS[port.socket], port.label, true);
      input.socket = SOCKETS[port.socket];
      input.label = port.label;
      input.index = index;
      if (!this.hasInput(port.name)) this.addInput(port.name, input);
    });
    face.outputs.forEach((port, index) => {
      const output = this.outputs[port.name] ?? new ClassicPreset.Output(SOCKETS[port.socket], port.label, true);
      output.socket = SOCKETS[port.socket];
      output.label = port.label;
      output.index = index;
      if (!this.hasOutput(port.name)) this.addOutput(port.name, output);
    });
    const size = nodeSize(face);
    this.width = size.width;
    this.height = size.height;
  }
}

function catalogFace(kind: string): NodeFace {
  const spec = findKind(kind);
  if (!spec) throw new Error(`unknown node kind "${kind}"`);
  return { title: spec.title, category: spec.category, doc: spec.doc, inputs: spec.inputs, outputs: spec.outputs };
}

export class EditorConnection extends ClassicPreset.Connection<EditorNode, EditorNode> {
  /** The shape of the state it carries (wire-shapes.ts), once a check has said. */
  shape?: string;
  isLoop?: boolean;
  isPseudo?: boolean;
  selected?: boolean;
  readonly seq = nextSeq();

  constructor(
    source: EditorNode,
    sourceOutput: string,
    target: EditorNode,
    targetInput: string,
    readonly socket: SocketType = source.outputs[sourceOutput]?.socket.type ?? 'layer',
  ) {
    super(source, sourceOutput, target, targetInput);
  }
}

export type Schemes = GetSchemes<EditorNode, EditorConnection>;
export type AreaExtra = Area2D<Schemes> | ReactArea2D<Schemes> | ContextMenuExtra | MinimapExtra;

export interface Position {
  x: number;
  y: number;
}
