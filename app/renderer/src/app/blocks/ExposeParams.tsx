/**
 * Inside a block, under the selected node's parameters: which of them the block exposes
 * (so each instance may set its own value), and a way to expose another or stop exposing
 * one. Each change is one undo step on the definition.
 */
import { useState } from 'react';
import type { BlockDefinition } from '../../../../../nodes/graph.js';
import type { ExposedParam } from '../../../../../nodes/blocks.js';
import type { Studio } from '../studio.js';
import { exposableParams } from './exposed-schema.js';
import './blocks.css';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A parameter name from a path: "shape.channels" → "channels", made unique among `taken`. */
export function suggestName(path: string, taken: readonly string[]): string {
  const last = path.split('.').pop()!.replace(/[^A-Za-z0-9_]/g, '_');
  let name = last;
  for (let n = 2; taken.includes(name); n++) name = `${last}${n}`;
  return name;
}

export function ExposeParams({ studio, def, node }: { studio: Studio; def: BlockDefinition; node: { id: string; kind: string; params: Record<string, unknown> } }) {
  const options = node.kind === 'block' ? [] : exposableParams(node.kind, node.params);
  const [path, setPath] = useState(options[0] ?? '');
  const mine = def.params.filter((p) => p.targets.some((t) => t.node === node.id));
  const update = (params: readonly ExposedParam[]) => void studio.editor?.updateBlock(def.id, { params });
  const expose = () => {
    if (!path) return;
    const name = suggestName(path, def.params.map((p) => p.name));
    if (NAME.test(name)) update([...def.params, { name, targets: [{ node: node.id, param: path }] }]);
  };
  return (
    <section className="inspector__body expose" data-testid="expose-params">
      <h3 className="inspector__section">Exposed by block “{def.id}”</h3>
      {mine.length === 0 && <p className="muted">None of this node’s parameters is exposed: every instance uses the values above.</p>}
      <ul className="ports">
        {mine.map((p) => (
          <li key={p.name} data-testid={`exposed-${p.name}`}>
            <code>{p.name}</code>
            <span className="muted"> → {p.targets.map((t) => `${t.node}.${t.param}`).join(', ')}</span>
            <button className="link" data-testid={`unexpose-${p.name}`} onClick={() => update(def.params.filter((q) => q.name !== p.name))}>
              stop exposing
            </button>
          </li>
        ))}
      </ul>
      {options.length > 0 && (
        <div className="expose__add">
          <select aria-label="parameter to expose" data-testid="expose-path" value={path} onChange={(e) => setPath(e.target.value)}>
            {options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
          <button data-testid="expose-add" onClick={expose}>
            Expose
          </button>
        </div>
      )}
    </section>
  );
}
