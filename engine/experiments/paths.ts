/**
 * Where a graph's experiments live: its run folders in `NAME.runs/` and its sweeps in
 * `NAME.sweeps/`, beside the graph file (as its checkpoints live in `NAME.weights/`).
 * Ids sort by time, so a folder listing is a history.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, extname, join } from 'node:path';
import { GRAPH_EXTENSION } from '../../nodes/graph.js';

/** "examples/x.attractor.json" → "x". */
export function graphStem(graphFile: string): string {
  const base = basename(graphFile);
  const stem = base.toLowerCase().endsWith(GRAPH_EXTENSION) ? base.slice(0, -GRAPH_EXTENSION.length) : base.slice(0, base.length - extname(base).length);
  return stem || base;
}

export function runsDirFor(graphFile: string): string {
  return join(dirname(graphFile), `${graphStem(graphFile)}.runs`);
}

export function sweepsDirFor(graphFile: string): string {
  return join(dirname(graphFile), `${graphStem(graphFile)}.sweeps`);
}

/** "20261205-101112": UTC, so ids from machines in other time zones still sort. */
function stamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

/** e.g. "20261205-101112-train-3f2a". */
export function newRunId(kind: string, now = new Date()): string {
  return `${stamp(now)}-${kind}-${randomBytes(2).toString('hex')}`;
}

/** e.g. "sweep-20261205-101112-9c0d". */
export function newSweepId(now = new Date()): string {
  return `sweep-${stamp(now)}-${randomBytes(2).toString('hex')}`;
}

/** The run id of attempt `attempt` (0 = the first) of a sweep's configuration `index`. */
export function sweepRunId(sweepId: string, index: number, attempt: number): string {
  return `${sweepId}-${index}${attempt > 0 ? `-r${attempt}` : ''}`;
}

/** Ids are folder names: nothing that could climb out of the folder or hide. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export function isSafeId(id: string): boolean {
  return ID_PATTERN.test(id) && !id.includes('..');
}
