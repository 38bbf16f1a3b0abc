/**
 * What a scientist takes out of a settle besides its trace: the final state of every layer
 * per example, the energy after each phase of each example's last iteration, and the final
 * energy split into its terms (per coupling, per layer's bias and barrier), which sum to E.
 */
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import type { BoundNet, State } from '../runtime/network.js';
import { readValues } from '../runtime/readback.js';

export interface LayerState {
  /** One example's state, in the engine's layout: vectors [n], grids [height, width, channels], tokens [tokens, dim]. */
  readonly shape: readonly number[];
  /** values[b]: example b, flattened in C order. */
  readonly values: number[][];
}

export interface PhaseEnergies {
  /** The layers each phase updates, in schedule order; null under `order: shuffled`, where each iteration runs them in an order of its own (energy[b][k] is then after the k-th phase that ran). */
  readonly phases: readonly (readonly string[])[] | null;
  /** Per example: the iteration whose phases are given — its t* when it converged (it is frozen after), else the last. */
  readonly iteration: number[];
  /** energy[b][k]: example b after phase k of that iteration; the last equals its energy after the iteration. */
  readonly energy: number[][];
}

export interface EnergyTerm {
  readonly term: string;
  readonly kind: 'coupling' | 'bias' | 'barrier';
  /** Per example, at the final state. */
  readonly energy: number[];
}

export async function finalStates(plan: Plan, state: State): Promise<Record<string, LayerState>> {
  const out: Record<string, LayerState> = {};
  for (const layer of plan.layers) {
    const x = state.get(layer.id)!;
    const batch = x.shape[0];
    const flat = await readValues(tf.reshape(x, [batch, -1]), true);
    const n = flat.length / batch;
    out[layer.id] = { shape: [...layer.dims], values: Array.from({ length: batch }, (_, b) => Array.from(flat.subarray(b * n, (b + 1) * n))) };
  }
  return out;
}

/**
 * Picks each example's last iteration out of the settle's phase energies (rows: the initial
 * state, then one per phase of every iteration). An example frozen at t* has its later rows
 * computed on moves that were undone, so its own last iteration is t*.
 */
export function phaseEnergies(plan: Plan, rows: readonly (readonly number[])[], tStar: readonly (number | null)[], iterations: number): PhaseEnergies | null {
  const count = plan.phases.length;
  if (iterations === 0 || rows.length < 1 + iterations * count) return null;
  const iteration = tStar.map((t) => (t !== null && t >= 1 ? t : iterations));
  const energy = iteration.map((i, b) => Array.from({ length: count }, (_, k) => rows[1 + (i - 1) * count + k][b]));
  return { phases: plan.order === 'shuffled' ? null : plan.phases.map((p) => p.updates.map((u) => u.layer)), iteration, energy };
}

export async function energyTerms(net: BoundNet, state: State): Promise<EnergyTerm[]> {
  const names: Omit<EnergyTerm, 'energy'>[] = [];
  const stacked = tf.tidy(() => {
    const terms = net.energyTerms(state);
    terms.forEach((t) => names.push({ term: t.term, kind: t.kind }));
    return terms.length > 0 ? tf.concat(terms.map((t) => t.energy)) : tf.zeros([0]);
  });
  const all = await readValues(stacked, true);
  const batch = names.length > 0 ? all.length / names.length : 0;
  return names.map((t, k) => ({ ...t, energy: Array.from(all.subarray(k * batch, (k + 1) * batch)) }));
}
