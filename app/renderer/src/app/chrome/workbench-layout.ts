/**
 * The workbench's columns — palette | Runs | canvas | inspector | run panel — and the
 * bottom panel's height: what the user asked for (remembered in localStorage) fitted to
 * the window. The canvas keeps at least CANVAS_MIN × CANVAS_MIN_HEIGHT. Short of room,
 * the inspector, then the palette, then the side panel opened longer ago, then the one
 * opened last shrink to their minimums; still short, the side panel opened longer ago
 * (then the other) folds to its handle until there is room again. No panel is ever laid
 * over another or over the canvas.
 */
import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';
import { fitColumns, type ColumnAsk } from './fit-columns.js';
import { useStoredFlag, useStoredSize } from './Splitter.js';

/** A side panel's state as its component needs it: shown or not, and its shown width. */
export interface SideColumn {
  /** Open and given room (a panel folded for want of room shows its handle). */
  readonly open: boolean;
  /** Open, or asked to: false only after the user closed it. */
  readonly wanted: boolean;
  setOpen(open: boolean): void;
  readonly width: number;
  setWidth(next: number): void;
}

export const CANVAS_MIN = 280;
export const CANVAS_MIN_HEIGHT = 180;
/** A closed or folded side panel's handle (the vertical "▸ Runs" / "▸ Run" tab). */
export const HANDLE_WIDTH = 24;

const PALETTE = { want: 212, min: 160 };
const INSPECTOR = { want: 300, min: 220 };
const RUNS_LIMITS = { min: 260, max: 1400 };
const RUN_LIMITS = { min: 320, max: 1400 };
const BOTTOM_LIMITS = { min: 80, max: 700 };

type Side = 'runs' | 'run';

export interface WorkbenchLayout {
  /** For the workbench grid's `grid-template-columns`. */
  readonly columns: string;
  /** The bottom panel's shown height. */
  readonly bottom: number;
  setBottom(next: number): void;
  readonly runs: SideColumn;
  readonly run: SideColumn;
}

export function useWorkbenchLayout(workbench: RefObject<HTMLElement | null>): WorkbenchLayout {
  const room = useSize(workbench);
  const [runsWidth, setRunsWidth] = useStoredSize('attractor.layout.runs', 600, RUNS_LIMITS);
  const [runsOpen, setRunsOpen] = useStoredFlag('attractor.layout.runsOpen', false);
  const [runWidth, setRunWidth] = useStoredSize('attractor.layout.runDock', 560, RUN_LIMITS);
  const [runOpen, setRunOpen] = useState(false);
  const [bottom, setBottom] = useStoredSize('attractor.layout.bottom', 210, BOTTOM_LIMITS);
  // The side panel opened last keeps its room longest.
  const [last, setLast] = useState<Side>('run');
  const first: Side = last === 'run' ? 'runs' : 'run';
  // Stable, so the panels can hand them to effects.
  const openRuns = useCallback(
    (open: boolean) => {
      if (open) setLast('runs');
      setRunsOpen(open);
    },
    [setRunsOpen],
  );
  const openRun = useCallback((open: boolean) => {
    if (open) setLast('run');
    setRunOpen(open);
  }, []);

  const side = (id: Side, open: boolean, want: number, min: number): ColumnAsk => (open ? { id, want, min, collapsed: HANDLE_WIDTH } : { id, want: HANDLE_WIDTH, min: HANDLE_WIDTH });
  const fit = fitColumns({
    room: room.width,
    canvasMin: CANVAS_MIN,
    columns: [
      { id: 'palette', ...PALETTE },
      side('runs', runsOpen, runsWidth, RUNS_LIMITS.min),
      { id: 'inspector', ...INSPECTOR },
      side('run', runOpen, runWidth, RUN_LIMITS.min),
    ],
    shrinkOrder: ['inspector', 'palette', first, last],
    collapseOrder: [runsOpen, runOpen].every(Boolean) ? [first, last] : runsOpen ? ['runs'] : runOpen ? ['run'] : [],
  });
  const shown = (id: string) => (fit.collapsed.includes(id) ? HANDLE_WIDTH : fit.widths[id]!);
  const column = (id: Side, wanted: boolean, setOpen: (open: boolean) => void, setWidth: (next: number) => void): SideColumn => ({
    open: wanted && !fit.collapsed.includes(id),
    wanted,
    setOpen,
    width: shown(id),
    setWidth,
  });

  return {
    columns: `${shown('palette')}px ${shown('runs')}px minmax(0, 1fr) ${shown('inspector')}px ${shown('run')}px`,
    bottom: Math.max(BOTTOM_LIMITS.min, Math.min(bottom, room.height - CANVAS_MIN_HEIGHT)),
    setBottom,
    runs: column('runs', runsOpen, openRuns, setRunsWidth),
    run: column('run', runOpen, openRun, setRunWidth),
  };
}

/** The element's size, kept current (the window's until it is first measured). */
function useSize(ref: RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState(() => ({ width: window.innerWidth, height: window.innerHeight }));
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setSize((s) => (s.width === el.clientWidth && s.height === el.clientHeight ? s : { width: el.clientWidth, height: el.clientHeight }));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}
