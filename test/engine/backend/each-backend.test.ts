import { afterAll, expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { describeEachBackend, TEST_BACKENDS } from '../../helpers/backends.js';

const seen: string[] = [];

describeEachBackend('describeEachBackend', (backend) => {
  it('switches to its backend before its tests', () => {
    expect(tf.getBackend()).toBe(backend);
    seen.push(backend);
  });

  it('computes a conv filter gradient there without leaking', () => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
        const w = tf.ones([3, 3, 1, 2]) as tf.Tensor4D;
        return Array.from(tf.grad((wt: tf.Tensor) => tf.sum(tf.conv2d(x, wt as tf.Tensor4D, 1, 'same')))(w).dataSync());
      });
    const before = tf.memory().numTensors;
    // Each filter tap sees as many input pixels as it overlaps: 3·3 corners, 3·4 edges, 4·4 centre.
    expect(run()).toEqual([9, 9, 12, 12, 9, 9, 12, 12, 16, 16, 12, 12, 9, 9, 12, 12, 9, 9]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

afterAll(() => {
  expect(seen).toEqual(TEST_BACKENDS);
});
