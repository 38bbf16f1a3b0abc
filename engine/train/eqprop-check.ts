/**
 * Equilibrium propagation in the gradient check: the symmetric estimate at a small β on the
 * check's sampled entries, compared with finite differences and recurrent backprop. Kept
 * apart from gradcheck.ts so the check itself does not depend on eqprop's details.
 */
import type { tf } from '../tf.js';
import type { Network } from '../runtime/network.js';
import type { Batch } from '../runtime/batch.js';
import type { Agreement } from '../protocol/run.js';
import { eqpropGradients } from './eqprop.js';
import { eqpropRefusal } from './eqprop-nudge.js';
import type { MethodOptions } from './method-parts.js';

/**
 * β = 0.01 by default: on the small nets of the tests the symmetric bias (∝ β²) and the
 * settling error (∝ θ/β at θ = 1e-6) are both near 1e-4 of the gradient there.
 */
export const EQPROP_CHECK_BETA = 0.01;

export interface EqpropCheck {
  readonly beta: number;
  /** The estimate on the check's entries (all zero where every example was tossed). */
  readonly gradient: number[];
  readonly vsFd: Agreement;
  readonly vsRbp: Agreement;
  readonly tossed: number;
}

/**
 * The estimate's entries (read by `pick` at the check's coordinates) and notes on examples it
 * tossed or estimated one-sided; or, where eqprop does not apply, no entries and the reason.
 */
export async function eqpropEntries(
  network: Network,
  batch: Batch,
  method: MethodOptions,
  beta: number,
  pick: (grads: Map<string, tf.Tensor>) => Promise<number[]>,
): Promise<{ gradient?: number[]; tossed: number; notes: string[] }> {
  const refusal = eqpropRefusal(network.plan, beta);
  if (refusal) return { tossed: 0, notes: [`equilibrium propagation not compared: ${refusal}`] };
  const r = await eqpropGradients(network, batch, { ...method, eqprop: { beta, symmetric: true } });
  const gradient = await pick(r.grads);
  const notes: string[] = [];
  if (r.tossed > 0) notes.push(`equilibrium propagation tossed ${r.tossed} of ${r.tStar.length} examples (a free or nudged phase did not settle)`);
  if (r.nudged && r.nudged.oneSided > 0) notes.push(`equilibrium propagation: ${r.nudged.oneSided} examples took the one-sided estimate (their −β phase did not settle or has no minimum)`);
  return { gradient, tossed: r.tossed, notes };
}
