/** The state of a settle: one tensor per layer, batched, and how a clamp holds units to data. */
import type { Tensor } from '../tf.js';

export type State = Map<string, Tensor>;

/** Units held at data: x ← c·x_data + (1−c)·f(z). `mask` broadcasts against the state ([1|B, ...dims]). */
export interface ClampBinding {
  readonly layer: string;
  readonly mask: Tensor;
  readonly values: Tensor;
}
