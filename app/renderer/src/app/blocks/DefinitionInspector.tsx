/** Inside a block with nothing selected: the definition itself — name, description, exposed parameters and ports. */
import { blockTitle } from '../../../../../nodes/blocks.js';
import { blockPorts } from '../../../../../nodes/block-ports.js';
import type { BlockDefinition } from '../../../../../nodes/graph.js';
import type { Studio } from '../studio.js';
import { DefinitionFields } from './DefinitionFields.js';
import { PortList } from './PortList.js';

export function DefinitionInspector({ studio, def, definitions }: { studio: Studio; def: BlockDefinition; definitions: ReadonlyMap<string, BlockDefinition> }) {
  const ports = blockPorts(def, definitions);
  return (
    <div className="inspector__body" data-testid="definition-inspector">
      <header className="inspector__header">
        <h2>{blockTitle(def)}</h2>
        <code className="inspector__id">{def.id}</code>
        <p className="inspector__doc">Edits here change every instance of this block. Select a node to expose its parameters.</p>
      </header>
      <DefinitionFields studio={studio} def={def} />
      <h3 className="inspector__section">Exposed parameters</h3>
      {def.params.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ul className="ports">
          {def.params.map((p) => (
            <li key={p.name}>
              <code>{p.name}</code>
              <span className="muted"> → {p.targets.map((t) => `${t.node}.${t.param}`).join(', ')}</span>
            </li>
          ))}
        </ul>
      )}
      <h3 className="inspector__section">Ports</h3>
      <PortList inputs={ports.inputs} outputs={ports.outputs} />
    </div>
  );
}
