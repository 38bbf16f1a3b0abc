/** What a settled state looks like, layer by layer: mean, range and how many units sit at the ends of their range. */
import { describeShape } from '../../nodes/shapes.js';
import { tf } from '../tf.js';
import type { Plan } from '../compile/plan.js';
import { readValues } from '../runtime/readback.js';
import type { State } from '../runtime/network.js';

export interface LayerSummary {
  readonly id: string;
  readonly shape: string;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Share of units within 1% of the ends of their range (|x| > 0.99 for tanh and sign). */
  readonly saturated: number;
}

export async function summarizeLayers(plan: Plan, state: State): Promise<LayerSummary[]> {
  const all = await readValues(tf.tidy(() => tf.concat(plan.layers.map((l) => tf.reshape(state.get(l.id)!, [-1])))), true);
  let at = 0;
  return plan.layers.map((l) => {
    const v = all.subarray(at, (at += state.get(l.id)!.size));
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let sat = 0;
    const symmetric = l.activation === 'tanh' || l.activation === 'sign';
    for (const x of v) {
      sum += x;
      if (x < min) min = x;
      if (x > max) max = x;
      if (symmetric ? Math.abs(x) > 0.99 : x < 0.01 || x > 0.99) sat++;
    }
    return { id: l.id, shape: describeShape(l.shape), mean: sum / v.length, min, max, saturated: sat / v.length };
  });
}
