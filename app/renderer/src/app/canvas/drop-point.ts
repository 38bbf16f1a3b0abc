/**
 * Where on the graph a palette item was dropped. GraphEditor takes graph
 * coordinates; the canvas's viewport (toGraph().editor: the area's translation
 * and zoom, as Rete's area transform applies them: screen = graph·zoom + t)
 * converts the pointer's position inside the canvas. Without a viewport the
 * node goes to the centre, as a click would place it.
 */
import type { GraphEditor } from '../../editor/types.js';

export function dropPoint(editor: GraphEditor, container: HTMLElement, clientX: number, clientY: number): { x: number; y: number } | undefined {
  const view = editor.toGraph().editor;
  if (!view || !(view.zoom > 0)) return undefined;
  const rect = container.getBoundingClientRect();
  return { x: (clientX - rect.left - view.x) / view.zoom, y: (clientY - rect.top - view.y) / view.zoom };
}
