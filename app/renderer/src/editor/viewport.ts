/** The view onto the graph: its centre, setting it, and fitting the graph into it. */
import { AreaExtensions, type AreaPlugin } from 'rete-area-plugin';
import type { Viewport } from './document.js';
import type { AreaExtra, EditorNode, Position, Schemes } from './schemes.js';

export interface View {
  centre(): Position;
  set(viewport: Viewport): Promise<void>;
  fit(nodes: readonly EditorNode[]): Promise<void>;
  destroy(): void;
}

/** Space kept between a fitted graph and the canvas's edges or the minimap, in pixels. */
const MINIMAP_GAP = 12;

export function createView(area: AreaPlugin<Schemes, AreaExtra>, observed: HTMLElement, nodes: () => readonly EditorNode[]): View {
  const size = () => ({ width: area.container.clientWidth, height: area.container.clientHeight });
  let fitPending = false;

  const set = async (v: Viewport) => {
    await area.area.zoom(v.zoom, 0, 0);
    await area.area.translate(v.x, v.y);
  };

  const fit = async (list: readonly EditorNode[]) => {
    const { width, height } = size();
    // Fitting into a zero-size box gives nonsense (a document loaded into a hidden
    // canvas): fit once the canvas has a size.
    fitPending = width === 0 || height === 0;
    if (fitPending) return;
    if (list.length === 0) await set({ x: width / 2, y: height / 2, zoom: 1 });
    else {
      await AreaExtensions.zoomAt(area, [...list], { scale: 0.9 });
      await clearOfMinimap(list);
    }
  };

  /**
   * The minimap floats over the canvas's bottom-right corner: when the fitted graph runs
   * under it, fit again into the part of the canvas left of it, so no node is covered.
   */
  const clearOfMinimap = async (list: readonly EditorNode[]) => {
    const map = area.container.querySelector('[data-testid="minimap"]')?.getBoundingClientRect();
    const boxes = list.flatMap((n) => area.nodeViews.get(n.id)?.element.getBoundingClientRect() ?? []);
    if (!map || boxes.length === 0) return;
    const box = {
      left: Math.min(...boxes.map((b) => b.left)),
      top: Math.min(...boxes.map((b) => b.top)),
      right: Math.max(...boxes.map((b) => b.right)),
      bottom: Math.max(...boxes.map((b) => b.bottom)),
    };
    const covered = box.right > map.left && box.bottom > map.top && box.left < map.right && box.top < map.bottom;
    if (!covered) return;
    const canvas = area.container.getBoundingClientRect();
    const room = { width: map.left - canvas.left - 2 * MINIMAP_GAP, height: area.container.clientHeight - 2 * MINIMAP_GAP };
    if (room.width <= 0) return;
    const { x, y, k } = area.area.transform;
    // The graph's extent in graph coordinates, then scaled to fit the room and centred in it.
    const world = { left: (box.left - canvas.left - x) / k, top: (box.top - canvas.top - y) / k, width: (box.right - box.left) / k, height: (box.bottom - box.top) / k };
    const zoom = Math.min(k, room.width / world.width, room.height / world.height);
    await area.area.zoom(zoom, 0, 0);
    await area.area.translate(MINIMAP_GAP + (room.width - world.width * zoom) / 2 - world.left * zoom, MINIMAP_GAP + (room.height - world.height * zoom) / 2 - world.top * zoom);
  };

  const observer =
    typeof ResizeObserver === 'undefined'
      ? undefined
      : new ResizeObserver(() => {
          if (fitPending) void fit(nodes());
        });
  observer?.observe(observed);

  return {
    centre() {
      const { x, y, k } = area.area.transform;
      const { width, height } = size();
      return { x: (width / 2 - x) / k, y: (height / 2 - y) / k };
    },
    set,
    fit,
    destroy: () => observer?.disconnect(),
  };
}
