/**
 * The convergence guarantee a schedule gives, derived from structure alone.
 *
 * Every coupling kind here is symmetric by parametrisation with self-connections ≥ 0,
 * so what decides is whether a phase updates two coupled units at once:
 * - no phase does (chromatic / sequential layer updates, or one unit at a time): each
 *   update minimises E exactly over the units it changes, so E never rises (`descent`);
 *   the seed's layer-wise argument, which also covers a unit's own self-connection ≥ 0;
 * - some phase does (synchronous, or a layer with internal coupling updated in parallel):
 *   Koiran (1994): a fixed point or a cycle of length 2, while E may rise on the way;
 * - a linear layer updated in parallel with units coupled to it: nothing bounds the
 *   state, so the parallel dynamics can diverge (`none`).
 */
import type { CouplingSpec, Guarantee, LayerSpec } from './plan.js';
import { maxAttendedBy, selfAttentionStepBound, tokenRadius2 } from './attention-structure.js';
import { neighbours, type Groups } from './schedule.js';

export interface Conflict {
  readonly layers: readonly string[];
  readonly why: string;
}

export function parallelConflicts(groups: Groups, layers: readonly LayerSpec[], couplings: readonly CouplingSpec[]): Conflict[] {
  const adj = neighbours(layers, couplings);
  const conflicts: Conflict[] = [];
  for (const group of groups) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        if (adj.get(group[i])?.has(group[j])) {
          conflicts.push({ layers: [group[i], group[j]], why: `coupled layers "${group[i]}" and "${group[j]}" update in the same phase` });
        }
      }
      // Attention terms are not parallel bilinear couplings: memory is concave (CCCP), self-attention damped (checked apart).
      const within = couplings.find((c) => 'layer' in c && c.layer === group[i] && c.kind !== 'hopfield-memory' && c.kind !== 'self-attention');
      if (within) {
        conflicts.push({ layers: [group[i]], why: `layer "${group[i]}" updates all its units in parallel through its internal coupling "${within.id}"` });
      }
    }
  }
  return conflicts;
}

export function deriveGuarantee(
  schedule: string,
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
  const attention = attentionVerdict(layers, couplings);
  if (attention) return { kind: 'none', reason: `${schedule}: ${attention}` };
  const conflicts = parallelConflicts(groups, layers, couplings);
  if (conflicts.length === 0) {
    const memory = couplings.some((c) => c.kind === 'hopfield-memory' || c.kind === 'cross-attention')
      ? '; Hopfield memory and cross-attention terms are concave in the layer they move and are linearised at the old state (CCCP), so those updates descend too'
      : '';
    const attention = couplings.some((c) => c.kind === 'self-attention') ? '; energy self-attention steps within the bound α ≤ 1/(H(1+n)(2βR²+1))' : '';
    return {
      kind: 'descent',
      reason: `${schedule}: no phase updates two coupled units together, and with symmetric weights each layer update x ← f(z) minimises E over the units it changes${memory}${attention}`,
    };
  }
  const linear = conflicts.flatMap((c) => c.layers).find((id) => layers.find((l) => l.id === id)?.activation === 'linear');
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

/**
 * Why an energy self-attention block breaks descent, or undefined when it keeps it: its
 * damped step descends when the tokens stay in the tanh box and α ≤ selfAttentionStepBound
 * (derivation in engine/runtime/attention.ts).
 */
function attentionVerdict(layers: readonly LayerSpec[], couplings: readonly CouplingSpec[]): string | undefined {
  for (const c of couplings) {
    if (c.kind === 'cross-attention') {
      const keys = layers.find((l) => l.id === c.keys)!;
      if (!keys.fullyClamped) {
        return `cross-attention "${c.id}" is one-way: layer "${c.keys}" moves without feeling it, so nothing bounds the energy; clamp "${c.keys}" whole for descent`;
      }
      continue;
    }
    if (c.kind !== 'self-attention') continue;
    const layer = layers.find((l) => l.id === c.layer)!;
    if (layer.activation !== 'tanh') {
      return `self-attention "${c.id}" moves ${layer.activation} tokens of layer "${layer.id}": the step bound needs them in the tanh box (−1, 1)`;
    }
    const bound = selfAttentionStepBound(c.heads, tokenRadius2(c.dim, c.positional), c.beta, maxAttendedBy(c.mask, c.tokens));
    if (c.step > bound) {
      return `self-attention "${c.id}" steps α = ${c.step}, above the descent bound 1/(H(1+n)(2βR²+1)) = ${bound.toPrecision(3)}`;
    }
  }
  return undefined;
}
