/**
 * The gradient check's messages: what it compares (BPTT, recurrent backprop and finite
 * differences, overall and per parameter), its progress and its report. Re-exported by
 * run-events.ts, beside the settle, train and capacity events.
 */

export interface GradcheckTotals {
  /** Examples, parameters and sampled entries checked. */
  readonly batch: number;
  readonly params: number;
  readonly entries: number;
  readonly epsilon: number;
  readonly theta: number;
  readonly steps: number;
  readonly adjointTolerance: number;
  readonly weights: string;
}

/** Two gradients compared on the same entries. */
export interface Agreement {
  readonly cosine: number;
  /** max_i |a_i − b_i| / max_i |b_i|: the worst error relative to the gradient's scale. */
  readonly maxRelError: number;
}

/** The three gradients on one parameter's sampled entries. */
export interface ParamAgreement {
  readonly param: string;
  readonly entries: number;
  /** max |finite difference| over its entries: the scale the relative errors are taken at. */
  readonly scale: number;
  readonly bpttVsFd: Agreement;
  readonly rbpVsFd: Agreement;
  readonly bpttVsRbp: Agreement;
}

/**
 * How many of the finite differences' resolutions (GradcheckDone.fdResolution) an absolute
 * error against them may be and still be their noise: besides the loss's rounding, each
 * settle stops within θ of its fixed point, which moves the loss by several ulps (on the
 * MNIST example BPTT and recurrent backprop agree to 2e-6 while both differ from the finite
 * differences by up to ≈ 9 resolutions on the smallest parameter).
 */
export const FD_NOISE_RESOLUTIONS = 10;

export type GradcheckStage = 'bptt' | 'recurrent-backprop' | 'finite-differences';

export interface GradcheckProgress {
  readonly type: 'gradcheck.progress';
  readonly runId: string;
  readonly stage: GradcheckStage;
  /** Finite differences: entries done of `total`; the gradients: 0 of 1 as they start. */
  readonly done: number;
  readonly total: number;
}

export interface GradcheckDone {
  readonly type: 'gradcheck.done';
  readonly runId: string;
  readonly bpttVsFd: Agreement;
  readonly rbpVsFd: Agreement;
  readonly bpttVsRbp: Agreement;
  readonly perParam: ParamAgreement[];
  /** One ulp of the loss over 2ε: the smallest gradient the finite differences resolve (errors of a few of these are rounding). */
  readonly fdResolution: number;
  /** Examples recurrent backprop dropped, and why. */
  readonly tossed: number;
  readonly tossedWhy: { readonly notSettled: number; readonly diverged: number };
  readonly tStar: (number | null)[];
  /** What a reader needs to trust the numbers: tossed examples and what to change. */
  readonly notes: string[];
  /** Equilibrium propagation's estimate on the same entries, where it applies (else a note says why not). */
  readonly eqprop?: EqpropAgreement;
}

export interface EqpropAgreement {
  readonly beta: number;
  readonly vsFd: Agreement;
  readonly vsRbp: Agreement;
  /** Examples whose free or nudged phase did not settle. */
  readonly tossed: number;
}

export interface GradcheckSummary {
  readonly kind: 'gradcheck';
  readonly entries: number;
  /** The worst of the three overall max relative errors. */
  readonly worstRelError: number;
  readonly ms: number;
}
