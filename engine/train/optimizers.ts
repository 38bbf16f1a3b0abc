/**
 * Optimisers with explicit, named state, so a checkpoint can save and restore it exactly:
 *   adam  m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − lr·m̂/(√v̂ + ε)
 *   sgd   u ← μu + g,  θ ← θ − lr·u   (heavy-ball momentum)
 * Weight decay adds λθ to the gradient (L2). State is keyed by parameter name, never by
 * tfjs variable ids, which differ from one process to the next.
 */
import { tf } from '../tf.js';
import type { z } from '../../nodes/schema.js';
import type { optimizerSchema } from '../../nodes/config.js';

export type OptimizerConfig = z.output<typeof optimizerSchema>;

export interface Optimizer {
  readonly config: OptimizerConfig;
  /** Steps taken so far. */
  readonly step: number;
  apply(params: ReadonlyMap<string, tf.Variable>, grads: ReadonlyMap<string, tf.Tensor>): void;
  /** Named state tensors (owned by the optimiser; copy before disposing it). */
  state(): Map<string, tf.Tensor>;
  load(step: number, state: ReadonlyMap<string, tf.Tensor>): void;
  dispose(): void;
}

export function createOptimizer(config: OptimizerConfig, weightDecay = 0): Optimizer {
  const slots = new Map<string, tf.Variable>();
  let step = 0;
  const slot = (key: string, like: tf.Tensor): tf.Variable => {
    let v = slots.get(key);
    if (!v) {
      v = tf.variable(tf.zerosLike(like), false);
      slots.set(key, v);
    }
    return v;
  };
  return {
    config,
    get step() {
      return step;
    },
    apply(params, grads) {
      step++;
      tf.tidy(() => {
        for (const [name, p] of params) {
          let g = grads.get(name);
          // Constants (patterns taken from data) are never moved, not even by weight decay.
          if (!g || !p.trainable) continue;
          if (weightDecay > 0) g = tf.add(g, tf.mul(weightDecay, p));
          if (config.kind === 'adam') {
            const m = slot(`${name}/m`, p);
            const v = slot(`${name}/v`, p);
            m.assign(tf.add(tf.mul(config.beta1, m), tf.mul(1 - config.beta1, g)));
            v.assign(tf.add(tf.mul(config.beta2, v), tf.mul(1 - config.beta2, tf.square(g))));
            const mHat = tf.div(m, 1 - config.beta1 ** step);
            const vHat = tf.div(v, 1 - config.beta2 ** step);
            p.assign(tf.sub(p, tf.mul(config.lr, tf.div(mHat, tf.add(tf.sqrt(vHat), config.epsilon)))));
          } else {
            const u = slot(`${name}/momentum`, p);
            u.assign(tf.add(tf.mul(config.momentum, u), g));
            p.assign(tf.sub(p, tf.mul(config.lr, u)));
          }
        }
      });
    },
    state() {
      return new Map(slots);
    },
    load(atStep, state) {
      step = atStep;
      for (const [key, t] of state) {
        const existing = slots.get(key);
        if (existing) existing.assign(t);
        else {
          // A variable shares its initial tensor's data; the copy itself is released.
          const copy = t.clone();
          slots.set(key, tf.variable(copy, false));
          copy.dispose();
        }
      }
    },
    dispose() {
      slots.forEach((v) => v.dispose());
      slots.clear();
    },
  };
}
