/**
 * The right-hand panel: the selected node's label and parameters, or the graph's settings
 * when nothing is selected. Inside a block, the nodes are the definition's, and with
 * nothing selected the panel edits the definition.
 */
import { Fragment } from 'react';
import { isBlockInstance, PATH_SEPARATOR } from '../../../../../nodes/blocks.js';
import type { DocNode } from '../../../../../nodes/graph.js';
import type { PathSegment } from '../../../../../nodes/problems.js';
import { useStore } from '../state/store.js';
import type { Studio } from '../studio.js';
import { NodeInspector } from './NodeInspector.js';
import { GraphSettings } from './GraphSettings.js';
import { BlockInspector } from '../blocks/BlockInspector.js';
import { DefinitionInspector } from '../blocks/DefinitionInspector.js';
import { ExposeParams } from '../blocks/ExposeParams.js';

export function Inspector({ studio }: { studio: Studio }) {
  const { selection } = useStore(studio.ui);
  const { graph } = useStore(studio.doc);
  const path = useStore(studio.blockPath);
  const shown = path.length > 0 ? path[path.length - 1].block : undefined;
  const defIndex = shown === undefined ? -1 : graph.blocks.findIndex((d) => d.id === shown);
  const def = defIndex >= 0 ? graph.blocks[defIndex] : undefined;
  const nodes: readonly DocNode[] = def ? def.nodes : graph.nodes;
  const node = selection.length === 1 ? nodes.find((n) => n.id === selection[0]) : undefined;
  const index = node ? nodes.indexOf(node) : -1;
  const at: PathSegment[] = def ? ['blocks', defIndex, 'nodes', index] : ['nodes', index];
  const problemNodeId = node ? [...path.map((s) => s.instance), node.id].join(PATH_SEPARATOR) : '';
  const definitions = new Map(graph.blocks.map((d) => [d.id, d]));
  return (
    <aside className="inspector" data-testid="inspector" aria-label="Inspector">
      {selection.length > 1 ? (
        <div className="inspector__empty" data-testid="inspector-multi">
          {selection.length} nodes selected
        </div>
      ) : node && isBlockInstance(node) ? (
        <BlockInspector key={`${shown ?? ''}/${node.id}`} studio={studio} node={node} at={at} problemNodeId={problemNodeId} />
      ) : node ? (
        // Keyed by node: switching nodes must not carry one node's draft into another's form.
        <Fragment key={`${shown ?? ''}/${node.id}`}>
          <NodeInspector studio={studio} node={node} index={index} at={at} problemNodeId={problemNodeId} />
          {def && <ExposeParams studio={studio} def={def} node={node} />}
        </Fragment>
      ) : def ? (
        <DefinitionInspector studio={studio} def={def} definitions={definitions} />
      ) : (
        <GraphSettings studio={studio} />
      )}
    </aside>
  );
}
