/**
 * The palette's blocks: the graph's block definitions, each added as a new instance by a
 * click (or dragged onto the canvas), and the block commands: make one of the selection,
 * import a library, export them all.
 */
import type { CSSProperties } from 'react';
import { blockTitle } from '../../../../../nodes/blocks.js';
import { CATEGORY_COLOURS } from '../../editor/layout.js';
import { runCommand } from '../dispatch.js';
import { useStore } from '../state/store.js';
import type { Studio } from '../studio.js';
import './blocks.css';

export const BLOCK_DRAG_TYPE = 'application/x-attractor-block';

export function BlocksPalette({ studio }: { studio: Studio }) {
  const { graph } = useStore(studio.doc);
  return (
    <section className="palette__group" data-testid="palette-blocks">
      <h3>Blocks</h3>
      {graph.blocks.length === 0 && <p className="muted small pad">Select nodes and make a block of them, or import a library.</p>}
      {graph.blocks.map((d) => (
        <button
          key={d.id}
          className="palette__item"
          style={{ '--cat': CATEGORY_COLOURS.blocks } as CSSProperties}
          data-testid={`palette-block-${d.id}`}
          title={d.description || `block "${d.id}": add an instance`}
          draggable
          onDragStart={(e) => {
            e.dataTransfer.setData(BLOCK_DRAG_TYPE, d.id);
            e.dataTransfer.effectAllowed = 'copy';
          }}
          onClick={() => void studio.editor?.addBlock(d.id)}
        >
          <span className="palette__swatch" />
          <span className="palette__title">{blockTitle(d)}</span>
        </button>
      ))}
      <div className="palette__actions">
        <button className="link" data-testid="palette-make-block" onClick={() => void runCommand(studio, 'makeBlock')}>
          Make block
        </button>
        <button className="link" data-testid="palette-import-blocks" onClick={() => void runCommand(studio, 'importBlocks')}>
          Import…
        </button>
        <button className="link" data-testid="palette-export-blocks" onClick={() => void runCommand(studio, 'exportBlocks')}>
          Export…
        </button>
      </div>
    </section>
  );
}
