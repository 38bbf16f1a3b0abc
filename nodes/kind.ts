/** What every node kind declares: identity, ports, parameter schema (with defaults) and a one-line doc. */
import type { WeightInitParams, z } from './schema.js';
import type { PortSpec } from './sockets.js';

export type Category = 'layers' | 'couplings' | 'data' | 'training' | 'dynamics';

export interface NodeKind<Id extends string = string, P extends z.ZodType = z.ZodType> {
  readonly id: Id;
  readonly title: string;
  readonly category: Category;
  /** One line, shown in the palette and by `attractor kinds`. */
  readonly doc: string;
  readonly inputs: readonly PortSpec[];
  readonly outputs: readonly PortSpec[];
  /** Parses a node's `params`; every field has a default, so `params.parse({})` gives the defaults. */
  readonly params: P;
  /** The node's key parameters in one line, shown on the node in the editor. */
  summary(params: z.output<P>): string;
}

export function defineKind<Id extends string, P extends z.ZodType>(kind: NodeKind<Id, P>): NodeKind<Id, P> {
  return kind;
}

export const layerIn = (name: string, label: string, doc: string, shapes?: PortSpec['shapes']): PortSpec => ({
  name,
  label,
  socket: 'layer',
  required: true,
  doc,
  ...(shapes ? { shapes } : {}),
});

/** Summary parts joined with " · ", leaving out the ones that do not apply. */
export function summaryOf(...parts: (string | false | undefined)[]): string {
  return parts.filter(Boolean).join(' · ');
}

/** How a coupling's weights start, e.g. "normal ×0.3", or "from w.npz:W". */
export function initSummary(init: WeightInitParams): string {
  if (init.kind === 'file') return `from ${init.path}${init.array ? `:${init.array}` : ''}`;
  return `${init.distribution} ×${init.gain}`;
}
