/**
 * How the workbench's columns share its width. Each side column asks for a width (its
 * default or the size the user dragged it to); the canvas takes what is left, but never
 * less than `canvasMin`. When the asks do not fit, columns shrink towards their minimums
 * one after another in `shrinkOrder`; when even the minimums do not fit, the columns in
 * `collapseOrder` collapse to their handles, first one first. Nothing is ever laid over
 * anything else: a column that has no room is shown as its handle.
 */

export interface ColumnAsk {
  readonly id: string;
  /** The width asked for (stored or default), in CSS pixels. */
  readonly want: number;
  readonly min: number;
  /** The width it takes collapsed (its handle); absent: it never collapses. */
  readonly collapsed?: number;
}

export interface ColumnFit {
  /** Shown width of each column that is not collapsed. */
  readonly widths: Readonly<Record<string, number>>;
  /** Columns shown as their handle for want of room. */
  readonly collapsed: readonly string[];
  /** What is left for the canvas. */
  readonly canvas: number;
}

export interface FitRequest {
  readonly room: number;
  readonly canvasMin: number;
  readonly columns: readonly ColumnAsk[];
  /** Ids, the one to shrink first first; columns not named do not shrink. */
  readonly shrinkOrder: readonly string[];
  /** Ids of collapsible columns, the one to collapse first first. */
  readonly collapseOrder: readonly string[];
}

export function fitColumns(request: FitRequest): ColumnFit {
  const { collapseOrder, canvasMin } = request;
  // Collapse as few as will do; with all of them collapsed the rest is the best there is.
  let fit = shrinkToFit(request, new Set());
  for (let k = 1; fit.canvas < canvasMin && k <= collapseOrder.length; k++) fit = shrinkToFit(request, new Set(collapseOrder.slice(0, k)));
  return fit;
}

function shrinkToFit({ room, canvasMin, columns, shrinkOrder }: FitRequest, collapsed: ReadonlySet<string>): ColumnFit {
  const widths: Record<string, number> = {};
  let used = 0;
  for (const c of columns) {
    if (collapsed.has(c.id)) used += c.collapsed ?? 0;
    else used += widths[c.id] = Math.max(c.min, c.want);
  }
  let over = used + canvasMin - room;
  for (const id of shrinkOrder) {
    const c = columns.find((col) => col.id === id);
    if (over <= 0 || !c || collapsed.has(id)) continue;
    const take = Math.min(over, widths[id]! - c.min);
    widths[id] = widths[id]! - take;
    used -= take;
    over -= take;
  }
  return { widths, collapsed: columns.filter((c) => collapsed.has(c.id)).map((c) => c.id), canvas: room - used };
}
