/**
 * Patch tokens: cutting a grid into patches and putting it back is exact (values are
 * moved, never computed), token k is the k-th patch in row-major order with its features
 * row-major (py, px, c), and patchIndexMap is the same permutation written out.
 */
import { expect, it } from 'vitest';
import { tf } from '../../../engine/tf.js';
import { cutPatches, patchIndexMap, putPatches } from '../../../engine/runtime/patches.js';
import { makeRng } from '../../../engine/data/rng.js';
import { describeEachBackend } from '../../helpers/backends.js';

/** A random grid [B, H, W, C] whose values are all distinct, so any misplacement shows. */
function randomGrid(b: number, h: number, w: number, c: number, seed: number): tf.Tensor4D {
  const rng = makeRng(seed);
  const v = Array.from({ length: b * h * w * c }, (_, i) => i + rng.next() * 0.5);
  return tf.tensor4d(rng.shuffle(v), [b, h, w, c]);
}

describeEachBackend('patches', () => {
  it('MNIST-sized 28×28×1 → 16 tokens of 49 → back, bit for bit', () => {
    tf.tidy(() => {
      const x = randomGrid(3, 28, 28, 1, 1);
      const tokens = cutPatches(x, 7);
      expect(tokens.shape).toEqual([3, 16, 49]);
      const back = putPatches(tokens, 28, 28, 1, 7);
      expect(back.shape).toEqual([3, 28, 28, 1]);
      expect(Array.from(back.dataSync())).toEqual(Array.from(x.dataSync()));
    });
  });

  it('2-channel 6×4 grid, patch 2: token k holds the k-th patch read by hand, and round-trips', () => {
    tf.tidy(() => {
      const [b, h, w, c, p] = [2, 6, 4, 2, 2];
      const x = randomGrid(b, h, w, c, 2);
      const grid = x.arraySync();
      const tokens = cutPatches(x, p);
      expect(tokens.shape).toEqual([b, 6, 8]);
      const got = tokens.arraySync();
      for (let n = 0; n < b; n++) {
        for (let ty = 0; ty < h / p; ty++) {
          for (let tx = 0; tx < w / p; tx++) {
            const hand: number[] = [];
            for (let py = 0; py < p; py++) for (let px = 0; px < p; px++) for (let ch = 0; ch < c; ch++) hand.push(grid[n][ty * p + py][tx * p + px][ch]);
            expect(got[n][ty * (w / p) + tx]).toEqual(hand);
          }
        }
      }
      expect(Array.from(putPatches(tokens, h, w, c, p).dataSync())).toEqual(Array.from(x.dataSync()));
    });
  });

  it('patchIndexMap is a permutation and agrees with cutPatches', () => {
    for (const [h, w, c, p] of [
      [28, 28, 1, 7],
      [6, 4, 2, 2],
      [9, 6, 3, 3],
      [4, 4, 2, 1],
    ]) {
      const map = patchIndexMap(h, w, c, p);
      expect(map.length).toBe(h * w * c);
      const seen = new Uint8Array(h * w * c);
      for (const i of map) seen[i]++;
      expect(seen.every((s) => s === 1)).toBe(true);
      tf.tidy(() => {
        const x = randomGrid(1, h, w, c, 3);
        const flat = x.dataSync();
        const cut = cutPatches(x, p).dataSync();
        expect(Array.from(cut)).toEqual(Array.from(map, (i) => flat[i]));
      });
    }
  });

  it('refuses a grid that the patch size does not divide, with a clear message', () => {
    tf.tidy(() => {
      const x = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
      expect(() => cutPatches(x, 5)).toThrow('a 28×28 grid cannot be cut into 5×5 patches: height and width must be divisible by 5');
      expect(() => patchIndexMap(28, 28, 1, 5)).toThrow(/divisible by 5/);
      expect(() => putPatches(tf.zeros([1, 16, 49]) as tf.Tensor3D, 28, 28, 1, 5)).toThrow(/divisible by 5/);
      // Tokens of the wrong shape for the grid are refused too, instead of reshaped into nonsense.
      expect(() => putPatches(tf.zeros([1, 16, 48]) as tf.Tensor3D, 28, 28, 1, 7)).toThrow(/expected \[1, 16, 49\]/);
      expect(() => cutPatches(x, 0)).toThrow(/positive integer/);
    });
  });
});
