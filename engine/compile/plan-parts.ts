/**
 * The parts of a plan that coupling kinds build and read (engine/couplings/): layers,
 * free parameters, the views that renumber a layer's units, and net-input terms. Kept
 * apart from plan.ts, which gathers the coupling specs of every kind, so a coupling
 * kind can use these without importing the list of all kinds.
 */
import type { LayerShape } from '../../nodes/shapes.js';
import type { Activation } from '../../nodes/kinds/layer.js';
import type { CouplingKindId } from '../../nodes/catalog.js';

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

/** Initial values from a NumPy file beside the graph (engine/data/init-files.ts reads and checks it). */
export interface FileInit {
  /** As written in the graph: relative to the graph file, inside its folder. */
  readonly path: string;
  /** The array of an .npz; absent for an .npy, or an .npz holding one array. */
  readonly array?: string;
}

/** A free parameter: what the optimiser updates; couplings map it to symmetric weights on every use. */
export interface ParamSpec {
  readonly name: string;
  readonly owner: string;
  readonly shape: readonly number[];
  readonly init: WeightInit | { readonly constant: number } | { readonly fromData: DataRef; readonly rows: number } | { readonly fromFile: FileInit };
  /** False for values taken from data (stored memory patterns): no optimiser touches them. */
  readonly trainable?: boolean;
}

export interface DataRef {
  readonly dataset: string;
  readonly port: 'images' | 'labels';
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

export type TermDirection = 'up' | 'down' | 'within';

export interface NetInputTerm {
  readonly coupling: string;
  readonly direction: TermDirection;
  /** The layer whose state the term reads. */
  readonly from: string;
  /** One line of math, e.g. `z[hidden] += x[visible] · W` */
  readonly math: string;
}


/** The fields every coupling spec has; each kind (engine/couplings/) adds its own. */
export interface CouplingSpecBase<K extends CouplingKindId = CouplingKindId> {
  readonly id: string;
  readonly kind: K;
  /** The coupling's main free parameter (named by the node id). */
  readonly param: string;
}
