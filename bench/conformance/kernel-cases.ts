/**
 * The tfjs ops the engine uses (engine/runtime, engine/train), forward and
 * gradients, at the engine's shapes: batch 64, 784×256 dense couplings, 28×28
 * grids with 16 channels, 5×5 kernels. Each case is run on a backend under test
 * and on cpu, the reference, and compared within float32 tolerance
 * (compareOutputs). Inputs are deterministic values uploaded on each backend.
 * Run by test/engine/backend/webgpu-kernels.test.ts and by `npm run gpu-check`.
 */
import { tf } from '../../engine/tf.js';
import { convolution, flipSwap, product } from '../../engine/runtime/products.js';

export interface InputSpec {
  shape: number[];
  /** Values uniform in [min, max] (default [-1, 1]). */
  min?: number;
  max?: number;
  dtype?: 'float32' | 'int32' | 'bool';
  /** Overwrites some values, e.g. with NaN or Infinity. */
  special?: (index: number) => number | undefined;
}

export interface KernelCase {
  name: string;
  inputs: Record<string, InputSpec>;
  run(x: Record<string, tf.Tensor>): tf.Tensor | tf.Tensor[];
  /** Relative tolerance (default 1e-4); see compareOutputs. */
  tol?: number;
}

export interface Output {
  shape: number[];
  dtype: string;
  values: Float32Array | Int32Array | Uint8Array;
}

/** A small xorshift so every backend sees the same inputs without tf.random. */
function uniform(n: number, seed: number, min: number, max: number): Float32Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = min + ((s >>> 8) / 16777216) * (max - min);
  }
  return out;
}

function makeInput(spec: InputSpec, seed: number): tf.Tensor {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const v = uniform(n, seed, spec.min ?? -1, spec.max ?? 1);
  if (spec.special) {
    for (let i = 0; i < n; i++) v[i] = spec.special(i) ?? v[i];
  }
  if (spec.dtype === 'bool') return tf.tensor(Uint8Array.from(v, (x) => (x > 0 ? 1 : 0)), spec.shape, 'bool');
  if (spec.dtype === 'int32') return tf.tensor(Int32Array.from(v, Math.round), spec.shape, 'int32');
  return tf.tensor(v, spec.shape, 'float32');
}

/** Runs one case on the active backend; reads every output with await data() (webgpu in Node has no sync read). */
export async function runCase(c: KernelCase): Promise<Output[]> {
  const inputs: Record<string, tf.Tensor> = {};
  Object.entries(c.inputs).forEach(([name, spec], i) => {
    inputs[name] = makeInput(spec, i + 1);
  });
  const outs = tf.tidy(() => {
    const r = c.run(inputs);
    return Array.isArray(r) ? r : [r];
  });
  try {
    return await Promise.all(
      outs.map(async (t) => ({ shape: t.shape, dtype: t.dtype, values: (await t.data()) as Output['values'] })),
    );
  } finally {
    tf.dispose(outs);
    tf.dispose(Object.values(inputs));
  }
}

/**
 * Element i passes when |got − want| ≤ tol·(|want| + mean|want|): relative for
 * large values, and absolute at the tensor's typical magnitude for values near
 * zero (a sum of 784 products cancels to ~0 with an absolute error of the
 * terms' size). Non-finite values must match exactly, integers and booleans too.
 * Returns a description of the first mismatch, or undefined.
 */
export function compareOutputs(got: Output[], want: Output[], tol: number): string | undefined {
  if (got.length !== want.length) return `${got.length} outputs, expected ${want.length}`;
  for (let k = 0; k < want.length; k++) {
    const g = got[k];
    const w = want[k];
    if (g.dtype !== w.dtype) return `output ${k}: dtype ${g.dtype}, expected ${w.dtype}`;
    if (g.shape.join() !== w.shape.join()) return `output ${k}: shape [${g.shape}], expected [${w.shape}]`;
    const exact = w.dtype !== 'float32';
    let scale = 0;
    let finite = 0;
    for (const x of w.values) {
      if (Number.isFinite(x)) {
        scale += Math.abs(x);
        finite++;
      }
    }
    scale = finite > 0 ? scale / finite : 0;
    for (let i = 0; i < w.values.length; i++) {
      const a = g.values[i];
      const b = w.values[i];
      const ok = exact || !Number.isFinite(b) ? Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) : Math.abs(a - b) <= tol * (Math.abs(b) + scale);
      if (!ok) return `output ${k} [${w.shape}] element ${i}: ${a}, expected ${b} (mean |expected| ${scale.toPrecision(3)})`;
    }
  }
  return undefined;
}

/** A fixed, non-constant output cotangent, so a gradient is not just a column sum. */
function cotangent(y: tf.Tensor): tf.Tensor {
  const n = y.size;
  return tf.reshape(tf.sin(tf.mul(tf.range(0, n), 0.37)), y.shape);
}

/** Vector–Jacobian products of f at xs, plus f itself. */
function vjp(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[]): tf.Tensor[] {
  const y = f(...xs);
  const dy = cotangent(y);
  return [y, ...tf.grads((...args: tf.Tensor[]) => f(...args))(xs, dy)];
}

const T2 = (t: tf.Tensor) => t as tf.Tensor2D;
const T4 = (t: tf.Tensor) => t as tf.Tensor4D;

const B = 64;
const GRID = [B, 28, 28, 16];
/**
 * Conv cases use smaller batches: the cpu reference computes conv2d in plain
 * JavaScript, and its stock filter gradient (Conv2DBackpropFilter) takes ≈2 s per example.
 */
const CONV_GRID = [8, 28, 28, 16];
const CONV_GRID_STOCK_GRADIENT = [2, 28, 28, 16];
const KERNEL = [5, 5, 16, 16];

export const KERNEL_CASES: KernelCase[] = [
  // ---- products ----
  {
    name: 'matMul 64×784 · 784×256 and its gradient',
    inputs: { x: { shape: [B, 784] }, w: { shape: [784, 256], min: -0.1, max: 0.1 } },
    run: ({ x, w }) => vjp((a, b) => tf.matMul(a, b), [x, w]),
  },
  {
    name: 'matMul transposed operands (256×64)ᵀ·(256×784), 64×256·(784×256)ᵀ',
    inputs: { a: { shape: [256, B] }, b: { shape: [256, 784] }, c: { shape: [B, 256] }, d: { shape: [784, 256] } },
    run: ({ a, b, c, d }) => [tf.matMul(a, b, true, false), tf.matMul(c, d, false, true)],
  },
  {
    // Small and odd sizes take other tfjs-webgpu programs (split-K, small-output, unvectorised).
    name: 'matMul at batch 1 and 3 onto 10 label units (784×10), and gradients',
    inputs: { x1: { shape: [1, 784] }, x3: { shape: [3, 784] }, w: { shape: [784, 10], min: -0.1, max: 0.1 } },
    run: ({ x1, x3, w }) => [...vjp((a, b) => tf.matMul(a, b), [x1, w]), ...vjp((a, b) => tf.matMul(a, b), [x3, w])],
  },
  {
    name: 'batched matMul 64×8×32 · 64×32×8 (attention scores)',
    inputs: { q: { shape: [B, 8, 32] }, k: { shape: [B, 32, 8] } },
    run: ({ q, k }) => vjp((a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D), [q, k]),
  },
  {
    name: 'product (custom gradient) 64×784 · 784×256',
    inputs: { x: { shape: [B, 784] }, a: { shape: [784, 256], min: -0.1, max: 0.1 } },
    // aT lives outside the differentiated function, as in a bound net: tfjs disposes the
    // forward pass's intermediates before the gradient runs.
    run: ({ x, a }) => {
      const aT = T2(tf.transpose(a));
      return vjp((xs, as) => product(T2(xs), T2(as), aT), [x, a]);
    },
  },
  // ---- convolutions ----
  {
    name: "conv2d 'same' 2×28×28×16, 5×5×16×16, and its gradients",
    inputs: { x: { shape: CONV_GRID_STOCK_GRADIENT }, k: { shape: KERNEL, min: -0.2, max: 0.2 } },
    run: ({ x, k }) => vjp((xs, ks) => tf.conv2d(T4(xs), T4(ks), 1, 'same'), [x, k]),
  },
  {
    name: "conv2d 'valid' 2×28×28×16, 5×5×16×16, and its gradients",
    inputs: { x: { shape: CONV_GRID_STOCK_GRADIENT }, k: { shape: KERNEL, min: -0.2, max: 0.2 } },
    run: ({ x, k }) => vjp((xs, ks) => tf.conv2d(T4(xs), T4(ks), 1, 'valid'), [x, k]),
  },
  {
    name: "conv2d 'valid' with a 28×28 filter (the shape of convFilterGrad's product)",
    inputs: { x: { shape: [16, 32, 32, 8] }, f: { shape: [28, 28, 8, 16], min: -0.2, max: 0.2 } },
    run: ({ x, f }) => tf.conv2d(T4(x), T4(f), 1, 'valid'),
  },
  {
    name: 'convolution (custom gradient) between an image and 16 channels: 3×28×28×1 ↔ 3×28×28×16, k=5',
    inputs: { img: { shape: [3, 28, 28, 1] }, h: { shape: [3, 28, 28, 16] }, k: { shape: [5, 5, 1, 16], min: -0.2, max: 0.2 } },
    run: ({ img, h, k }) => {
      const kFlip = flipSwap(k);
      return [
        ...vjp((xs, ks) => convolution(T4(xs), T4(ks), kFlip), [img, k]),
        ...vjp((hs) => convolution(T4(hs), kFlip, T4(k)), [h]),
      ];
    },
  },
  {
    name: 'convolution (custom gradient) 8×28×28×16, k=5',
    inputs: { x: { shape: CONV_GRID }, k: { shape: KERNEL, min: -0.2, max: 0.2 } },
    run: ({ x, k }) => {
      const kFlip = flipSwap(k);
      return vjp((xs, ks) => convolution(T4(xs), T4(ks), kFlip), [x, k]);
    },
  },
  // ---- shape ops ----
  {
    name: 'transpose 64×28×28×16 by [3,1,2,0] and [1,2,0,3], and gradient',
    inputs: { x: { shape: GRID } },
    run: ({ x }) => [tf.transpose(x, [1, 2, 0, 3]), ...vjp((a) => tf.transpose(a, [3, 1, 2, 0]), [x])],
  },
  {
    name: 'transpose 784×256 and gradient',
    inputs: { x: { shape: [784, 256] } },
    run: ({ x }) => vjp((a) => tf.transpose(a), [x]),
  },
  {
    name: 'reverse 5×5×16×16 along [0,1] (flipSwap) and gradient',
    inputs: { k: { shape: KERNEL } },
    run: ({ k }) => [flipSwap(k), ...vjp((a) => tf.reverse(a, [0, 1]), [k])],
  },
  {
    name: 'pad 64×28×28×16 by 2 on the grid axes, and gradient',
    inputs: { x: { shape: GRID } },
    run: ({ x }) => vjp((a) => tf.pad(a, [[0, 0], [2, 2], [2, 2], [0, 0]]), [x]),
  },
  {
    name: 'reshape, expandDims and gradient',
    inputs: { x: { shape: GRID } },
    run: ({ x }) => [tf.expandDims(tf.reshape(x, [B, -1]), 0), ...vjp((a) => tf.reshape(a, [B * 28, 28 * 16]), [x])],
  },
  {
    name: 'slice 64×20×48 → 64×16×32, and gradient',
    inputs: { x: { shape: [B, 20, 48] } },
    run: ({ x }) => vjp((a) => tf.slice(a, [0, 0, 0], [B, 16, 32]), [x]),
  },
  {
    name: 'concat along the last axis, and gradient',
    inputs: { x: { shape: [B, 16, 32] }, p: { shape: [B, 16, 8] } },
    run: ({ x, p }) => vjp((a, b) => tf.concat([a, b], 2), [x, p]),
  },
  {
    name: 'tile 1×16×8 → 64×16×8, and gradient',
    inputs: { p: { shape: [1, 16, 8] } },
    run: ({ p }) => vjp((a) => tf.tile(a, [B, 1, 1]), [p]),
  },
  // ---- activations and pointwise ----
  {
    name: 'tanh, sigmoid and their gradients on 64×256 (net inputs up to ±6)',
    inputs: { z: { shape: [B, 256], min: -6, max: 6 } },
    run: ({ z }) => [...vjp((a) => tf.tanh(a), [z]), ...vjp((a) => tf.sigmoid(a), [z])],
  },
  {
    name: 'log, exp, sqrt and their gradients',
    inputs: { u: { shape: [B, 256], min: 1e-3, max: 4 }, z: { shape: [B, 256], min: -8, max: 8 } },
    run: ({ u, z }) => [...vjp((a) => tf.log(a), [u]), ...vjp((a) => tf.exp(a), [z]), ...vjp((a) => tf.sqrt(a), [u])],
  },
  {
    name: 'abs, square, neg and their gradients',
    inputs: { z: { shape: [B, 256] } },
    run: ({ z }) => [...vjp((a) => tf.abs(a), [z]), ...vjp((a) => tf.square(a), [z]), ...vjp((a) => tf.neg(a), [z])],
  },
  {
    name: 'x·log(max(x, 1e-30)) (the sigmoid barrier), and gradient',
    inputs: { u: { shape: [B, 256], min: 0, max: 1 } },
    run: ({ u }) => vjp((a) => tf.mul(a, tf.log(tf.maximum(a, 1e-30))), [u]),
  },
  {
    name: 'add, sub, mul, div with broadcasting, addN, and gradients',
    inputs: { a: { shape: [B, 256] }, b: { shape: [256] }, c: { shape: [B, 256], min: 0.5, max: 2 } },
    run: ({ a, b, c }) => [
      tf.addN([a, c, a]),
      ...vjp((x, y, z) => tf.div(tf.sub(tf.mul(tf.add(x, y), z), y), z), [a, b, c]),
    ],
  },
  {
    // every-step training sums one loss per iteration (T = 20): wider than one shader's storage buffers.
    name: 'addN of 20 and of 40 scalars and tensors (every-step losses), and gradient',
    inputs: { a: { shape: [B, 256] }, s: { shape: [40] } },
    run: ({ a, s }) => {
      const scalars = tf.unstack(s);
      return [tf.addN(scalars.slice(0, 20)), tf.addN(scalars), tf.addN(Array.from({ length: 20 }, (_, i) => tf.mul(a, i + 1))), ...vjp((x) => tf.addN(Array.from({ length: 20 }, () => x)), [a])];
    },
  },
  {
    name: 'maximum, minimum and their gradients',
    inputs: { a: { shape: [B, 256] }, b: { shape: [B, 256] } },
    run: ({ a, b }) => [...vjp((x, y) => tf.maximum(x, y), [a, b]), ...vjp((x, y) => tf.minimum(x, y), [a, b])],
  },
  {
    name: 'clipByValue to [1e-7, 1−1e-7], and gradient',
    inputs: { p: { shape: [B, 10], min: -0.5, max: 1.5 } },
    run: ({ p }) => vjp((a) => tf.clipByValue(a, 1e-7, 1 - 1e-7), [p]),
  },
  // ---- comparisons, selection, casts ----
  {
    name: 'less, greater, greaterEqual, equal, where (dropout keep mask), and gradient through where',
    inputs: { u: { shape: [B, 256], min: 0, max: 1 }, old: { shape: [B, 256] }, next: { shape: [B, 256] } },
    run: ({ u, old, next }) => {
      const keep = tf.less(u, 0.3);
      return [
        keep,
        tf.greater(u, 0.5),
        tf.greaterEqual(old, 0),
        tf.equal(tf.greater(old, 0), tf.greater(next, 0)),
        ...vjp((a, b) => tf.where(keep, a, b), [old, next]),
      ];
    },
  },
  {
    name: 'sign activation: cast(greaterEqual(z, 0)) · 2 − 1',
    inputs: { z: { shape: [B, 256], special: (i) => (i % 97 === 0 ? 0 : undefined) } },
    run: ({ z }) => tf.sub(tf.mul(tf.cast(tf.greaterEqual(z, 0), 'float32'), 2), 1),
  },
  {
    name: 'cast float32 → int32 → float32, bool → int32',
    inputs: { z: { shape: [B, 256], min: -50, max: 50 }, m: { shape: [B, 256], dtype: 'bool' } },
    run: ({ z, m }) => [tf.cast(z, 'int32'), tf.cast(tf.cast(z, 'int32'), 'float32'), tf.cast(m, 'int32')],
  },
  {
    name: 'logicalNot(all(isFinite(g))) on finite and non-finite gradients',
    inputs: {
      g: { shape: [784, 256] },
      bad: { shape: [784, 256], special: (i) => (i === 5000 ? NaN : i === 9000 ? Infinity : undefined) },
    },
    run: ({ g, bad }) => [
      tf.isFinite(bad),
      tf.logicalNot(tf.all(tf.isFinite(g))),
      tf.logicalNot(tf.all(tf.isFinite(bad))),
    ],
  },
  {
    name: 'argMax along axis 1, and accuracy count (equal, cast, sum)',
    inputs: { y: { shape: [B, 10] }, t: { shape: [B, 10] } },
    run: ({ y, t }) => [tf.argMax(y, 1), tf.sum(tf.cast(tf.equal(tf.argMax(y, 1), tf.argMax(t, 1)), 'int32'))],
  },
  // ---- reductions ----
  {
    name: 'sum, max, mean along axes, and gradients',
    inputs: { x: { shape: [B, 28 * 28 * 16] }, e: { shape: [B, 8, 16, 16] } },
    run: ({ x, e }) => [
      ...vjp((a) => tf.sum(a, 1), [x]),
      ...vjp((a) => tf.max(tf.abs(a), 1), [x]),
      ...vjp((a) => tf.mean(a), [x]),
      ...vjp((a) => tf.sum(a, [1, 2]), [e]),
      tf.sum(x),
      tf.max(x),
    ],
  },
  {
    name: 'norm (Frobenius) and w / norm(w), and gradient',
    inputs: { w: { shape: [256, 64] } },
    run: ({ w }) => [tf.norm(w), ...vjp((a) => tf.div(a, tf.norm(a)), [w])],
  },
  {
    name: 'softmax over 64×10, 64×256 and attention scores 64×4×16×16, and gradients',
    inputs: { a: { shape: [B, 10], min: -5, max: 5 }, b: { shape: [B, 256], min: -5, max: 5 }, s: { shape: [B, 4, 16, 16], min: -8, max: 8 } },
    run: ({ a, b, s }) => [
      ...vjp((x) => tf.softmax(x), [a]),
      ...vjp((x) => tf.softmax(x), [b]),
      ...vjp((x) => tf.softmax(x), [s]),
    ],
  },
  {
    name: 'logSumExp along the last axis (Hopfield energy, β·scores up to ±40), and gradient',
    inputs: { s: { shape: [B, 4, 16, 16], min: -40, max: 40 }, t: { shape: [B * 16, 100], min: -10, max: 10 } },
    run: ({ s, t }) => [...vjp((x) => tf.logSumExp(x, 3), [s]), ...vjp((x) => tf.logSumExp(x, 1), [t])],
  },
  {
    name: 'softmax and logSumExp of causally masked scores (−1e9 above the diagonal), and gradients',
    inputs: { s: { shape: [B, 4, 16, 16], min: -8, max: 8 } },
    run: ({ s }) => {
      const mask = tf.tensor(Float32Array.from({ length: 16 * 16 }, (_, i) => (i % 16 > Math.floor(i / 16) ? -1e9 : 0)), [16, 16]);
      return [
        ...vjp((x) => tf.softmax(tf.add(x, mask)), [s]),
        ...vjp((x) => tf.logSumExp(tf.add(x, mask), 3), [s]),
      ];
    },
  },
  {
    name: 'clone and valueAndGrads',
    inputs: { x: { shape: [B, 256] } },
    run: ({ x }) => {
      const { value, grads } = tf.valueAndGrads((a: tf.Tensor) => tf.sum(tf.square(tf.tanh(a))))([x]);
      return [tf.clone(x), value, ...grads];
    },
  },
  // ---- constants and random ----
  {
    name: 'eye, fill, zerosLike, buffer → tensor (the conv identity kernel)',
    inputs: { x: { shape: [B, 16] } },
    run: ({ x }) => {
      const centre = tf.buffer([5, 5, 1, 1]);
      centre.set(1, 2, 2, 0, 0);
      return [
        tf.eye(256),
        tf.fill([B, 16], 0.25),
        tf.zerosLike(x),
        tf.mul(centre.toTensor(), tf.reshape(tf.eye(16), [1, 1, 16, 16])),
        tf.mul(x, tf.sub(1, tf.eye(B, 16))),
      ];
    },
  },
  {
    name: 'randomUniform and randomNormal with seeds',
    inputs: {},
    run: () => [
      tf.randomUniform([B, 256], -0.1, 0.1, 'float32', 42),
      tf.randomNormal([784, 256], 0, 0.05, 'float32', 7),
      tf.less(tf.randomUniform([B, 256], 0, 1, 'float32', 3), 0.25),
    ],
  },
];
