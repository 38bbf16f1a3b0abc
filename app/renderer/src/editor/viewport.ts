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
    else await AreaExtensions.zoomAt(area, [...list], { scale: 0.9 });
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
