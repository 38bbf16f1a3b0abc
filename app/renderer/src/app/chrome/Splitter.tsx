/**
 * A drag handle on one edge of a panel that resizes it, and the panel's size remembered
 * in localStorage (per browser profile / desktop install). Panels sit beside the canvas in
 * the workbench's grid, so resizing one gives the canvas the room back; nothing overlays.
 * Keyboard: focus the handle, arrows move it by 16 px.
 */
import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';

export interface SizeLimits {
  readonly min: number;
  readonly max: number;
}

const clamp = (v: number, { min, max }: SizeLimits) => Math.round(Math.min(max, Math.max(min, v)));

/** A size kept under `key` in localStorage, within `limits`. */
export function useStoredSize(key: string, initial: number, limits: SizeLimits): [number, (next: number) => void] {
  const [size, setSize] = useState(() => {
    try {
      const stored = Number(localStorage.getItem(key));
      return stored > 0 ? clamp(stored, limits) : initial;
    } catch {
      return initial;
    }
  });
  const set = useCallback(
    (next: number) => {
      const v = clamp(next, limits);
      setSize(v);
      try {
        localStorage.setItem(key, String(v));
      } catch {
        // Storage refused: the size holds for this session.
      }
    },
    [key, limits],
  );
  return [size, set];
}

/**
 * The handle, on the `edge` of its (position: relative) panel: dragging away from the
 * panel's inside makes it larger.
 */
export function Splitter({ edge, size, onResize, testId, label }: { edge: 'left' | 'top'; size: number; onResize(next: number): void; testId: string; label: string }) {
  const start = useRef<{ at: number; size: number } | null>(null);
  const coord = (e: PointerEvent) => (edge === 'left' ? e.clientX : e.clientY);
  const down = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    start.current = { at: coord(e), size };
    e.preventDefault();
  };
  const move = (e: PointerEvent<HTMLDivElement>) => {
    if (start.current) onResize(start.current.size - (coord(e) - start.current.at));
  };
  const up = () => {
    start.current = null;
  };
  const key = (e: KeyboardEvent<HTMLDivElement>) => {
    const grow: Readonly<Record<string, number>> = edge === 'left' ? { ArrowLeft: 16, ArrowRight: -16 } : { ArrowUp: 16, ArrowDown: -16 };
    const d = grow[e.key];
    if (d !== undefined) {
      onResize(size + d);
      e.preventDefault();
    }
  };
  return (
    <div
      className={`splitter splitter--${edge}`}
      role="separator"
      aria-orientation={edge === 'left' ? 'vertical' : 'horizontal'}
      aria-label={label}
      aria-valuenow={size}
      tabIndex={0}
      data-testid={testId}
      data-size={size}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={up}
      onKeyDown={key}
    />
  );
}
