/**
 * One node: kind and id, label, the parameter form generated from the kind's
 * schema, and every problem the schema or the engine finds with it. A
 * committed edit is one `setParams` call, so one undo step.
 */
import { useState } from 'react';
import { findKind } from '../../../../../nodes/catalog.js';
import type { GraphNode } from '../../../../../nodes/graph.js';
import { pathText } from '../../../../../nodes/problems.js';
import { useStore } from '../state/store.js';
import { stableJson } from '../state/stable-json.js';
import { CATEGORY_COLOURS } from '../../editor/layout.js';
import type { Studio } from '../studio.js';
import { StringField, type FormContext } from './fields.js';
import { jsonSchemaOf } from './json-schema.js';
import { ObjectFields, fieldPaths } from './SchemaForm.js';
import { problemErrors, schemaErrors } from './errors.js';

type Params = Record<string, unknown>;

export function NodeInspector({ studio, node, index }: { studio: Studio; node: GraphNode; index: number }) {
  const { check } = useStore(studio.ui);
  const [draft, setDraft] = useState<Params | null>(null);
  const kind = findKind(node.kind);
  if (!kind) return <div className="inspector__empty">Unknown node kind “{node.kind}”.</div>;

  const stored = node.params as Params;
  const params = draft ?? stored;
  const schema = jsonSchemaOf(kind.params);
  const prefix = ['nodes', index, 'params'];
  const mine = check.problems.filter((p) => p.nodeId === node.id);
  const errors = problemErrors(mine, prefix, schemaErrors(kind.params, params));
  const drawn = fieldPaths(schema, params);
  // What no field can show: port and shape problems, or a field the form does not draw.
  const elsewhere = [
    ...mine.filter((p) => !prefix.every((seg, i) => p.path[i] === seg)).map((p) => p.message),
    ...[...errors].filter(([path]) => !drawn.has(path)).flatMap(([path, msgs]) => msgs.map((m) => (path ? `${path}: ${m}` : m))),
  ];
  const ctx: FormContext = { prefix: 'param', errors, sweepPath: (path) => `${node.id}.${path}` };

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
      <section className="form">
        <StringField
          label="Label"
          schema={{ description: 'shown on the node instead of its id' }}
          value={node.label ?? ''}
          path="label"
          ctx={{ prefix: 'node', errors: new Map() }}
          onChange={(v, commit) => {
            const label = typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
            if (commit && label !== node.label) studio.editor?.setLabel(node.id, label);
          }}
        />
      </section>
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
      <p className="muted small">in the file at {pathText(['nodes', index])}</p>
    </div>
  );
}
