/**
 * The compiled plan: plain data the runtime executes and the CLI prints.
 *
 * phases → layer updates → net-input terms. A plan holds no tensors, so it can be
 * printed, compared in tests and sent over the protocol as JSON.
 */
import type { LayerShape } from '../../nodes/shapes.js';
import type { Activation } from '../../nodes/kinds/layer.js';
import type { ClampMask } from '../../nodes/kinds/clamp.js';
import type { DatasetParams } from '../../nodes/kinds/dataset.js';
import type { ScheduleKind, SettleConfig } from '../../nodes/config.js';
import type { AttentionMask, PositionalSpec } from './attention-structure.js';

export interface LayerSpec {
  readonly id: string;
  readonly shape: LayerShape;
  /** One example's state dims in engine layout (grids channels-last). */
  readonly dims: readonly number[];
  readonly units: number;
  readonly activation: Activation;
  /** Softmax group size along the last axis (vector layers; grids/tokens group over channels/features). */
  readonly softmaxGroup: number;
  readonly bias: boolean;
  readonly biasInit: number;
  readonly role: 'visible' | 'hidden';
  /** Every unit held by a clamp at every iteration: the layer is never updated. */
  readonly fullyClamped: boolean;
}

export interface WeightInit {
  readonly gain: number;
  readonly distribution: 'normal' | 'uniform' | 'zeros';
  /** Glorot std = gain·√(2/(fanIn+fanOut)). */
  readonly fanIn: number;
  readonly fanOut: number;
}

/** A free parameter: what the optimiser updates; couplings map it to symmetric weights on every use. */
export interface ParamSpec {
  readonly name: string;
  readonly owner: string;
  readonly shape: readonly number[];
  readonly init: WeightInit | { readonly constant: number } | { readonly fromData: DataRef; readonly rows: number };
  /** False for values taken from data (stored memory patterns): no optimiser touches them. */
  readonly trainable?: boolean;
}

interface CouplingBase {
  readonly id: string;
  readonly param: string;
}

/** A grid [height, width, channels] and its p×p patch tokens: the permutation both views apply. */
export interface PatchGeometry {
  readonly patch: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/**
 * A token layer seen as the grid its n² patch tokens tile (an unpatch node): the inverse
 * permutation of a PatchView, so couplings through it stay symmetric.
 */
export type GridView = PatchGeometry;

/** A grid seen as p×p patch tokens (a patches node); the grid is itself a token layer seen through `unpatch` when set. */
export interface PatchView extends PatchGeometry {
  readonly unpatch?: GridView;
}

export type CouplingSpec =
  | (CouplingBase & { readonly kind: 'dense'; readonly lower: string; readonly upper: string })
  | (CouplingBase & { readonly kind: 'dense-within'; readonly layer: string; readonly selfConnections: 'nonnegative' | 'zero' })
  | (CouplingBase & {
      readonly kind: 'conv';
      readonly lower: string;
      readonly upper: string;
      readonly kernel: number;
      /** Set when that end is a token layer reached through an unpatch node. */
      readonly lowerView?: GridView;
      readonly upperView?: GridView;
    })
  | (CouplingBase & {
      readonly kind: 'conv-within';
      readonly layer: string;
      readonly kernel: number;
      readonly selfConnections: 'nonnegative' | 'zero';
      readonly view?: GridView;
    })
  | (CouplingBase & {
      /** `param` holds W_Q [d, H·dk]; `keyParam` W_K. */
      readonly kind: 'self-attention';
      readonly layer: string;
      readonly keyParam: string;
      readonly tokens: number;
      readonly dim: number;
      readonly heads: number;
      readonly keyDim: number;
      readonly beta: number;
      readonly step: number;
      readonly mask: AttentionMask;
      readonly view?: PatchView;
      /** A positional pathway; a learned table is the parameter `posParam` [T, width], used as tanh(·). */
      readonly positional?: PositionalSpec;
      readonly posParam?: string;
    })
  | (CouplingBase & {
      /** One-way: `queries` tokens attend to `keys` tokens; `param` W_Q [d_q, H·dk], `keyParam` W_K [d_k, H·dk]. */
      readonly kind: 'cross-attention';
      readonly queries: string;
      readonly keys: string;
      readonly keyParam: string;
      readonly queryTokens: number;
      readonly queryDim: number;
      readonly keyTokens: number;
      readonly keyDim: number;
      readonly headDim: number;
      readonly heads: number;
      readonly beta: number;
      readonly mask: AttentionMask;
    })
  | (CouplingBase & {
      /** `param` holds the patterns Y [P, d]. */
      readonly kind: 'hopfield-memory';
      readonly layer: string;
      readonly tokens: number;
      readonly dim: number;
      readonly patterns: number;
      readonly beta: number;
      readonly view?: PatchView;
      /** Optional projections W_Q, W_K [d, width] (`${id}.q`, `${id}.k`): scores β(ξW_Q)·(yW_K). */
      readonly projection?: number;
    });

export type TermDirection = 'up' | 'down' | 'within';

export interface NetInputTerm {
  readonly coupling: string;
  readonly direction: TermDirection;
  /** The layer whose state the term reads. */
  readonly from: string;
  /** One line of math, e.g. `z[hidden] += x[visible] · W` */
  readonly math: string;
}

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

export type GuaranteeKind = 'descent' | 'fixed-point-or-2-cycle' | 'none';

export interface Guarantee {
  readonly kind: GuaranteeKind;
  readonly reason: string;
}

export interface DataRef {
  readonly dataset: string;
  readonly port: 'images' | 'labels';
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
}

export function layerById(plan: Plan, id: string): LayerSpec {
  const layer = plan.layers.find((l) => l.id === id);
  if (!layer) throw new Error(`plan has no layer "${id}"`);
  return layer;
}
