/**
 * The structural side of attention blocks, free of tensors so the compiler can use it:
 * the masks N(i) and the step bound under which energy self-attention descends.
 */

export type AttentionMask =
  | { readonly kind: 'full' }
  | { readonly kind: 'local'; readonly radius: number }
  | { readonly kind: 'local-global'; readonly radius: number; readonly global: number }
  | { readonly kind: 'causal' };

/** N as a T×T 0/1 matrix (row i: the tokens i attends to). Every row holds i itself. */
export function maskMatrix(mask: AttentionMask, tokens: number): Float32Array {
  const m = new Float32Array(tokens * tokens);
  for (let i = 0; i < tokens; i++) {
    for (let j = 0; j < tokens; j++) {
      let on: boolean;
      switch (mask.kind) {
        case 'full':
          on = true;
          break;
        case 'local':
          on = Math.abs(i - j) <= mask.radius;
          break;
        case 'local-global':
          // The first `global` tokens see every token and every token sees them (seed 002).
          on = Math.abs(i - j) <= mask.radius || i < mask.global || j < mask.global;
          break;
        case 'causal':
          on = j <= i;
          break;
      }
      m[i * tokens + j] = on ? 1 : 0;
    }
  }
  return m;
}

/**
 * The largest step α for which the damped token update x ← (1−α)x + α·f(z(x)) never
 * raises the energy, derived from structure alone (DESIGN §4; issue 4):
 *
 *   y = f(z) minimises the layer's μ-strongly convex barrier(y) − z·y (μ = 1 for tanh and
 *   linear: (f⁻¹)′ ≥ 1), and the attention energy is L-smooth on the token box, so
 *   E(x′) − E(x) ≤ −α(μ/2 − αL/2)‖y − x‖² ≤ 0 whenever α ≤ μ/L.
 *
 *   L: for one head with s_ij = β x_iᵀ M x_j, ‖M‖₂ ≤ 1 (W_Q, W_K each divided by its
 *   Frobenius norm) and tokens in the box (−1, 1)^d (‖x_i‖² ≤ d, kept by tanh layers),
 *   the second derivative along any direction v obeys
 *     |d²E/dt²| ≤ (1 + n)(2βd + 1)‖v‖²,
 *   with n the most tokens any token is attended by (T for full and causal masks, 2r + 1
 *   for local windows, T for windows with global tokens): the variance of the scores under
 *   the attention weights gives 2β(1 + n)d, their mean curvature (1 + n). Heads add up.
 *
 * So α ≤ 1 / (H (1 + n)(2βR² + 1)) with R² = d. It is conservative: real tokens sit well
 * inside the box. With a positional pathway R² grows (tokenRadius2).
 */
export function selfAttentionStepBound(heads: number, radius2: number, beta: number, maxAttendedBy: number): number {
  return 1 / (heads * (1 + maxAttendedBy) * (2 * beta * radius2 + 1));
}

/**
 * R², the largest ‖x̃_i‖² of what queries and keys read: d for tokens in the tanh box; with a
 * positional encoding p ∈ [−1, 1] (sinusoids, or tanh of a learned table) added, 4d; with it
 * concatenated, d + d_p. It replaces d in the bound above.
 */
export function tokenRadius2(dim: number, positional: PositionalSpec | undefined): number {
  if (!positional) return dim;
  return positional.combine === 'add' ? 4 * dim : dim + positional.dim;
}

/** A positional pathway: what is added to (or set beside) each token before queries and keys. */
export interface PositionalSpec {
  readonly encoding: 'sinusoidal' | 'learned';
  readonly combine: 'add' | 'concat';
  /** Width of a concatenated encoding (an added one has the token's width). */
  readonly dim: number;
}

/** The fixed sinusoidal table [T, D]: sin(t/10000^(2k/D)) at 2k, cos at 2k + 1 (Vaswani et al. 2017). */
export function sinusoidalTable(tokens: number, width: number): Float32Array {
  const out = new Float32Array(tokens * width);
  for (let t = 0; t < tokens; t++) {
    for (let k = 0; k < width; k++) {
      const freq = 1 / 10000 ** ((2 * Math.floor(k / 2)) / width);
      out[t * width + k] = k % 2 === 0 ? Math.sin(t * freq) : Math.cos(t * freq);
    }
  }
  return out;
}

/**
 * n in the bound above: the largest number of tokens i with j ∈ N(i), over j. In closed
 * form, so a long sequence costs nothing to check (a T×T matrix of 10⁹ tokens cannot be built):
 * every token sees token 0 under full and causal masks, and under local-global ones when
 * there is a global token; a local window is seen from at most 2r + 1 places.
 */
export function maxAttendedBy(mask: AttentionMask, tokens: number): number {
  switch (mask.kind) {
    case 'full':
    case 'causal':
      return tokens;
    case 'local':
      return Math.min(tokens, 2 * mask.radius + 1);
    case 'local-global':
      return mask.global > 0 ? tokens : Math.min(tokens, 2 * mask.radius + 1);
  }
}
