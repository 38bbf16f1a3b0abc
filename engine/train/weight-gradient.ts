/**
 * The weight gradient of net inputs whose cotangents are known: ∂/∂θ Σ ⟨GZ, z(X; θ)⟩ over
 * every layer update, with the cotangents GZ and the states X it read stacked along the
 * batch axis, in one gradient call through the symmetrising maps: one large product per
 * term (explicit BPTT stacks every iteration; recurrent backprop takes the fixed point).
 */
import { tf } from '../tf.js';
import type { LayerUpdate } from '../compile/plan.js';
import type { Network } from '../runtime/network.js';
import type { State } from '../runtime/state.js';
import { weightGradientsOnly } from '../runtime/products.js';
import { byParamName, trainable } from './method-parts.js';

/** One update's cotangents gz = ∂L/∂z and the states its net input read, in matching rows. */
export interface NetInputCotangents {
  readonly update: LayerUpdate;
  readonly gz: tf.Tensor[];
  readonly inputs: State[];
}

/** ∂L/∂θ from every update's stacked cotangents and inputs: one gradient call, one product per term. */
export function weightGradients(network: Network, records: readonly NetInputCotangents[]): Map<string, tf.Tensor> {
  // Nothing moved (every example settled at once): the loss does not depend on θ through the dynamics.
  if (records.every((r) => r.gz.length === 0)) return new Map([...network.params].map(([name, v]) => [name, tf.zerosLike(v)]));
  let binding: ReturnType<Network['bind']> | undefined;
  const { value, grads } = weightGradientsOnly(() =>
    tf.variableGrads(() => {
      binding = network.bind();
      let total: tf.Tensor = tf.scalar(0);
      for (const rec of records) {
        if (rec.gz.length === 0) continue;
        const gz = tf.concat(rec.gz, 0);
        const input: State = new Map([...rec.inputs[0].keys()].map((id) => [id, tf.concat(rec.inputs.map((s) => s.get(id)!), 0)]));
        total = tf.add(total, tf.sum(tf.mul(gz, binding.netInput(rec.update, input))));
      }
      return total as tf.Scalar;
    }, trainable(network)),
  );
  value.dispose();
  binding?.dispose();
  return byParamName(network, grads);
}
