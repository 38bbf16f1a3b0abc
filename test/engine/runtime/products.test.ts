/** The fast products' own gradients equal tfjs's stock gradients (which are slow on wasm). */
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { convolution, flipSwap, product } from '../../../engine/runtime/products.js';
import { describeEachBackend } from '../../helpers/backends.js';

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];

describeEachBackend('products', () => {
  it('x·A with a materialised Aᵀ: value and gradients match matMul', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([5, 7], 0, 1, 'float32', 1) as tf.Tensor2D;
      const a = tf.randomNormal([7, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
      const dy = tf.randomNormal([5, 3], 0, 1, 'float32', 3);
      // Aᵀ is made outside the gradient scope, as a bound coupling does (and keeps).
      const aT = tf.transpose(a) as tf.Tensor2D;
      const mine = tf.grads((xx: tf.Tensor, aa: tf.Tensor) => tf.sum(tf.mul(product(xx as tf.Tensor2D, aa as tf.Tensor2D, aT), dy)))([x, a]);
      const stock = tf.grads((xx: tf.Tensor, aa: tf.Tensor) => tf.sum(tf.mul(tf.matMul(xx as tf.Tensor2D, aa as tf.Tensor2D), dy)))([x, a]);
      expect(maxDiff(product(x, a, tf.transpose(a) as tf.Tensor2D), tf.matMul(x, a))).toBe(0);
      expect(maxDiff(mine[0], stock[0])).toBeLessThan(1e-5);
      expect(maxDiff(mine[1], stock[1])).toBeLessThan(1e-5);
    });
  });

  it('"same" convolution: value and gradients match conv2d, for odd kernels 1, 3, 5', () => {
    for (const k of [1, 3, 5]) {
      tf.tidy(() => {
        const x = tf.randomNormal([2, 6, 5, 2], 0, 1, 'float32', 4) as tf.Tensor4D;
        const w = tf.randomNormal([k, k, 2, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
        const dy = tf.randomNormal([2, 6, 5, 3], 0, 1, 'float32', 6);
        const flipped = flipSwap(w);
        const f = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(convolution(xx as tf.Tensor4D, ww as tf.Tensor4D, flipped), dy));
        const g = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same'), dy));
        const [mx, mw] = tf.grads(f)([x, w]);
        const [sx, sw] = tf.grads(g)([x, w]);
        expect(maxDiff(mx, sx), `k=${k} ∂x`).toBeLessThan(1e-4);
        expect(maxDiff(mw, sw), `k=${k} ∂K`).toBeLessThan(1e-4);
      });
    }
  });
});
