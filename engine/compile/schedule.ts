/**
 * Update schedules: which layers update together in each phase of one iteration.
 *
 * - synchronous: every free layer at once, all from the previous state.
 * - sequential: one layer per phase (order fixed or shuffled each iteration by the runtime).
 * - chromatic: colour classes of the layer graph (no two coupled layers share a colour);
 *   a bipartite stack gives the seed's odd/even alternation in two phases.
 * - asynchronous: one phase holding every free layer, executed one unit at a time.
 */
import type { ScheduleKind } from '../../nodes/config.js';
import type { CouplingSpec, LayerSpec } from './plan.js';
import { couplingKind } from '../couplings/registry.js';

export type Groups = string[][];

/**
 * Layers coupled to each layer: a coupling joins every layer it writes to every other layer
 * it reads (within-layer couplings are self-loops, not edges).
 */
export function neighbours(layers: readonly LayerSpec[], couplings: readonly CouplingSpec[]): Map<string, Set<string>> {
  const adj = new Map<string, Set<string>>(layers.map((l) => [l.id, new Set<string>()]));
  for (const c of couplings) {
    const entry = couplingKind(c);
    for (const to of entry.writes(c)) {
      for (const from of entry.reads(c)) {
        if (from === to) continue;
        adj.get(to)?.add(from);
        adj.get(from)?.add(to);
      }
    }
  }
  return adj;
}

export function scheduleGroups(kind: ScheduleKind, layers: readonly LayerSpec[], couplings: readonly CouplingSpec[]): Groups {
  const free = layers.filter((l) => !l.fullyClamped);
  const ids = free.map((l) => l.id);
  if (ids.length === 0) return [];
  switch (kind) {
    case 'synchronous':
    case 'asynchronous':
      return [ids];
    case 'sequential':
      return sequentialOrder(free, layers, couplings).map((id) => [id]);
    case 'chromatic':
      return colourClasses(free, layers, couplings);
  }
}

/** Hidden layers farthest from the data first, so information flows in from clamped layers on the first sweep. */
function sequentialOrder(free: readonly LayerSpec[], layers: readonly LayerSpec[], couplings: readonly CouplingSpec[]): string[] {
  const dist = distanceFromVisible(layers, couplings);
  return [...free]
    .map((l, i) => ({ id: l.id, i, d: dist.get(l.id) ?? Infinity, visible: l.role === 'visible' }))
    .sort((a, b) => Number(a.visible) - Number(b.visible) || a.d - b.d || a.i - b.i)
    .map((x) => x.id);
}

function distanceFromVisible(layers: readonly LayerSpec[], couplings: readonly CouplingSpec[]): Map<string, number> {
  const adj = neighbours(layers, couplings);
  const dist = new Map<string, number>();
  const queue = layers.filter((l) => l.role === 'visible').map((l) => l.id);
  queue.forEach((id) => dist.set(id, 0));
  for (let q = 0; q < queue.length; q++) {
    for (const n of adj.get(queue[q]) ?? []) {
      if (!dist.has(n)) {
        dist.set(n, dist.get(queue[q])! + 1);
        queue.push(n);
      }
    }
  }
  return dist;
}

/**
 * Colour the layer graph. Each connected component is 2-coloured by BFS from its
 * visible layer when it is bipartite, otherwise coloured by DSatur. Colour 0 holds
 * the BFS roots (the data side) and goes last, so the first phase pulls in the clamps,
 * as in the seed (update layers 1, 3, 5, then 0, 2, 4).
 */
export function colourClasses(free: readonly LayerSpec[], layers: readonly LayerSpec[], couplings: readonly CouplingSpec[]): Groups {
  const adj = neighbours(layers, couplings);
  const freeIds = new Set(free.map((l) => l.id));
  const colour = new Map<string, number>();
  const ordered = [...layers].sort((a, b) => Number(b.role === 'visible') - Number(a.role === 'visible'));
  for (const root of ordered) {
    if (colour.has(root.id)) continue;
    const component = bfs(root.id, adj);
    if (!twoColour(component, adj, colour)) dsatur(component, adj, colour);
  }
  // Clamped-away layers are coloured too (they constrain nothing), but only free layers get phases.
  const classes = new Map<number, string[]>();
  for (const l of free) {
    const c = colour.get(l.id)!;
    const list = classes.get(c);
    if (list) list.push(l.id);
    else classes.set(c, [l.id]);
  }
  const keys = [...classes.keys()].sort((a, b) => (a === 0 ? 1 : b === 0 ? -1 : a - b));
  return keys.map((k) => classes.get(k)!.filter((id) => freeIds.has(id)));
}

function bfs(root: string, adj: Map<string, Set<string>>): string[] {
  const seen = new Set([root]);
  const order = [root];
  for (let q = 0; q < order.length; q++) {
    for (const n of adj.get(order[q]) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        order.push(n);
      }
    }
  }
  return order;
}

function twoColour(component: string[], adj: Map<string, Set<string>>, colour: Map<string, number>): boolean {
  const local = new Map<string, number>([[component[0], 0]]);
  for (const id of component) {
    for (const n of adj.get(id) ?? []) {
      const want = 1 - local.get(id)!;
      if (!local.has(n)) local.set(n, want);
      else if (local.get(n) !== want) return false;
    }
  }
  local.forEach((c, id) => colour.set(id, c));
  return true;
}

/**
 * DSatur greedy colouring: repeatedly colour the vertex with the most distinctly coloured
 * neighbours (ties: the most neighbours). Saturation is kept up to date as colours are
 * given, so a component of n layers costs O(n² + edges), not a recount per step.
 */
function dsatur(component: string[], adj: Map<string, Set<string>>, colour: Map<string, number>): void {
  const todo = new Set(component);
  const seen = new Map<string, Set<number>>(component.map((id) => [id, new Set([...(adj.get(id) ?? [])].filter((n) => colour.has(n)).map((n) => colour.get(n)!))]));
  while (todo.size > 0) {
    let best = '';
    let bestSat = -1;
    let bestDeg = -1;
    for (const id of todo) {
      const sat = seen.get(id)!.size;
      const deg = adj.get(id)?.size ?? 0;
      if (sat > bestSat || (sat === bestSat && deg > bestDeg)) [best, bestSat, bestDeg] = [id, sat, deg];
    }
    const used = seen.get(best)!;
    let c = 0;
    while (used.has(c)) c++;
    colour.set(best, c);
    todo.delete(best);
    for (const n of adj.get(best) ?? []) seen.get(n)?.add(c);
  }
}
