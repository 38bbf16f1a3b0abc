/**
 * A grid layer cut into patch tokens and put back (DESIGN §4): MNIST's 28×28×1 becomes
 * 16 tokens of 7·7·1 = 49 features, so an attention block can treat patches as tokens.
 *
 * Layout: grids are channels-last [B, H, W, C]; tokens come in row-major patch order
 * (token k = ty·(W/p) + tx), and each token's features are row-major (py, px, c), which
 * is the order a patch has inside the grid. Both directions are reshape/transpose only, so
 * they move values without arithmetic and round-trip bit for bit.
 *
 * Within one patch row the (px, c) pairs of neighbouring patches are contiguous blocks of
 * p·C values in the grid, so one rank-4 transpose swaps patch rows with patch columns;
 * keeping the rank at 4 avoids relying on rank-6 transposes on every backend.
 *
 * The same pair, run the other way, is the unpatch view: a token layer of n² patch tokens
 * shown to grid couplings as the grid they tile (asGrid / fromGrid).
 */
import { tf } from '../tf.js';
import type { GridView, PatchView } from '../compile/plan-parts.js';

function checkGeometry(height: number, width: number, channels: number, patch: number): void {
  if (!Number.isInteger(patch) || patch < 1) throw new Error(`patch size must be a positive integer, got ${patch}`);
  for (const [name, v] of [['height', height], ['width', width], ['channels', channels]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`grid ${name} must be a positive integer, got ${v}`);
  }
  if (height % patch !== 0 || width % patch !== 0) {
    throw new Error(`a ${height}×${width} grid cannot be cut into ${patch}×${patch} patches: height and width must be divisible by ${patch}`);
  }
}

/** [B, H, W, C] → [B, (H/p)(W/p), p·p·C]. Throws when H or W is not divisible by p. */
export function cutPatches(x: tf.Tensor4D, patch: number): tf.Tensor3D {
  const [b, h, w, c] = x.shape;
  checkGeometry(h, w, c, patch);
  const rows = h / patch;
  const cols = w / patch;
  return tf.tidy(() => {
    // [B·rows, py, cols, (px, c)] → [B·rows, cols, py, (px, c)]
    const split = tf.reshape(x, [b * rows, patch, cols, patch * c]);
    return tf.reshape(tf.transpose(split, [0, 2, 1, 3]), [b, rows * cols, patch * patch * c]) as tf.Tensor3D;
  });
}

/** The exact inverse of cutPatches: [B, (H/p)(W/p), p·p·C] → [B, H, W, C]. */
export function putPatches(tokens: tf.Tensor3D, height: number, width: number, channels: number, patch: number): tf.Tensor4D {
  checkGeometry(height, width, channels, patch);
  const [b, n, f] = tokens.shape;
  const rows = height / patch;
  const cols = width / patch;
  if (n !== rows * cols || f !== patch * patch * channels) {
    throw new Error(
      `tokens [${b}, ${n}, ${f}] do not fit a ${height}×${width}×${channels} grid in ${patch}×${patch} patches: expected [${b}, ${rows * cols}, ${patch * patch * channels}]`,
    );
  }
  return tf.tidy(() => {
    const split = tf.reshape(tokens, [b * rows, cols, patch, patch * channels]);
    return tf.reshape(tf.transpose(split, [0, 2, 1, 3]), [b, height, width, channels]) as tf.Tensor4D;
  });
}

/**
 * A layer as the grid a grid coupling reads: a token layer seen through an unpatch view
 * ([B, n², p·p·C] → [B, n·p, n·p, C], patch k at row-major place k), a grid as it is.
 */
export function asGrid(x: tf.Tensor, view: GridView | undefined): tf.Tensor4D {
  return view ? putPatches(x as tf.Tensor3D, view.height, view.width, view.channels, view.patch) : (x as tf.Tensor4D);
}

/** The exact inverse of asGrid: a grid-shaped tensor (a state or a net input) back in its layer's layout. */
export function fromGrid(g: tf.Tensor4D, view: GridView | undefined): tf.Tensor {
  return view ? cutPatches(g, view.patch) : g;
}

/**
 * For each flattened token feature (token k, feature f at k·p·p·C + f), the index of the
 * same value in the flattened HWC grid: cut(x).flat[i] = x.flat[map[i]]. A permutation of
 * 0 … H·W·C − 1, so per-unit masks on the grid (clamps) carry over to the tokens.
 */
export function patchIndexMap(height: number, width: number, channels: number, patch: number): Int32Array {
  checkGeometry(height, width, channels, patch);
  const cols = width / patch;
  const perToken = patch * patch * channels;
  const map = new Int32Array(height * width * channels);
  for (let ty = 0; ty < height / patch; ty++) {
    for (let tx = 0; tx < cols; tx++) {
      const k = ty * cols + tx;
      for (let py = 0; py < patch; py++) {
        for (let px = 0; px < patch; px++) {
          for (let c = 0; c < channels; c++) {
            const f = (py * patch + px) * channels + c;
            map[k * perToken + f] = ((ty * patch + py) * width + tx * patch + px) * channels + c;
          }
        }
      }
    }
  }
  return map;
}

/**
 * A layer as the tokens [B, T, d] an attention block reads: reshaped, or cut into patches
 * through a patches view — of the grid an unpatch view puts a token layer back into, when
 * the view has one.
 */
export function asTokens(x: tf.Tensor, tokens: number, dim: number, view: PatchView | undefined): tf.Tensor3D {
  if (!view) return tf.reshape(x, [x.shape[0], tokens, dim]) as tf.Tensor3D;
  const u = view.unpatch;
  if (!u) return cutPatches(x as tf.Tensor4D, view.patch);
  return tf.tidy(() => cutPatches(putPatches(x as tf.Tensor3D, u.height, u.width, u.channels, u.patch), view.patch));
}

/** The exact inverse of asTokens: tokens back in the layout of the layer `like` (patches into the grid, that grid back into its tokens). */
export function fromTokens(t: tf.Tensor3D, like: tf.Tensor, view: PatchView | undefined): tf.Tensor {
  if (!view) return tf.reshape(t, like.shape);
  const u = view.unpatch;
  if (!u) return putPatches(t, view.height, view.width, view.channels, view.patch);
  return tf.tidy(() => cutPatches(putPatches(t, view.height, view.width, view.channels, view.patch), u.patch));
}
