/** The right-hand panel: the selected node's label and parameters, or the graph's settings when nothing is selected. */
import { useStore } from '../state/store.js';
import type { Studio } from '../studio.js';
import { NodeInspector } from './NodeInspector.js';
import { GraphSettings } from './GraphSettings.js';

export function Inspector({ studio }: { studio: Studio }) {
  const { selection } = useStore(studio.ui);
  const { graph } = useStore(studio.doc);
  const node = selection.length === 1 ? graph.nodes.find((n) => n.id === selection[0]) : undefined;
  return (
    <aside className="inspector" data-testid="inspector" aria-label="Inspector">
      {selection.length > 1 ? (
        <div className="inspector__empty" data-testid="inspector-multi">
          {selection.length} nodes selected
        </div>
      ) : node ? (
        // Keyed by node: switching nodes must not carry one node's draft into another's form.
        <NodeInspector key={node.id} studio={studio} node={node} index={graph.nodes.indexOf(node)} />
      ) : (
        <GraphSettings studio={studio} />
      )}
    </aside>
  );
}
