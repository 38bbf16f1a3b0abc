/**
 * Matrix products with only untransposed operands, for speed on the wasm backend:
 * measured here (64×784 · 784×256), tfjs-wasm's MatMul runs at ≈6 GFLOP/s plain but
 * ≈1.2 GFLOP/s with transposeB and ≈0.9 with transposeA, and the stock MatMul gradient
 * uses exactly those two. So a coupling keeps W and Wᵀ (transposed once per bind) and
 * this product supplies its own gradient from them:
 *   y = x·A,   ∂x = ∂y·Aᵀ,   ∂A = xᵀ·∂y  (xᵀ materialised: a copy is far cheaper than the slow kernel).
 */
import { tf } from '../tf.js';

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];

// Tensors a gradient needs must go through `save`: the forward pass runs in a scope that
// frees everything else (a closure over aT would find it disposed by backprop time).
const productOp = tf.customGrad(((x: tf.Tensor, a: tf.Tensor, aT: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, aT]);
  const grad: Grad = (dy, [xs, aTs]) => [
    tf.matMul(dy as tf.Tensor2D, aTs as tf.Tensor2D),
    tf.matMul(tf.transpose(xs as tf.Tensor2D), dy as tf.Tensor2D),
    // aT is a view of a (its transpose): its share of the gradient already went to a.
    tf.zerosLike(aTs),
  ];
  return { value: tf.matMul(x as tf.Tensor2D, a as tf.Tensor2D), gradFunc: grad };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** x·a, where `aT` is aᵀ already materialised (for a symmetric a, pass a itself). */
export function product(x: tf.Tensor2D, a: tf.Tensor2D, aT: tf.Tensor2D): tf.Tensor2D {
  return productOp(x, a, aT) as tf.Tensor2D;
}
