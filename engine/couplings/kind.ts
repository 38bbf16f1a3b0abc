/**
 * What the engine knows about one coupling kind, in one place (DESIGN §6, "one home per
 * coupling kind"; the idea of Nengo's builder registry and of TensorFlow.js's kernel
 * configs). Generic passes — schedule, guarantee, plan text, FLOPs, weight views, the
 * runtime and the adjoint — ask an entry; none of them switches on the kind.
 *
 * A kind file holds the compiler's side (shapes, parameters, reads/writes, plan terms,
 * the facts the guarantee needs, FLOPs) and the tensor side (binding weights to net
 * inputs, energy and vector–Jacobian products). The compiler runs in the Electron main
 * process, where TensorFlow.js is never loaded, so a kind file imports tensors as types
 * only: the runtime hands its tensor operations (runtime/tensor-kit.ts) to `bind`.
 */
import type { NodeOfKind } from '../../nodes/graph.js';
import type { CouplingKindId } from '../../nodes/catalog.js';
import type { GraphIndex } from '../compile/graph-index.js';
import type { Unpatches } from '../compile/views.js';
import type { CouplingSpecBase, LayerSpec, NetInputTerm, ParamSpec } from '../compile/plan-parts.js';
import type { BoundCoupling } from '../runtime/bound-coupling.js';
import type { Tensor } from '../tf.js';
import type { PathSegment } from '../../nodes/problems.js';
import type * as TensorKit from '../runtime/tensor-kit.js';

export type Kit = typeof TensorKit;
export type { BoundCoupling, CouplingSpecBase };
type T = Tensor;

/** What shape resolution gets: the graph, the unpatch views, and where to declare parameters. */
export interface ResolveContext {
  readonly ix: GraphIndex;
  readonly unpatches: Unpatches;
  declare(param: ParamSpec): void;
}

/**
 * What the guarantee pass (compile/guarantee.ts) needs to know about a kind. Every kind's
 * update of a layer it writes does not raise E on its own: bilinear terms give the exact
 * −∂E_c/∂x, so x ← f(z) minimises E over the updated units provided no two units the term
 * couples move together; concave terms (memory, cross-attention) are linearised at the old
 * state (CCCP) and descend whatever moves in parallel; damped steps (self-attention) check
 * their own bound.
 */
export interface DescentFacts<S> {
  /** Couples units inside one layer through a bilinear term: updating that layer's units in parallel breaks descent (Koiran: fixed point or 2-cycle). */
  readonly couplesUnitsOfALayer: boolean;
  /** Why this coupling breaks descent under any schedule (a step too large, a one-way flow), or undefined. */
  breaksDescent?(spec: S, layer: (id: string) => LayerSpec): string | undefined;
  /** Said after a descent guarantee when the kind is present, e.g. why a concave term still descends. */
  readonly note?: string;
}

/** A tensor a bound coupling makes besides its parameters whose size grows with the graph (an attention mask, attention weights). */
export interface WorkTensor {
  /** In the user's terms, e.g. `its 16×16 attention mask`. */
  readonly what: string;
  readonly values: number;
  /** Made per example of a batch (values is one example's), or once. */
  readonly perExample: boolean;
  /** Where in the node its size is set, when one parameter does. */
  readonly path?: readonly PathSegment[];
}

/** One parameter as the weights panel draws it: the values the net multiplies by. */
export interface ParamView {
  readonly values: T;
  /** max |W − Wᵀ| (or its conv analogue) of a weight the kind keeps symmetric. */
  readonly symmetryError?: T;
}

export interface CouplingKind<K extends CouplingKindId, S extends CouplingSpecBase<K>> {
  readonly kind: K;
  /**
   * The node's spec with every shape checked; problems go to `ctx.ix` naming the node
   * and the port; free parameters are declared on `ctx`. Undefined when it does not fit.
   */
  resolve(node: NodeOfKind<K>, ctx: ResolveContext): S | undefined;
  /** Layers whose state the coupling's net inputs or energy read, in the order the plan shows them. */
  reads(spec: S): readonly string[];
  /** Layers the coupling gives net input to. */
  writes(spec: S): readonly string[];
  /** Every parameter the coupling owns; the first is `spec.param`. */
  params(spec: S): readonly string[];
  /** The net-input term into `layer` (one it writes), with its one line of math. */
  term(spec: S, layer: string): NetInputTerm;
  /** Layers a damped coupling moves by steps x ← (1−α)x + α·f(z): α, else undefined. */
  damping?(spec: S): number | undefined;
  readonly descent: DescentFacts<S>;
  /**
   * The large tensors binding and evaluating the coupling make besides its parameters,
   * for the size limits and the memory estimate (engine/compile/limits.ts); none when absent.
   */
  workspace?(spec: S): readonly WorkTensor[];
  /** Multiply-adds × 2 of one net-input product at batch size `batch`. */
  flops(spec: S, layer: (id: string) => LayerSpec, batch: number): number;
  /** Weights bound to tensors; `params` holds every parameter by name. */
  bind(spec: S, params: ReadonlyMap<string, T>, kit: Kit): BoundCoupling;
  /** How parameter `name` (one of `params(spec)`) is drawn; `kernelTiles` keeps conv kernels' k×k taps together when shrunk. */
  view(spec: S, name: string, free: T, kit: Kit): ParamView;
  readonly kernelTiles?: boolean;
  /** Hebbian storage, where the kind has it (the classic Hopfield prescription). */
  readonly hebbian?: {
    /** Why the coupling cannot store patterns of `layer`, or undefined. */
    refuse(layer: LayerSpec): string | undefined;
    /** The weights from patterns [P, N] of the layer it couples. */
    store(spec: S, layer: LayerSpec, patterns: T, kit: Kit): T;
  };
}
