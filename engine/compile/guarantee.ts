/**
 * The convergence guarantee a schedule gives, derived from structure alone.
 *
 * Every coupling kind is symmetric by parametrisation with self-connections ≥ 0, so what
 * decides is whether a phase updates two coupled units at once (each kind says how its
 * updates relate to the energy: engine/couplings/kind.ts, DescentFacts):
 * - no phase does (chromatic / sequential layer updates, or one unit at a time): each
 *   update minimises E exactly over the units it changes, so E never rises (`descent`);
 *   the seed's layer-wise argument, which also covers a unit's own self-connection ≥ 0;
 * - some phase does (synchronous, or a layer with internal coupling updated in parallel):
 *   Koiran (1994): a fixed point or a cycle of length 2, while E may rise on the way;
 * - a linear layer updated in parallel with units coupled to it: nothing bounds the
 *   state, so the parallel dynamics can diverge (`none`);
 * - parallel updates with the phase order shuffled every iteration: the iteration map is
 *   not one fixed map, so Koiran's argument does not apply (`none`);
 * - a coupling that breaks descent under any schedule (a damped step above its bound, a
 *   one-way flow into a layer that moves): `none`, with the kind's reason.
 */
import type { CouplingSpec, Guarantee, LayerSpec } from './plan.js';
import { layerById } from './plan.js';
import { COUPLING_ENTRIES, couplingKind } from '../couplings/registry.js';
import { neighbours, type Groups } from './schedule.js';

export interface Conflict {
  readonly layers: readonly string[];
  readonly why: string;
}

export function parallelConflicts(groups: Groups, layers: readonly LayerSpec[], couplings: readonly CouplingSpec[]): Conflict[] {
  const adj = neighbours(layers, couplings);
  // The first internal coupling of each layer, found in one pass (a graph may have thousands of layers).
  const within = new Map<string, CouplingSpec>();
  for (const c of couplings) {
    if (!couplingKind(c).descent.couplesUnitsOfALayer) continue;
    for (const layer of couplingKind(c).writes(c)) if (!within.has(layer)) within.set(layer, c);
  }
  const conflicts: Conflict[] = [];
  for (const group of groups) {
    // Pairs are found through each layer's neighbours, not by trying every pair of the phase.
    const position = new Map(group.map((id, i) => [id, i]));
    for (let i = 0; i < group.length; i++) {
      const partners = [...(adj.get(group[i]) ?? [])].map((id) => position.get(id)).filter((j): j is number => j !== undefined && j > i);
      for (const j of partners.sort((a, b) => a - b)) {
        conflicts.push({ layers: [group[i], group[j]], why: `coupled layers "${group[i]}" and "${group[j]}" update in the same phase` });
      }
      const internal = within.get(group[i]);
      if (internal) {
        conflicts.push({ layers: [group[i]], why: `layer "${group[i]}" updates all its units in parallel through its internal coupling "${internal.id}"` });
      }
    }
  }
  return conflicts;
}

export function deriveGuarantee(
  schedule: string,
  order: 'fixed' | 'shuffled',
  unitwise: boolean,
  groups: Groups,
  layers: readonly LayerSpec[],
  couplings: readonly CouplingSpec[],
): Guarantee {
  if (groups.length === 0) return { kind: 'descent', reason: 'every layer is wholly clamped: nothing updates' };
  if (unitwise) {
    return {
      kind: 'descent',
      reason: 'asynchronous: one unit at a time with symmetric weights and self-connections ≥ 0, so each update minimises E over that unit',
    };
  }
  const broken = breaksDescent(layers, couplings);
  if (broken) return { kind: 'none', reason: `${schedule}: ${broken}` };
  const conflicts = parallelConflicts(groups, layers, couplings);
  if (conflicts.length === 0) {
    return {
      kind: 'descent',
      reason: `${schedule}: no phase updates two coupled units together, and with symmetric weights each layer update x ← f(z) minimises E over the units it changes${notes(couplings)}`,
    };
  }
  if (order === 'shuffled' && groups.length > 1) {
    return {
      kind: 'none',
      reason: `${schedule}, shuffled: ${conflicts[0].why}, and the phase order changes every iteration, so the iteration map is not one fixed map and Koiran's fixed point or 2-cycle does not follow (use order "fixed")`,
    };
  }
  const linearLayers = new Set(layers.filter((l) => l.activation === 'linear').map((l) => l.id));
  const linear = conflicts.flatMap((c) => c.layers).find((id) => linearLayers.has(id));
  if (linear) {
    return {
      kind: 'none',
      reason: `${schedule}: ${conflicts[0].why}, and linear layer "${linear}" is unbounded, so parallel updates can diverge`,
    };
  }
  return {
    kind: 'fixed-point-or-2-cycle',
    reason: `${schedule}: ${conflicts[0].why}${conflicts.length > 1 ? ` (and ${conflicts.length - 1} more)` : ''}; with symmetric weights and self-connections ≥ 0 this ends in a fixed point or a 2-cycle (Koiran 1994), but E may rise on the way`,
  };
}

/** The first coupling (in plan order) that breaks descent whatever the schedule, with its reason. */
function breaksDescent(layers: readonly LayerSpec[], couplings: readonly CouplingSpec[]): string | undefined {
  const layerOf = (id: string) => layerById({ layers }, id);
  for (const c of couplings) {
    const why = couplingKind(c).descent.breaksDescent?.(c, layerOf);
    if (why) return why;
  }
  return undefined;
}

/** What the kinds present add to a descent guarantee, each said once, in the registry's order. */
function notes(couplings: readonly CouplingSpec[]): string {
  const present = new Set(couplings.map((c) => c.kind));
  const said = new Set(COUPLING_ENTRIES.filter((e) => present.has(e.kind) && e.descent.note).map((e) => e.descent.note!));
  return [...said].map((n) => `; ${n}`).join('');
}
