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
 * So α ≤ 1 / (H (1 + n)(2βd + 1)). It is conservative: real tokens sit well inside the box.
 */
export function selfAttentionStepBound(heads: number, dim: number, beta: number, maxAttendedBy: number): number {
  return 1 / (heads * (1 + maxAttendedBy) * (2 * beta * dim + 1));
}

/** n in the bound above: the largest number of tokens i with j ∈ N(i), over j. */
export function maxAttendedBy(mask: AttentionMask, tokens: number): number {
  const m = maskMatrix(mask, tokens);
  let most = 0;
  for (let j = 0; j < tokens; j++) {
    let c = 0;
    for (let i = 0; i < tokens; i++) c += m[i * tokens + j];
    most = Math.max(most, c);
  }
  return most;
}
