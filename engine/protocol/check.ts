/**
 * What the editor learns about a graph from the engine: the problems (errors and
 * warnings, each with a path and a node) and, when it compiles, a summary of the
 * plan — schedule, guarantee and the plan as text, as `attractor compile` prints it.
 *
 * Plain data, no TensorFlow.js: the renderer imports these types.
 */
import type { Problem } from '../../nodes/problems.js';

export type GuaranteeKind = 'descent' | 'fixed-point-or-2-cycle' | 'none';

export interface PlanLayerSummary {
  readonly id: string;
  /** e.g. `vector[784]`, `grid 1×28×28`, `tokens[16×49]`. */
  readonly shape: string;
  readonly units: number;
  readonly activation: string;
  readonly clamped: 'no' | 'partly' | 'fully';
}

export interface PlanSummary {
  readonly schedule: string;
  readonly phases: number;
  readonly guarantee: { readonly kind: GuaranteeKind; readonly reason: string };
  readonly layers: readonly PlanLayerSummary[];
  readonly params: { readonly free: number; readonly fixed: number };
  /** The whole plan, line by line (the CLI's `compile` output). */
  readonly text: string;
}

export interface CheckResult {
  readonly problems: readonly Problem[];
  /** Present when the graph has no errors. */
  readonly plan?: PlanSummary;
}
