/**
 * A block instance: the exposed parameters it sets (each with the field of the inner
 * parameter it stands for, and a reset to the definition's value), its ports, and the
 * definition it shares with every other instance: name, description, open, ungroup, export.
 */
import { blockTitle, exposedDefault } from '../../../../../nodes/blocks.js';
import { blockPorts } from '../../../../../nodes/block-ports.js';
import type { BlockInstanceNode } from '../../../../../nodes/graph.js';
import { pathText, type PathSegment } from '../../../../../nodes/problems.js';
import { CATEGORY_COLOURS } from '../../editor/layout.js';
import { useStore } from '../state/store.js';
import type { Studio } from '../studio.js';
import type { FormContext } from '../inspector/fields.js';
import { LabelField } from '../inspector/LabelField.js';
import { Field } from '../inspector/SchemaForm.js';
import { problemErrors } from '../inspector/errors.js';
import { exportBlocks } from './block-files.js';
import { DefinitionFields } from './DefinitionFields.js';
import { exposedSchema } from './exposed-schema.js';
import { PortList } from './PortList.js';
import './blocks.css';

export function BlockInspector({ studio, node, at, problemNodeId }: { studio: Studio; node: BlockInstanceNode; at: PathSegment[]; problemNodeId: string }) {
  const { check } = useStore(studio.ui);
  const { graph } = useStore(studio.doc);
  const definitions = new Map(graph.blocks.map((d) => [d.id, d]));
  const def = definitions.get(node.block);
  if (!def) return <div className="inspector__empty">No block definition “{node.block}”.</div>;

  const prefix = [...at, 'params'];
  // The compiler names the nodes inside by path; validation names this node and points into its place in the file.
  const mine = check.problems.filter((p) => p.nodeId === problemNodeId || p.nodeId?.startsWith(`${problemNodeId}/`) || at.every((seg, i) => p.path[i] === seg));
  const errors = problemErrors(mine, prefix);
  const elsewhere = mine.filter((p) => !prefix.every((seg, i) => p.path[i] === seg));
  // An exposed parameter of a top-level instance is swept as an override (`stage2.channels`).
  const topLevel = at.length === 2 && at[0] === 'nodes';
  const ctx: FormContext = { prefix: 'override', errors, ...(topLevel ? { sweepPath: (path: string) => `${node.id}.${path}` } : {}) };
  const set = (name: string, value: unknown) => {
    const next = { ...node.params };
    if (value === undefined) delete next[name];
    else next[name] = value;
    studio.editor?.setParams(node.id, next);
  };
  const ports = blockPorts(def, definitions);
  const instances = [...graph.nodes, ...graph.blocks.flatMap((b) => b.nodes)].filter((n) => n.kind === 'block' && n.block === def.id).length;

  return (
    <div className="inspector__body" data-testid="block-inspector">
      <header className="inspector__header">
        <div className="inspector__title">
          <span className="chip" style={{ color: CATEGORY_COLOURS.blocks }}>
            block
          </span>
          <h2>{blockTitle(def)}</h2>
        </div>
        <code className="inspector__id" title="node id" data-testid="inspector-node-id">
          {node.id}
        </code>
        <p className="inspector__doc">{def.description || `An instance of block “${def.id}”; ${instances} instance${instances === 1 ? '' : 's'} share its definition.`}</p>
        <div className="block-actions">
          <button data-testid="block-open" onClick={() => void studio.editor?.openBlock(node.id)}>
            Open block
          </button>
          <button data-testid="block-ungroup" onClick={() => void studio.editor?.ungroup(node.id)}>
            Ungroup
          </button>
          <button data-testid="block-export" onClick={() => exportBlocks(studio, [def.id])}>
            Export…
          </button>
        </div>
      </header>
      {elsewhere.length > 0 && (
        <ul className="inspector__problems" data-testid="node-problems">
          {elsewhere.map((p, i) => (
            <li key={i}>{p.nodeId && p.nodeId !== problemNodeId ? `${p.nodeId}: ${p.message}` : p.message}</li>
          ))}
        </ul>
      )}
      <LabelField studio={studio} node={node} />
      <h3 className="inspector__section">Parameters</h3>
      <section className="form">
        {def.params.length === 0 && <p className="muted">This block exposes no parameters: open it, select a node and expose one.</p>}
        {def.params.map((p) => {
          const schema = exposedSchema(def, p, definitions) ?? {};
          const overridden = Object.hasOwn(node.params, p.name);
          return (
            <div key={p.name} className={`override${overridden ? ' override--set' : ''}`} data-testid={`override-row-${p.name}`}>
              <Field
                label={p.label ?? p.name}
                schema={{ ...schema, description: p.doc ?? `sets ${p.targets.map((t) => `${t.node}.${t.param}`).join(', ')}` }}
                value={overridden ? node.params[p.name] : exposedDefault(def, p, definitions)}
                path={p.name}
                ctx={ctx}
                onChange={(v, commit) => commit && set(p.name, v)}
              />
              {overridden && (
                <button className="link" data-testid={`override-reset-${p.name}`} title="use the definition's value" onClick={() => set(p.name, undefined)}>
                  reset
                </button>
              )}
            </div>
          );
        })}
      </section>
      <h3 className="inspector__section">Definition “{def.id}”</h3>
      <DefinitionFields studio={studio} def={def} />
      <h3 className="inspector__section">Ports</h3>
      <PortList inputs={ports.inputs} outputs={ports.outputs} />
      <p className="muted small">in the file at {pathText(at)}; its definition at {pathText(['blocks', graph.blocks.indexOf(def)])}</p>
    </div>
  );
}
