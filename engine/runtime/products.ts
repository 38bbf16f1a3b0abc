/**
 * Matrix products with only untransposed operands, for speed on the wasm backend:
 * measured here (64×784 · 784×256), tfjs-wasm's MatMul runs at ≈6 GFLOP/s plain but
 * ≈1.2 GFLOP/s with transposeB and ≈0.9 with transposeA, and the stock MatMul gradient
 * uses exactly those two. So a coupling keeps W and Wᵀ (transposed once per bind), and
 * this product supplies its own gradient from them:
 *   y = x·A,   ∂x = ∂y·Aᵀ,   ∂A = xᵀ·∂y  (xᵀ materialised: a copy is far cheaper than the slow kernel).
 */
import { tf } from '../tf.js';

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];

let weightsOnly = false;

/**
 * Runs `f` (a gradient computation) for the weight gradients of the products alone: explicit
 * BPTT takes ∂/∂W ⟨G, x·W⟩ = xᵀG of every iteration at once from stacked states that are
 * constants. Neither the forward product nor ∂/∂x is needed there: the forward value is
 * given as zeros and the input cotangent as zeros. Valid because every consumer of a
 * product's value in a net input is linear in it (reshapes, view permutations, sums), so
 * the weight gradient reads only the saved input and the incoming cotangent.
 */
export function weightGradientsOnly<R>(f: () => R): R {
  weightsOnly = true;
  try {
    return f();
  } finally {
    weightsOnly = false;
  }
}

/**
 * x·a with ∂x = ∂y·aᵀ from `aT`, a materialised aᵀ (a itself when a is symmetric).
 *
 * Why aT is closed over, not saved: tfjs frees the forward pass's intermediates before
 * backprop and copies every saved tensor (on wasm, Identity is a copy) — a weight-sized
 * copy per product per iteration. The bound net keeps aT alive (tf.keep) until it is
 * disposed, after the gradient; only x, which backprop needs anyway, is saved.
 */
export function product(x: tf.Tensor2D, a: tf.Tensor2D, aT: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad(((xs: tf.Tensor, as: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xs]);
    const grad: Grad = (dy, [saved]) => [
      weightsOnly ? tf.zerosLike(saved) : tf.matMul(dy as tf.Tensor2D, aT),
      tf.matMul(tf.transpose(saved as tf.Tensor2D), dy as tf.Tensor2D),
    ];
    const value = weightsOnly ? tf.zeros([xs.shape[0], as.shape[1]] as [number, number]) : tf.matMul(xs as tf.Tensor2D, as as tf.Tensor2D);
    return { value, gradFunc: grad };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, a) as tf.Tensor2D;
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

/**
 * conv(x, k) ("same", stride 1, odd k) with ∂x = conv(∂y, kFlip) — kFlip = flipSwap(k), the
 * conv-transpose kernel, kept alive by the bound net like aT above — and ∂k by convFilterGrad.
 */
export function convolution(x: tf.Tensor4D, k: tf.Tensor4D, kFlip: tf.Tensor4D): tf.Tensor4D {
  const op = tf.customGrad(((xs: tf.Tensor, ks: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xs]);
    const grad: Grad = (dy, [saved]) => [
      weightsOnly ? tf.zerosLike(saved) : tf.conv2d(dy as tf.Tensor4D, kFlip, 1, 'same'),
      convFilterGrad(saved as tf.Tensor4D, dy as tf.Tensor4D, ks.shape[0]),
    ];
    const value = weightsOnly ? tf.zeros([...xs.shape.slice(0, 3), ks.shape[3]] as number[]) : tf.conv2d(xs as tf.Tensor4D, ks as tf.Tensor4D, 1, 'same');
    return { value, gradFunc: grad };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, k) as tf.Tensor4D;
}
