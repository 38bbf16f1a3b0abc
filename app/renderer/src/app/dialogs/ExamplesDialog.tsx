/** The examples gallery: every bundled graph with its description; a click opens it. */
import { useEffect, useState } from 'react';
import type { ExampleInfo } from '../../../../shared/api.js';
import type { Studio } from '../studio.js';
import { Modal } from './Modal.js';

export function ExamplesDialog({ studio }: { studio: Studio }) {
  const [examples, setExamples] = useState<readonly ExampleInfo[] | null>(null);
  useEffect(() => {
    void studio.call('examples.list', {}).then((r) => setExamples(r ?? []));
  }, [studio]);
  return (
    <Modal title="Examples" testId="examples-dialog" onClose={() => studio.ui.close()} wide>
      {examples === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <div className="gallery">
          {examples.map((e) => (
            <button key={e.id} className="gallery__card" data-testid={`example-${e.id}`} onClick={() => void studio.openExample(e.id)}>
              <span className="gallery__name">{e.name}</span>
              <span className="gallery__description">{e.description}</span>
              <span className="gallery__meta">{e.nodes} nodes</span>
            </button>
          ))}
        </div>
      )}
    </Modal>
  );
}
