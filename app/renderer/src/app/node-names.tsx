/**
 * Nodes as users name them. The engine's messages, the plan and the parameters carry node
 * ids (the engine is shared with the CLI, where ids are what the file says); the UI shows
 * the label the user typed, with the id beside it in grey so the two can be matched, and
 * the id alone where there is no label. One home for that mapping.
 */
import type { ReactNode } from 'react';

/** id → label, for the nodes of `graph` that have a label different from their id. */
export function nodeLabels(graph: unknown): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  const nodes = (graph as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return out;
  for (const n of nodes as { id?: unknown; label?: unknown }[]) {
    if (typeof n?.id === 'string' && typeof n.label === 'string' && n.label.trim() !== '' && n.label !== n.id) out.set(n.id, n.label);
  }
  return out;
}

/** A node's name for text: `label (id)`, or the id. */
export function nodeNameText(id: string, labels: ReadonlyMap<string, string>): string {
  const label = labels.get(id);
  return label === undefined ? id : `${label} (${id})`;
}

/** A node's name for display: the label, the id in grey beside it; or the id. */
export function NodeName({ id, labels }: { id: string; labels: ReadonlyMap<string, string> }): ReactNode {
  const label = labels.get(id);
  if (label === undefined) return <span className="node-name">{id}</span>;
  return (
    <span className="node-name" title={nodeNameText(id, labels)}>
      {label} <span className="node-name__id">{id}</span>
    </span>
  );
}

/** A parameter's name (`W`, `hidden.b`) with its node's label in front where it has one. */
export function ParamName({ name, labels }: { name: string; labels: ReadonlyMap<string, string> }): ReactNode {
  const dot = name.indexOf('.');
  const owner = dot < 0 ? name : name.slice(0, dot);
  const label = labels.get(owner);
  if (label === undefined) return <b>{name}</b>;
  return (
    <span className="node-name" title={`${label} (${name})`}>
      <b>{label}</b> <span className="node-name__id">{name}</span>
    </span>
  );
}
