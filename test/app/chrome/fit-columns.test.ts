/**
 * The workbench's columns fitted to the window (chrome/fit-columns.ts): asks that fit are
 * kept; short of room, columns shrink in the given order down to their minimums, then the
 * collapsible ones fold to their handles, first one first; the canvas keeps its minimum
 * whenever folding can give it that.
 */
import { describe, expect, it } from 'vitest';
import { fitColumns, type FitRequest } from '../../../app/renderer/src/app/chrome/fit-columns.js';

// The shell's columns with both side panels open (asks and minimums as in workbench-layout.ts).
const everyPanelOpen = (room: number, runsWant = 420, runWant = 560): FitRequest => ({
  room,
  canvasMin: 280,
  columns: [
    { id: 'palette', want: 212, min: 160 },
    { id: 'runs', want: runsWant, min: 260, collapsed: 24 },
    { id: 'inspector', want: 300, min: 220 },
    { id: 'run', want: runWant, min: 320, collapsed: 24 },
  ],
  shrinkOrder: ['inspector', 'palette', 'runs', 'run'],
  collapseOrder: ['runs', 'run'],
});

const total = (widths: Readonly<Record<string, number>>) => Object.values(widths).reduce((a, b) => a + b, 0);

describe('fitColumns', () => {
  it('keeps every ask when they fit, and gives the canvas the rest', () => {
    const fit = fitColumns(everyPanelOpen(2400));
    expect(fit.widths).toEqual({ palette: 212, runs: 420, inspector: 300, run: 560 });
    expect(fit.collapsed).toEqual([]);
    expect(fit.canvas).toBe(2400 - 1492);
  });

  it('shrinks in order: the inspector to its minimum before the palette is touched, and so on', () => {
    // 1492 asked + 280 canvas = 1772; 80 short: the inspector alone gives it.
    expect(fitColumns(everyPanelOpen(1692)).widths).toEqual({ palette: 212, runs: 420, inspector: 220, run: 560 });
    // 200 short: inspector 80, palette 52, the Runs column the remaining 68.
    expect(fitColumns(everyPanelOpen(1572)).widths).toEqual({ palette: 160, runs: 352, inspector: 220, run: 560 });
  });

  it('at 1280 px with every panel open, nothing folds: the columns shrink and the canvas keeps its minimum', () => {
    const fit = fitColumns(everyPanelOpen(1280));
    expect(fit.collapsed).toEqual([]);
    // 492 short: inspector 80, palette 52, Runs 160 (to its minimum), the run panel the last 200.
    expect(fit.widths).toEqual({ palette: 160, runs: 260, inspector: 220, run: 360 });
    expect(fit.canvas).toBe(280);
    expect(total(fit.widths) + fit.canvas).toBe(1280);
  });

  it('at 1024 px the first in the collapse order folds to its handle, and the rest grow back what they can', () => {
    const fit = fitColumns(everyPanelOpen(1024));
    expect(fit.collapsed).toEqual(['runs']);
    expect(fit.widths).toEqual({ palette: 160, inspector: 220, run: 340 });
    expect(fit.canvas).toBe(280);
    expect(total(fit.widths) + 24 + fit.canvas).toBe(1024);
    // Folding the other one instead when it was opened longer ago.
    const other = fitColumns({ ...everyPanelOpen(1024), collapseOrder: ['run', 'runs'], shrinkOrder: ['inspector', 'palette', 'run', 'runs'] });
    expect(other.collapsed).toEqual(['run']);
    expect(other.widths).toEqual({ palette: 160, runs: 340, inspector: 220 });
  });

  it('folds everything it may when even that leaves the canvas short, and never grows a column past its ask', () => {
    const fit = fitColumns(everyPanelOpen(600));
    expect(fit.collapsed).toEqual(['runs', 'run']);
    expect(fit.widths).toEqual({ palette: 160, inspector: 220 });
    expect(fit.canvas).toBe(600 - 160 - 220 - 48);
  });

  it('never shrinks a column below its minimum, even when it asks for less', () => {
    const fit = fitColumns(everyPanelOpen(3000, 100, 100));
    expect(fit.widths.runs).toBe(260);
    expect(fit.widths.run).toBe(320);
  });
});
