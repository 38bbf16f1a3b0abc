/** Comparing whole gradients: every parameter's flattened end to end, and how far apart two are. */
import { tf } from '../../engine/tf.js';

/** Every gradient's values in one array (in the map's order); the tensors are freed. */
export async function flattenGrads(grads: Map<string, tf.Tensor>): Promise<Float32Array> {
  const all = tf.tidy(() => tf.concat([...grads.values()].map((g) => tf.reshape(g, [-1]))));
  grads.forEach((g) => g.dispose());
  const values = (await all.data()) as Float32Array;
  all.dispose();
  return values;
}

/** ‖a − b‖/‖b‖ and the cosine of a and b. */
export function gradientGap(a: Float32Array, b: Float32Array): { error: number; cosine: number } {
  let diff = 0;
  let aa = 0;
  let bb = 0;
  let ab = 0;
  a.forEach((x, i) => {
    diff += (x - b[i]) ** 2;
    aa += x * x;
    bb += b[i] * b[i];
    ab += x * b[i];
  });
  return { error: Math.sqrt(diff / bb), cosine: ab / Math.sqrt(aa * bb) };
}
