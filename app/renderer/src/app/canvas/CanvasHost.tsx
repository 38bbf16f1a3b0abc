/**
 * Mounts the Rete canvas (app/renderer/src/editor) and hands it to the Studio.
 * Also the palette's drop target, and on an empty graph the way in: Examples.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { isKindId } from '../../../../../nodes/catalog.js';
import { createGraphEditor } from '../../editor/index.js';
import { useStore } from '../state/store.js';
import type { Studio } from '../studio.js';
import { KIND_DRAG_TYPE, addKind } from '../chrome/Palette.js';
import { dropPoint } from './drop-point.js';
import { BLOCK_DRAG_TYPE } from '../blocks/BlocksPalette.js';

export function CanvasHost({ studio, onReady }: { studio: Studio; onReady(): void }) {
  const container = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const { graph } = useStore(studio.doc);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    let cancelled = false;
    let detach: (() => void) | undefined;
    let destroy: (() => void) | undefined;
    void (async () => {
      try {
        const editor = await createGraphEditor(el, {
          onRefusedConnection: (reason) => studio.ui.notify(`Connection refused: ${reason}`, 'error'),
          onRefused: (reason) => studio.ui.notify(reason, 'error'),
        });
        if (cancelled) return editor.destroy();
        destroy = () => editor.destroy();
        detach = studio.attachEditor(editor);
        onReady();
      } catch (err) {
        setFailed(err instanceof Error ? err.message : String(err));
      }
    })();
    return () => {
      cancelled = true;
      detach?.();
      destroy?.();
    };
    // Once per Studio: onReady is read when the canvas is created, not tracked.
  }, [studio]);

  const onDragOver = (e: DragEvent) => {
    if (!e.dataTransfer.types.includes(KIND_DRAG_TYPE) && !e.dataTransfer.types.includes(BLOCK_DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  };
  const onDrop = (e: DragEvent) => {
    const block = e.dataTransfer.getData(BLOCK_DRAG_TYPE);
    if (block && studio.editor && container.current) {
      e.preventDefault();
      void studio.editor.addBlock(block, dropPoint(studio.editor, container.current, e.clientX, e.clientY));
      return;
    }
    const kind = e.dataTransfer.getData(KIND_DRAG_TYPE);
    if (!isKindId(kind) || !studio.editor || !container.current) return;
    e.preventDefault();
    void addKind(studio, kind, dropPoint(studio.editor, container.current, e.clientX, e.clientY));
  };

  return (
    <main className="canvas" onDragOver={onDragOver} onDrop={onDrop} aria-label="Graph canvas">
      <div className="canvas__editor" ref={container} data-testid="canvas" />
      {graph.nodes.length === 0 && !failed && (
        <div className="canvas__empty" data-testid="empty-canvas">
          <p>Start from an example, or drag nodes from the palette.</p>
          <button className="primary big" data-testid="empty-examples" onClick={() => studio.ui.show({ kind: 'examples' })}>
            Browse examples
          </button>
        </div>
      )}
      {failed && (
        <div className="canvas__empty" role="alert">
          <p>The canvas could not start: {failed}</p>
        </div>
      )}
    </main>
  );
}
