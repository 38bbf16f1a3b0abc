/**
 * The node palette, generated from the catalog: grouped by category, filtered
 * by a search over title, id and doc. Click adds at the canvas centre; drag
 * onto the canvas adds at the drop point (CanvasHost reads the drag type).
 */
import { useMemo, useState, type CSSProperties } from 'react';
import { KINDS, type KindId } from '../../../../../nodes/catalog.js';
import type { Category } from '../../../../../nodes/kind.js';
import { CATEGORY_COLOURS } from '../../editor/layout.js';
import type { Studio } from '../studio.js';
import { BlocksPalette } from '../blocks/BlocksPalette.js';

export const KIND_DRAG_TYPE = 'application/x-attractor-kind';

const CATEGORIES: readonly { id: Category; title: string }[] = [
  { id: 'layers', title: 'Layers' },
  { id: 'couplings', title: 'Couplings' },
  { id: 'data', title: 'Data' },
  { id: 'training', title: 'Training' },
  { id: 'dynamics', title: 'Dynamics' },
];

export async function addKind(studio: Studio, kind: KindId, at?: { x: number; y: number }): Promise<void> {
  if (!studio.editor) return;
  const id = await studio.editor.addNode(kind, at);
  studio.editor.select([id]);
}

export function Palette({ studio }: { studio: Studio }) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const hit = (k: (typeof KINDS)[number]) => !q || [k.title, k.id, k.doc].some((s) => s.toLowerCase().includes(q));
    return CATEGORIES.map((c) => ({ ...c, kinds: KINDS.filter((k) => k.category === c.id && hit(k)) })).filter((g) => g.kinds.length > 0);
  }, [query]);

  return (
    <nav className="palette" aria-label="Node palette">
      <div className="palette__search">
        <input
          type="search"
          placeholder="Search nodes"
          aria-label="Search nodes"
          data-testid="palette-search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            // Enter adds the first match: search, Enter, done.
            const first = groups[0]?.kinds[0];
            if (e.key === 'Enter' && first) void addKind(studio, first.id);
            if (e.key === 'Escape') setQuery('');
          }}
        />
      </div>
      <div className="palette__list">
        {groups.length === 0 && <p className="muted pad">No node kind matches “{query}”.</p>}
        {groups.map((g) => (
          <section key={g.id} className="palette__group">
            <h3>{g.title}</h3>
            {g.kinds.map((k) => (
              <button
                key={k.id}
                className="palette__item"
                // The canvas colours nodes by category: the palette uses the same colours.
                style={{ '--cat': CATEGORY_COLOURS[k.category] } as CSSProperties}
                data-testid={`palette-${k.id}`}
                title={k.doc}
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData(KIND_DRAG_TYPE, k.id);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => void addKind(studio, k.id)}
              >
                <span className="palette__swatch" />
                <span className="palette__title">{k.title}</span>
              </button>
            ))}
          </section>
        ))}
        <BlocksPalette studio={studio} />
      </div>
    </nav>
  );
}
