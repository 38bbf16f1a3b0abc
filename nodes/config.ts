/** The settle and training sections of a graph file. */
import { z, positive, positiveInt } from './schema.js';

export const SCHEDULES = ['synchronous', 'sequential', 'chromatic', 'asynchronous'] as const;
export type ScheduleKind = (typeof SCHEDULES)[number];

const seed = z.number().int({ error: 'expected an integer seed' });

export const settleConfigSchema = z
  .object({
    schedule: z.enum(SCHEDULES, { error: `expected one of ${SCHEDULES.join(', ')}` }).default('chromatic'),
    order: z.enum(['fixed', 'shuffled']).default('fixed').describe('sequential schedules: same layer order each iteration, or shuffled'),
    steps: positiveInt().default(100).describe('most iterations per settle'),
    theta: positive().default(1e-3).describe('converged when ‖x_i − x_{i−1}‖_∞ < θ'),
    seed: seed.default(0),
    batch: positiveInt().default(8).describe('examples settled together'),
  })
  .strict();

export type SettleConfig = z.infer<typeof settleConfigSchema>;

export const METHODS = ['bptt', 'recurrent-backprop', 'every-step', 'hebbian', 'equilibrium-propagation'] as const;
export type TrainingMethod = (typeof METHODS)[number];

export const optimizerSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('adam'),
        lr: positive().default(3e-3),
        beta1: positive().default(0.9),
        beta2: positive().default(0.999),
        epsilon: positive().default(1e-8),
      })
      .strict(),
    z.object({ kind: z.literal('sgd'), lr: positive().default(0.01), momentum: z.number().min(0).max(1).default(0.9) }).strict(),
  ],
  { error: 'expected an optimizer with kind "adam" or "sgd"' },
);

/** How recurrent backprop solves its adjoint (engine/train/adjoint-solve.ts says when cg applies). */
export const ADJOINT_SOLVERS = ['auto', 'cg', 'neumann'] as const;
export type AdjointSolver = (typeof ADJOINT_SOLVERS)[number];

/**
 * Equilibrium propagation's default nudge. β scales the nudge one scored unit feels (a
 * squared-error unit's net input moves by 2β(y − x)), so it means the same for any batch or
 * layer size. The symmetric estimate's bias grows as β² and its settling noise as θ/β: on
 * MNIST completion at θ = 10⁻³ the gradient is within 0.4% (β = 0.02), 1.7% (0.05) and 7%
 * (0.1) of recurrent backprop's; 0.05 keeps a margin for coarser θ.
 */
export const EQPROP_DEFAULT_BETA = 0.05;

export const eqpropConfigSchema = z
  .object({
    beta: positive()
      .default(EQPROP_DEFAULT_BETA)
      .describe('nudge strength β toward the target: smaller is less biased (symmetric: as β²), larger is less noisy; squared error needs β < 1/(2·weight) (tanh, linear, softmax) or 2/weight (sigmoid)'),
    symmetric: z.boolean().default(true).describe('nudge both ways (±β) and take the difference over 2β (bias O(β²)); false: +β against the free phase (bias O(β), one settle less)'),
    steps: positiveInt().optional().describe('most iterations of each nudged phase (default: training.steps)'),
  })
  .strict();

export type EqpropConfig = z.infer<typeof eqpropConfigSchema>;

export const trainingConfigSchema = z
  .object({
    method: z.enum(METHODS, { error: `expected one of ${METHODS.join(', ')}` }).default('bptt'),
    steps: positiveInt().default(20).describe('T: iterations unrolled (bptt), or the most settled before the adjoint (recurrent backprop) or in the free phase (equilibrium propagation)'),
    batch: positiveInt().default(64),
    epochs: positiveInt().optional(),
    batches: positiveInt().optional().describe('stop after this many batches (overrides epochs)'),
    optimizer: optimizerSchema.default({ kind: 'adam', lr: 3e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }),
    weightDecay: z.number().min(0).default(0),
    seed: seed.default(0),
    adjoint: z
      .object({
        solver: z
          .enum(ADJOINT_SOLVERS, { error: `expected one of ${ADJOINT_SOLVERS.join(', ')}` })
          .default('auto')
          .describe('recurrent backprop: conjugate gradients on the symmetric system (cg), the power series (neumann), or cg where it applies (auto)'),
        tolerance: positive().default(1e-4).describe('stop the adjoint when it moves less than tolerance·‖g₀‖ (series) or its residual is that small (cg), per example'),
        maxSteps: positiveInt().default(500).describe('an adjoint not converged after this many steps is tossed'),
      })
      .strict()
      .default({ solver: 'auto', tolerance: 1e-4, maxSteps: 500 }),
    eqprop: eqpropConfigSchema.default({ beta: EQPROP_DEFAULT_BETA, symmetric: true }),
    checkpointEvery: positiveInt().default(100).describe('batches between checkpoints'),
    stopAtTStar: z
      .boolean()
      .default(true)
      .describe('bptt and every-step: each example stops at its t* (faster); false unrolls all T iterations, as the reference does'),
  })
  .strict();

export type TrainingConfig = z.infer<typeof trainingConfigSchema>;
