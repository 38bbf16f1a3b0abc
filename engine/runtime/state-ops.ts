/** Whole-state tensor helpers the settle loop and the training methods share. */
import { tf } from '../tf.js';
import type { State } from './state.js';

export function disposeState(s: State | undefined): void {
  s?.forEach((t) => t.dispose());
}

/** Dispose the tensors of `old` that none of `keepers` still holds (layers a phase left alone are shared). */
export function release(old: State, keepers: readonly State[]): void {
  const held = new Set(keepers.flatMap((k) => [...k.values()]));
  old.forEach((t) => {
    if (!held.has(t)) t.dispose();
  });
}

/** Run a state-producing step in a tidy scope, keeping only the state it returns. */
export function tidyState(fn: () => State): State {
  let out: State = new Map();
  tf.tidy(() => {
    out = fn();
    out.forEach((t) => tf.keep(t));
  });
  return out;
}

export function copyState(s: State): State {
  return new Map([...s].map(([k, t]) => [k, tf.keep(tf.clone(t))]));
}

/** Per-example ‖a − b‖_∞ over every layer. */
export function changePerExample(a: State, b: State): tf.Tensor1D {
  return tf.tidy(() => {
    let m: tf.Tensor | undefined;
    for (const [id, x] of a) {
      const d = tf.max(tf.reshape(tf.abs(tf.sub(x, b.get(id)!)), [x.shape[0], -1]), 1);
      m = m ? tf.maximum(m, d) : d;
    }
    return m as tf.Tensor1D;
  });
}

/**
 * Per example, `old` where `keep` is true, else `next`; layers both share stay shared.
 * Mixed as old·k + next·(1 − k), exact for k ∈ {0, 1}: tf.where would broadcast a bool
 * mask, which tfjs-wasm tiles at ≈ 40× the cost of the whole mix.
 */
export function keepWhere(keep: tf.Tensor1D, old: State, next: State): State {
  return tidyState(() => {
    const k = tf.cast(keep, 'float32');
    const out: State = new Map();
    for (const [id, x] of next) {
      const o = old.get(id)!;
      out.set(id, o === x ? x : mixExamples(k, o, x));
    }
    return out;
  });
}

/** Per example b: a where k[b] = 1, b where k[b] = 0 (k float [B], broadcast over each example). */
export function mixExamples(k: tf.Tensor1D, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const kb = tf.reshape(k, [k.shape[0], ...new Array(a.rank - 1).fill(1)]);
  return tf.add(tf.mul(a, kb), tf.mul(b, tf.sub(1, kb)));
}

/**
 * The rows `rows` of x (examples, in order) as a new tensor [rows, …]. A one-hot selection
 * matrix times x: exact (each output is 1·x plus zeros), and on wasm ≈ 7× faster than
 * tf.gather, whose kernel copies element by element.
 */
export function takeRows(x: tf.Tensor, rows: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const flat2 = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    return tf.reshape(tf.matMul(rows, flat2), [rows.shape[0], ...x.shape.slice(1)]);
  });
}

/** The one-hot [rows.length, batch] selection matrix takeRows uses. */
export function rowSelector(rows: readonly number[], batch: number): tf.Tensor2D {
  const m = new Float32Array(rows.length * batch);
  rows.forEach((b, k) => (m[k * batch + b] = 1));
  return tf.tensor2d(m, [rows.length, batch]);
}

/** c [B] reshaped to broadcast over each example of a rank-`rank` tensor. */
export function perExample(c: tf.Tensor1D, rank: number): tf.Tensor {
  return tf.reshape(c, [c.shape[0], ...new Array(rank - 1).fill(1)]);
}

/** Per-example ⟨a, b⟩ over every layer. */
export function dotPerExample(a: State, b: State): tf.Tensor1D {
  return tf.tidy(() => {
    let s: tf.Tensor | undefined;
    for (const [id, x] of a) {
      const d = tf.sum(tf.reshape(tf.mul(x, b.get(id)!), [x.shape[0], -1]), 1);
      s = s ? tf.add(s, d) : d;
    }
    return s as tf.Tensor1D;
  });
}

/** Per example b: c[b]·s. */
export function scalePerExample(s: State, c: tf.Tensor1D): State {
  return tidyState(() => new Map([...s].map(([id, x]) => [id, tf.mul(x, perExample(c, x.rank))])));
}

/** Per example b: a + c[b]·p. */
export function axpyPerExample(a: State, c: tf.Tensor1D, p: State): State {
  return tidyState(() => new Map([...a].map(([id, x]) => [id, tf.add(x, tf.mul(perExample(c, x.rank), p.get(id)!))])));
}
