/**
 * Selection: the area plugin's Selector, told to report changes (it has no events), plus
 * modifier-click accumulation and Shift-drag rubber-band selection on the background.
 */
import { AreaExtensions, type AreaPlugin } from 'rete-area-plugin';
import type { AreaExtra, Position, Schemes } from './schemes.js';

export interface Entity {
  label: string;
  id: string;
  unselect(): void | Promise<void>;
  translate(dx: number, dy: number): void | Promise<void>;
}

export class NotifyingSelector extends AreaExtensions.Selector<Entity> {
  constructor(private readonly changed: () => void) {
    super();
  }

  override async add(entity: Entity, accumulate: boolean): Promise<void> {
    await super.add(entity, accumulate);
    this.changed();
  }

  override async remove(entity: Pick<Entity, 'label' | 'id'>): Promise<void> {
    await super.remove(entity);
    this.changed();
  }

  /** Selected ids of one kind of entity ('node', 'connection', 'comment'), in selection order. */
  idsOf(label: string): string[] {
    return [...this.entities.values()].filter((e) => e.label === label).map((e) => e.id);
  }
}

export interface Press {
  /** Ctrl, ⌘ or Shift was held. */
  modifier: boolean;
  /** The press landed on a node that was already selected. */
  onSelected: boolean;
}

/**
 * Accumulate while Ctrl, ⌘ or Shift was held at the last pointer press (read from the press
 * itself, not from keydown/keyup tracking, which sticks when a key is released elsewhere),
 * or when the press landed on a selected node: dragging one node of a selection drags them all.
 */
export function pointerAccumulating(root: HTMLElement): { active(): boolean; lastPress(): Press; destroy(): void } {
  let press: Press = { modifier: false, onSelected: false };
  const down = (e: PointerEvent) => {
    const target = e.target instanceof Element ? e.target : null;
    press = {
      modifier: e.ctrlKey || e.metaKey || e.shiftKey,
      onSelected: Boolean(target?.closest('.ase-node[data-selected="true"]')),
    };
  };
  root.addEventListener('pointerdown', down, true);
  return {
    active: () => press.modifier || press.onSelected,
    lastPress: () => press,
    destroy: () => root.removeEventListener('pointerdown', down, true),
  };
}

export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.left <= b.right && b.left <= a.right && a.top <= b.bottom && b.top <= a.bottom;
}

/** Client coordinates → area (document) coordinates. */
/**
 * Where the pointer is over the canvas, in area coordinates, or undefined once it has
 * left it (a paste then falls back to an offset from the originals).
 */
export function trackPointer(root: HTMLElement, toArea: (clientX: number, clientY: number) => Position): { at(): Position | undefined; destroy(): void } {
  let last: { x: number; y: number } | undefined;
  const move = (e: PointerEvent) => void (last = { x: e.clientX, y: e.clientY });
  const leave = () => void (last = undefined);
  root.addEventListener('pointermove', move);
  root.addEventListener('pointerleave', leave);
  return {
    // Converted when asked: the view may have panned or zoomed since the pointer stopped.
    at: () => (last ? toArea(last.x, last.y) : undefined),
    destroy() {
      root.removeEventListener('pointermove', move);
      root.removeEventListener('pointerleave', leave);
    },
  };
}

export function clientToArea(area: AreaPlugin<Schemes, AreaExtra>, clientX: number, clientY: number): Position {
  const box = area.container.getBoundingClientRect();
  const { x, y, k } = area.area.transform;
  return { x: (clientX - box.left - x) / k, y: (clientY - box.top - y) / k };
}

/**
 * Shift-drag on the empty canvas draws a box; the nodes it touches become the selection
 * (added to it when Ctrl/⌘ is also held). A plain drag still pans.
 */
export function rubberBand(
  root: HTMLElement,
  area: AreaPlugin<Schemes, AreaExtra>,
  nodeRects: () => { id: string; rect: Rect }[],
  select: (ids: string[], accumulate: boolean) => void,
): () => void {
  const isBackground = (t: EventTarget | null) => t === area.container || t === area.area.content.holder;

  const down = (e: PointerEvent) => {
    if (!e.shiftKey || e.button !== 0 || !isBackground(e.target)) return;
    e.stopPropagation();
    e.preventDefault();
    const start = { x: e.clientX, y: e.clientY };
    const rootBox = root.getBoundingClientRect();
    const box = document.createElement('div');
    box.className = 'ase-rubber-band';
    box.dataset.testid = 'rubber-band';
    root.appendChild(box);
    const clientRect = (x: number, y: number): Rect => ({
      left: Math.min(start.x, x),
      top: Math.min(start.y, y),
      right: Math.max(start.x, x),
      bottom: Math.max(start.y, y),
    });
    const move = (m: PointerEvent) => {
      const r = clientRect(m.clientX, m.clientY);
      Object.assign(box.style, {
        left: `${r.left - rootBox.left}px`,
        top: `${r.top - rootBox.top}px`,
        width: `${r.right - r.left}px`,
        height: `${r.bottom - r.top}px`,
      });
    };
    const up = (u: PointerEvent) => {
      window.removeEventListener('pointermove', move, true);
      window.removeEventListener('pointerup', up, true);
      box.remove();
      const r = clientRect(u.clientX, u.clientY);
      const a = clientToArea(area, r.left, r.top);
      const b = clientToArea(area, r.right, r.bottom);
      const picked = { left: a.x, top: a.y, right: b.x, bottom: b.y };
      select(
        nodeRects().filter((n) => intersects(picked, n.rect)).map((n) => n.id),
        u.ctrlKey || u.metaKey,
      );
    };
    window.addEventListener('pointermove', move, true);
    window.addEventListener('pointerup', up, true);
  };
  root.addEventListener('pointerdown', down, true);
  return () => root.removeEventListener('pointerdown', down, true);
}
