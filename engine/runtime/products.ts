/**
 * Matrix products with only untransposed operands, for speed on the wasm backend:
 * measured here (64×784 · 784×256), tfjs-wasm's MatMul runs at ≈6 GFLOP/s plain but
 * ≈1.2 GFLOP/s with transposeB and ≈0.9 with transposeA, and the stock MatMul gradient
 * uses exactly those two. So a coupling keeps W and Wᵀ (transposed once per bind), and
 * this product supplies its own gradient:
 *   y = x·A,   ∂x = ∂y·Aᵀ,   ∂A = xᵀ·∂y  (xᵀ materialised: a copy is far cheaper than the slow kernel).
 */
import { tf } from '../tf.js';

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];

// Tensors a gradient needs must go through `save` (the forward pass runs in a scope that
// frees everything else); saving a shares its data, no copy. Aᵀ is made again in the backward
// pass: one transpose per product there is cheap next to the slow transposed kernel.
const productOp = tf.customGrad(((x: tf.Tensor, a: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, a]);
  const grad: Grad = (dy, [xs, as]) => [
    tf.matMul(dy as tf.Tensor2D, tf.transpose(as as tf.Tensor2D)),
    tf.matMul(tf.transpose(xs as tf.Tensor2D), dy as tf.Tensor2D),
  ];
  return { value: tf.matMul(x as tf.Tensor2D, a as tf.Tensor2D), gradFunc: grad };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * x·a. Outside a gradient tape (settling, the adjoint series) the product is a plain
 * untransposed matMul; under a tape its gradient avoids the transposed kernels.
 */
export function product(x: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
  return productOp(x, a) as tf.Tensor2D;
}

/**
 * ∂L/∂K of y = conv(x, K) ("same", stride 1) as one more convolution, with batch and
 * channels swapped: dK[a,b,i,o] = Σ_{n,h,w} x_pad[n,h+a,w+b,i]·dy[n,h,w,o] is a "valid"
 * convolution of x_pad (channels as the batch, examples as channels) with dy as the filter.
 * tfjs-wasm has no Conv2DBackpropFilter kernel; the cpu fallback took ≈4 s for a
 * 64×28×28 batch where this takes ≈8 ms.
 */
export function convFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number): tf.Tensor4D {
  const r = (k - 1) / 2;
  const xp = tf.transpose(tf.pad(x, [[0, 0], [r, r], [r, r], [0, 0]]), [3, 1, 2, 0]) as tf.Tensor4D;
  const f = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
  return tf.transpose(tf.conv2d(xp, f, 1, 'valid'), [1, 2, 0, 3]) as tf.Tensor4D;
}

/** The adjoint kernel: both spatial axes flipped, in/out channels swapped (seed Case 2). */
export function flipSwap(kernel: tf.Tensor): tf.Tensor4D {
  return tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
}

// y = conv(x, K); ∂x = conv(∂y, flipSwap(K)) (the conv-transpose), ∂K by convFilterGrad.
const convOp = tf.customGrad(((x: tf.Tensor, k: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, k]);
  const grad: Grad = (dy, [xs, ks]) => [
    tf.conv2d(dy as tf.Tensor4D, flipSwap(ks), 1, 'same'),
    convFilterGrad(xs as tf.Tensor4D, dy as tf.Tensor4D, ks.shape[0]),
  ];
  return { value: tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, 'same'), gradFunc: grad };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** conv(x, k) with "same" padding, stride 1 and an odd kernel, with a gradient that runs fast on wasm. */
export function convolution(x: tf.Tensor4D, k: tf.Tensor4D): tf.Tensor4D {
  return convOp(x, k) as tf.Tensor4D;
}
