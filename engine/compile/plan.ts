/**
 * The compiled plan: plain data the runtime executes and the CLI prints.
 *
 * phases → layer updates → net-input terms. A plan holds no tensors, so it can be
 * printed, compared in tests and sent over the protocol as JSON. What each coupling kind
 * contributes (its spec, its terms) is defined by that kind in engine/couplings/.
 */
import type { ClampMask } from '../../nodes/kinds/clamp.js';
import type { DatasetParams } from '../../nodes/kinds/dataset.js';
import type { ScheduleKind, SettleConfig } from '../../nodes/config.js';
import type { GuaranteeKind } from '../protocol/check.js';
import type { CouplingSpec } from '../couplings/registry.js';
import type { DataRef, LayerSpec, NetInputTerm, ParamSpec } from './plan-parts.js';
import type { BlockUse } from './flatten.js';

export type * from './plan-parts.js';
export type { BlockUse, CouplingSpec, GuaranteeKind };

export interface LayerUpdate {
  readonly layer: string;
  readonly terms: readonly NetInputTerm[];
  /**
   * How the layer moves: to the minimiser x ← f(z) (default), or a damped step
   * x ← (1−α)x + α·f(z) when an energy self-attention block acts on it.
   */
  readonly damped?: number;
}

export interface Phase {
  readonly updates: readonly LayerUpdate[];
}

export interface Guarantee {
  readonly kind: GuaranteeKind;
  readonly reason: string;
}

export interface ClampSpec {
  readonly id: string;
  readonly layer: string;
  readonly data: DataRef;
  readonly mask: ClampMask;
  readonly hold: boolean;
}

export interface TargetSpec {
  readonly id: string;
  readonly layer: string;
  readonly data: DataRef;
  readonly loss: 'mse' | 'cross-entropy';
  readonly units: 'unclamped' | 'all';
  readonly weight: number;
}

export interface NoiseSpec {
  readonly id: string;
  readonly layer: string;
  readonly init: 'zeros' | 'uniform' | 'normal';
  readonly scale: number;
  readonly dropout: number;
  readonly corrupt: number;
}

export interface DatasetSpec {
  readonly id: string;
  readonly params: DatasetParams;
}

export interface Plan {
  readonly schedule: ScheduleKind;
  readonly order: 'fixed' | 'shuffled';
  /** Asynchronous schedules update one unit at a time in a random order inside the single phase. */
  readonly unitwise: boolean;
  readonly layers: readonly LayerSpec[];
  readonly couplings: readonly CouplingSpec[];
  readonly params: readonly ParamSpec[];
  readonly phases: readonly Phase[];
  readonly guarantee: Guarantee;
  readonly clamps: readonly ClampSpec[];
  readonly targets: readonly TargetSpec[];
  readonly noise: readonly NoiseSpec[];
  readonly datasets: readonly DatasetSpec[];
  readonly settle: SettleConfig;
  /** The block instances the graph was flattened from (absent for a graph without blocks); node ids inside are paths, "stage2/conv". */
  readonly blocks?: readonly BlockUse[];
}

export function layerById(plan: { readonly layers: readonly LayerSpec[] }, id: string): LayerSpec {
  const layer = plan.layers.find((l) => l.id === id);
  if (!layer) throw new Error(`plan has no layer "${id}"`);
  return layer;
}
