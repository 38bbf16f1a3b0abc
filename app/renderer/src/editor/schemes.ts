/**
 * The Rete types of this editor, defined once: one node class built from a catalog kind,
 * one connection class, and the union of signals the area carries.
 */
import { ClassicPreset, type GetSchemes } from 'rete';
import type { Area2D } from 'rete-area-plugin';
import type { ReactArea2D } from 'rete-react-plugin';
import type { ContextMenuExtra } from 'rete-context-menu-plugin';
import type { MinimapExtra } from 'rete-minimap-plugin';
import { findKind, type KindId } from '../../../../nodes/catalog.js';
import type { SocketType } from '../../../../nodes/sockets.js';
import type { Problem } from '../../../../nodes/problems.js';
import { nodeSize } from './layout.js';

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
  readonly width: number;
  readonly height: number;
  /** The document's label (ClassicPreset's `label` holds the kind title, which Rete plugins display). */
  caption: string | undefined;
  params: Record<string, unknown>;
  problems: readonly Problem[] = [];
  readonly seq = nextSeq();

  constructor(
    id: string,
    readonly kind: KindId,
    params: Record<string, unknown>,
    caption?: string,
  ) {
    const spec = findKind(kind);
    if (!spec) throw new Error(`unknown node kind "${kind}"`);
    super(spec.title);
    this.id = id;
    this.params = params;
    this.caption = caption;
    // Every port accepts several connections as far as Rete is concerned: otherwise the
    // connection plugin silently deletes the old wire before our rules can refuse the new one.
    spec.inputs.forEach((port, index) => {
      const input = new ClassicPreset.Input(SOCKETS[port.socket], port.label, true);
      input.index = index;
      this.addInput(port.name, input);
    });
    spec.outputs.forEach((port, index) => {
      const output = new ClassicPreset.Output(SOCKETS[port.socket], port.label, true);
      output.index = index;
      this.addOutput(port.name, output);
    });
    const size = nodeSize(kind);
    this.width = size.width;
    this.height = size.height;
  }
}

export class EditorConnection extends ClassicPreset.Connection<EditorNode, EditorNode> {
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
