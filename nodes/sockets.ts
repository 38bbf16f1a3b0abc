/**
 * Socket types and which ports may be wired together.
 *
 * Rete sockets carry only a name, so the rules live here, shared by the editor
 * (to refuse a connection with a reason) and the graph validator (to reject a file).
 */
import type { ShapeType } from './shapes.js';

/** `layer` carries a layer's state; `data` carries examples (images or labels) from a dataset. */
export type SocketType = 'layer' | 'data';

export interface PortSpec {
  readonly name: string;
  readonly label: string;
  readonly socket: SocketType;
  /** For layer inputs: which layer shapes the port takes (all when absent). */
  readonly shapes?: readonly ShapeType[];
  /** Inputs: whether the port must be connected for the node to mean anything. */
  readonly required?: boolean;
  readonly doc: string;
}

export interface PortEnd {
  readonly socket: SocketType;
  /** The shape type of the layer behind an output `layer` socket, when known. */
  readonly shape?: ShapeType;
}

export type Compatibility = { ok: true } | { ok: false; reason: string };

export function canConnect(from: PortEnd, to: PortSpec): Compatibility {
  if (from.socket !== to.socket) {
    return { ok: false, reason: `a ${from.socket} output cannot feed the ${to.socket} input "${to.name}"` };
  }
  if (to.socket === 'layer' && to.shapes && from.shape && !to.shapes.includes(from.shape)) {
    return {
      ok: false,
      reason: `input "${to.name}" takes ${to.shapes.join(' or ')} layers, not a ${from.shape} layer`,
    };
  }
  return { ok: true };
}
