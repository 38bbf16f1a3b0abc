/**
 * One node: kind and id, label, the parameter form generated from the kind's
 * schema, and every problem the schema or the engine finds with it. A
 * committed edit is one `setParams` call, so one undo step.
 */
import { useState } from 'react';
import { findKind } from '../../../../../nodes/catalog.js';
import type { GraphNode } from '../../../../../nodes/graph.js';
import { pathText, type PathSegment } from '../../../../../nodes/problems.js';
import { useStore } from '../state/store.js';
import { stableJson } from '../state/stable-json.js';
import { CATEGORY_COLOURS } from '../../editor/layout.js';
import type { Studio } from '../studio.js';
import type { FormContext } from './fields.js';
import { LabelField } from './LabelField.js';
import { jsonSchemaOf } from './json-schema.js';
import { ObjectFields, fieldPaths } from './SchemaForm.js';
import { problemErrors, schemaErrors } from './errors.js';

type Params = Record<string, unknown>;

/**
 * `at` is where the node is in the file (default `nodes[index]`; inside a block, its place
 * in the definition) and `problemNodeId` the id the compiler gives it (a path through blocks).
 */
export function NodeInspector({ studio, node, index, at = ['nodes', index], problemNodeId = node.id }: { studio: Studio; node: GraphNode; index: number; at?: readonly PathSegment[]; problemNodeId?: string }) {
  const { check } = useStore(studio.ui);
  const [draft, setDraft] = useState<Params | null>(null);
  const kind = findKind(node.kind);
  if (!kind) return <div className="inspector__empty">Unknown node kind “{node.kind}”.</div>;

  const stored = node.params as Params;
  const params = draft ?? stored;
  const schema = jsonSchemaOf(kind.params);
  const prefix = [...at, 'params'];
  const mine = check.problems.filter((p) => p.nodeId === problemNodeId || (p.nodeId === node.id && at.every((seg, i) => p.path[i] === seg)));
  const errors = problemErrors(mine, prefix, schemaErrors(kind.params, params));
  const drawn = fieldPaths(schema, params);
  // What no field can show: port and shape problems, or a field the form does not draw.
  const elsewhere = [
    ...mine.filter((p) => !prefix.every((seg, i) => p.path[i] === seg)).map((p) => p.message),
    ...[...errors].filter(([path]) => !drawn.has(path)).flatMap(([path, msgs]) => msgs.map((m) => (path ? `${path}: ${m}` : m))),
  ];
  // A sweep sets a top-level node's parameters by id; inside a block it sweeps the instance's exposed ones.
  const topLevel = at.length === 2 && at[0] === 'nodes';
  const ctx: FormContext = { prefix: 'param', errors, ...(topLevel ? { sweepPath: (path: string) => `${node.id}.${path}` } : {}) };

  const onChange = (next: Params, commit: boolean) => {
    if (!commit) return setDraft(next);
    setDraft(null);
    if (stableJson(next) !== stableJson(stored)) studio.editor?.setParams(node.id, next);
  };

  return (
    <div className="inspector__body">
      <header className="inspector__header">
        <div className="inspector__title">
          <span className="chip" style={{ color: CATEGORY_COLOURS[kind.category] }}>
            {kind.category}
          </span>
          <h2>{kind.title}</h2>
        </div>
        <code className="inspector__id" title="node id" data-testid="inspector-node-id">
          {node.id}
        </code>
        <p className="inspector__doc">{kind.doc}</p>
      </header>
      {elsewhere.length > 0 && (
        <ul className="inspector__problems" data-testid="node-problems">
          {elsewhere.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
      <LabelField studio={studio} node={node} />
      <h3 className="inspector__section">Parameters</h3>
      <section className="form">
        {Object.keys(schema.properties ?? {}).length === 0 ? (
          <p className="muted">This kind has no parameters.</p>
        ) : (
          <ObjectFields schema={schema} value={params} path="" ctx={ctx} onChange={onChange} />
        )}
      </section>
      <h3 className="inspector__section">Ports</h3>
      <ul className="ports">
        {[...kind.inputs.map((p) => ({ ...p, dir: 'in' })), ...kind.outputs.map((p) => ({ ...p, dir: 'out' }))].map((p) => (
          <li key={`${p.dir}-${p.name}`} title={p.doc}>
            <span className={`port-dot port-dot--${p.socket}`} />
            <span className="ports__name">{p.label}</span>
            <span className="muted">
              {p.dir === 'in' ? 'input' : 'output'} · {p.socket}
              {p.shapes ? ` (${p.shapes.join(', ')})` : ''}
            </span>
          </li>
        ))}
      </ul>
      <p className="muted small">in the file at {pathText(at)}</p>
    </div>
  );
}
