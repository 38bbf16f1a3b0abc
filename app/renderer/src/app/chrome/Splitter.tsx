/**
 * A drag handle on one edge of a panel that resizes it, and the panel's size (and a side
 * panel's open state) remembered in localStorage (per browser profile / desktop install).
 * Panels sit beside the canvas in the workbench's grid, so resizing one gives the canvas
 * the room back; nothing overlays.
 * Keyboard: focus the handle, arrows move it by 16 px.
 */
import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';

export interface SizeLimits {
  readonly min: number;
  readonly max: number;
}

const clamp = (v: number, { min, max }: SizeLimits) => Math.round(Math.min(max, Math.max(min, v)));

/**
 * A value kept under `key` in localStorage: `read` turns what is stored (null: nothing, or
 * storage refused) into the value; `fix` brings a value to be set within bounds.
 */
function useStored<T>(key: string, read: (stored: string | null) => T, fix: (next: T) => T): [T, (next: T) => void] {
  const [value, setValue] = useState(() => {
    try {
      return read(localStorage.getItem(key));
    } catch {
      return read(null);
    }
  });
  const set = useCallback(
    (next: T) => {
      const v = fix(next);
      setValue(v);
      try {
        localStorage.setItem(key, String(v));
      } catch {
        // Storage refused: the value holds for this session.
      }
    },
    [key, fix],
  );
  return [value, set];
}

/** A size kept under `key` in localStorage, within `limits` (a constant: it keys the setter). */
export function useStoredSize(key: string, initial: number, limits: SizeLimits): [number, (next: number) => void] {
  const read = useCallback((stored: string | null) => (Number(stored) > 0 ? clamp(Number(stored), limits) : initial), [limits, initial]);
  const fix = useCallback((next: number) => clamp(next, limits), [limits]);
  return useStored(key, read, fix);
}

const asIs = <T,>(v: T) => v;

/** An open/closed state kept under `key` in localStorage. */
export function useStoredFlag(key: string, initial: boolean): [boolean, (next: boolean) => void] {
  const read = useCallback((stored: string | null) => (stored === null ? initial : stored === 'true'), [initial]);
  return useStored(key, read, asIs<boolean>);
}

/**
 * The handle, on the `edge` of its (position: relative) panel: dragging away from the
 * panel's inside makes it larger. `size` is the panel's shown size, where a drag starts.
 */
export function Splitter({ edge, size, onResize, testId, label }: { edge: 'left' | 'right' | 'top'; size: number; onResize(next: number): void; testId: string; label: string }) {
  const start = useRef<{ at: number; size: number } | null>(null);
  // Which way is "larger": leftwards for a handle on the left edge, rightwards on the right, upwards on top.
  const outward = edge === 'right' ? 1 : -1;
  const coord = (e: PointerEvent) => (edge === 'top' ? e.clientY : e.clientX);
  const down = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    start.current = { at: coord(e), size };
    e.preventDefault();
  };
  const move = (e: PointerEvent<HTMLDivElement>) => {
    if (start.current) onResize(start.current.size + outward * (coord(e) - start.current.at));
  };
  const up = () => {
    start.current = null;
  };
  const key = (e: KeyboardEvent<HTMLDivElement>) => {
    const grow: Readonly<Record<string, number>> = edge === 'top' ? { ArrowUp: 16, ArrowDown: -16 } : { ArrowLeft: -16 * outward, ArrowRight: 16 * outward };
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
      aria-orientation={edge === 'top' ? 'horizontal' : 'vertical'}
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
