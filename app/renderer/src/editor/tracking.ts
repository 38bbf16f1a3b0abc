/**
 * Turns what happens on the canvas into undo steps: node and wire additions/removals as
 * they occur, and user gestures (a node drag, a wire being drawn, a comment drag) as the
 * brackets of one step each.
 */
import {
  AddConnectionAction,
  AddNodeAction,
  capturePositions,
  movesBetween,
  MoveAction,
  positionOf,
  RemoveConnectionAction,
  RemoveNodeAction,
} from './actions.js';
import type { SocketData } from 'rete-connection-plugin';
import type { Canvas } from './canvas.js';
import { CommentsAction, sameComments, type CommentsModel, type CommentState } from './comments.js';
import type { Recorded, Recorder, StepProbe } from './history.js';
import type { EditorConnection, Position } from './schemes.js';

export interface Snapshot {
  positions: Map<string, Position>;
  comments: CommentState[];
}

export function snapshotProbe(canvas: Canvas, comments: CommentsModel): StepProbe<Snapshot> {
  return {
    capture: () => ({ positions: capturePositions(canvas), comments: comments.capture() }),
    diff(before, after) {
      const first: Recorded[] = [];
      const last: Recorded[] = [];
      if (!sameComments(before.comments, after.comments)) {
        first.push({ action: new CommentsAction(comments, before.comments, after.comments), reason: 'comment' });
      }
      const moves = movesBetween(before.positions, after.positions);
      if (moves.length > 0) last.push({ action: new MoveAction(canvas, moves), reason: 'position' });
      return { first, last };
    },
  };
}

interface WireGesture {
  detached: EditorConnection[];
  created: EditorConnection[];
  refused: boolean;
}

export interface Tracking {
  /** The wire being drawn was refused: a wire picked off an input goes back where it was. */
  refuseWire(): void;
  destroy(): void;
}

/**
 * A new wire (not one pulled off an input) dropped on the empty canvas at `at` (area
 * coordinates): search-to-add. Told from this pipe rather than one of its own, since another
 * pipe on the connection plugin delays every signal by a tick and the wire gesture above
 * would miss the removal of a picked-off wire.
 */
export type WireDropped = (from: SocketData, at: Position) => void;

export function trackEdits(canvas: Canvas, recorder: Recorder<Snapshot>, wireDropped?: WireDropped): Tracking {
  const { editor, area, connection, root } = canvas;
  let dragging = false;
  let wire: WireGesture | null = null;
  // After the drop, until the step is closed: the dropped wire is added asynchronously.
  let landing: WireGesture | null = null;
  let commentDrag = false;

  editor.addPipe((context) => {
    switch (context.type) {
      case 'nodecreated':
        recorder.record(new AddNodeAction(canvas, context.data), 'structure');
        break;
      case 'noderemove':
        // Before removal, while the view still knows where the node is.
        recorder.record(new RemoveNodeAction(canvas, context.data, positionOf(canvas, context.data.id) ?? { x: 0, y: 0 }), 'structure');
        break;
      case 'connectioncreated':
        if (!recorder.quiet) (wire ?? landing)?.created.push(context.data);
        recorder.record(new AddConnectionAction(canvas, context.data), 'structure');
        break;
      case 'connectionremoved':
        if (!recorder.quiet) (wire ?? landing)?.detached.push(context.data);
        recorder.record(new RemoveConnectionAction(canvas, context.data), 'structure');
        break;
    }
    return context;
  });

  // Registered after the comment plugin, so frames have re-linked a dropped node by the time the drag ends.
  area.addPipe((context) => {
    if (context.type === 'nodepicked' && !dragging) {
      dragging = true;
      recorder.begin();
    } else if (context.type === 'nodedragged') {
      // The selector keeps the dragged node "picked" after release, and moves the rest of the
      // selection along whenever that node moves again (undo, arrange): let go of it.
      canvas.selector.release();
      if (dragging) {
        dragging = false;
        recorder.end();
      }
    }
    return context;
  });

  /**
   * A wire picked off an input and refused elsewhere, or dropped back where it was, ends
   * where it started: put the original back (same object, same place in the document) and
   * record nothing.
   */
  const finishWire = async (w: WireGesture) => {
    if (landing === w) landing = null;
    const key = (c: EditorConnection) => `${c.source}.${String(c.sourceOutput)}>${c.target}.${String(c.targetInput)}`;
    const keys = (list: EditorConnection[]) => list.map(key).sort().join('\n');
    const unchanged = w.detached.length > 0 && (w.refused ? w.created.length === 0 : keys(w.created) === keys(w.detached));
    if (!unchanged) {
      recorder.end();
      return;
    }
    await recorder.silently(async () => {
      for (const c of w.created) if (editor.getConnection(c.id)) await editor.removeConnection(c.id);
      for (const c of w.detached) if (!editor.getConnection(c.id)) await editor.addConnection(c);
    });
    recorder.discard();
  };

  connection.addPipe((context) => {
    if (context.type === 'connectionpick' && !wire) {
      wire = { detached: [], created: [], refused: false };
      recorder.begin();
    } else if (context.type === 'connectiondrop' && wire) {
      const w = wire;
      wire = null;
      landing = w;
      // The new connection is added asynchronously after the drop: let it land in this step.
      setTimeout(() => void finishWire(w), 0);
      const at = area.area.pointer as Position | undefined;
      if (wireDropped && context.data.socket === null && !context.data.created && w.detached.length === 0 && at) {
        const { initial } = context.data;
        setTimeout(() => wireDropped(initial, { x: at.x, y: at.y }), 0);
      }
    }
    return context;
  });

  const commentDown = (e: PointerEvent) => {
    const target = e.target instanceof Element ? e.target : null;
    if (e.button !== 0 || commentDrag || !target?.closest('[data-comment-id]')) return;
    commentDrag = true;
    recorder.begin();
    window.addEventListener(
      'pointerup',
      () => {
        commentDrag = false;
        canvas.selector.release();
        recorder.end();
      },
      { once: true, capture: true },
    );
  };
  root.addEventListener('pointerdown', commentDown, true);

  return {
    refuseWire() {
      if (wire) wire.refused = true;
    },
    destroy() {
      root.removeEventListener('pointerdown', commentDown, true);
    },
  };
}
