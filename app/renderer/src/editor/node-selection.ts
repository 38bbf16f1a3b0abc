/**
 * Selection as the GraphEditor reports it: node ids in document order, change events
 * coalesced to one per change, plus wires picked by click and nodes by rubber band.
 */
import type { Canvas } from './canvas.js';
import { WIRE_PICK_EVENT, type WirePickDetail } from './node-view.js';
import { orderedNodes } from './records.js';
import { rubberBand } from './selection.js';

export interface NodeSelection {
  ids(): string[];
  /** Replaces the selection. Synchronous in effect: the selector updates its entities before its first await. */
  select(ids: readonly string[]): void;
  onChange(listener: (ids: string[]) => void): () => void;
  /** The selector changed (possibly several times in a row): report once, if the node ids differ. */
  changed(): void;
  destroy(): void;
}

export function createNodeSelection(canvas: Canvas): NodeSelection {
  const { editor, area, selector } = canvas;
  const listeners = new Set<(ids: string[]) => void>();
  let reported = '';
  let queued = false;

  const ids = () => {
    const chosen = new Set(selector.idsOf('node'));
    return orderedNodes(canvas)
      .filter((n) => chosen.has(n.id))
      .map((n) => n.id);
  };

  const select = (wanted: readonly string[]) => {
    void selector.unselectAll();
    for (const id of new Set(wanted)) if (editor.getNode(id)) void canvas.selectable.select(id, true);
  };

  const pickWire = (e: Event) => {
    const { id, accumulate } = (e as CustomEvent<WirePickDetail>).detail;
    const wire = editor.getConnection(id);
    if (!wire) return;
    const unselect = () => {
      wire.selected = false;
      void area.update('connection', id);
    };
    void selector.add({ id, label: 'connection', translate: () => undefined, unselect }, accumulate);
    wire.selected = true;
    void area.update('connection', id);
  };
  canvas.root.addEventListener(WIRE_PICK_EVENT, pickWire);

  // Rete's selector keeps removed things selected; drop them.
  editor.addPipe((context) => {
    if (context.type === 'noderemoved') void selector.remove({ id: context.data.id, label: 'node' });
    if (context.type === 'connectionremoved') void selector.remove({ id: context.data.id, label: 'connection' });
    return context;
  });
  canvas.comments.addPipe((context) => {
    if (context.type === 'commentremoved') void selector.remove({ id: context.data.id, label: 'comment' });
    return context;
  });

  // A press on a node of a multi-selection keeps the selection (to drag it all); released
  // without moving, it was a click: that node alone becomes the selection.
  let clicked: { id: string; x: number; y: number } | null = null;
  area.addPipe((context) => {
    if (context.type === 'nodepicked') {
      const press = canvas.accumulating.lastPress();
      const at = area.nodeViews.get(context.data.id)?.position;
      clicked = press.onSelected && !press.modifier && at ? { id: context.data.id, x: at.x, y: at.y } : null;
    } else if (context.type === 'nodedragged' && clicked) {
      const at = area.nodeViews.get(clicked.id)?.position;
      if (at && at.x === clicked.x && at.y === clicked.y) select([clicked.id]);
      clicked = null;
    }
    return context;
  });

  const stopRubberBand = rubberBand(
    canvas.root,
    area,
    () =>
      editor.getNodes().flatMap((n) => {
        const p = area.nodeViews.get(n.id)?.position;
        return p ? [{ id: n.id, rect: { left: p.x, top: p.y, right: p.x + n.width, bottom: p.y + n.height } }] : [];
      }),
    (picked, accumulate) => select(accumulate ? [...ids(), ...picked] : picked),
  );

  return {
    ids,
    select,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    changed() {
      if (queued) return;
      queued = true;
      queueMicrotask(() => {
        queued = false;
        const now = ids();
        if (now.join('\n') === reported) return;
        reported = now.join('\n');
        [...listeners].forEach((l) => l([...now]));
      });
    },
    destroy() {
      listeners.clear();
      stopRubberBand();
      canvas.root.removeEventListener(WIRE_PICK_EVENT, pickWire);
    },
  };
}
