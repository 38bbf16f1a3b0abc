/**
 * A network: the plan plus its free parameters (tf.Variables, seeded).
 * `bind()` maps the free parameters to symmetric weights once per settle or training
 * step; the bound net computes net inputs and the energy from them.
 */
import { tf } from '../tf.js';
import type { LayerSpec, LayerUpdate, ParamSpec, Plan } from '../compile/plan.js';
import { layerById } from '../compile/plan.js';
import { couplingKind } from '../couplings/registry.js';
import type { BoundCoupling } from './bound-coupling.js';
import * as kit from './tensor-kit.js';
import { barrierTerms, perExample } from './activations.js';
import { makeRng } from '../data/rng.js';
import type { Dataset } from '../data/dataset.js';
import { dataIsSymmetric } from '../data/range.js';
import type { InitValues } from '../data/init-files.js';
import type { State } from './state.js';

export type { State };

export class Network {
  private constructor(
    readonly plan: Plan,
    readonly params: Map<string, tf.Variable>,
  ) {}

  /**
   * Fresh parameters from the plan's init specs; the same seed gives the same weights on every
   * backend. Parameters taken from data (stored memory patterns) need the loaded datasets,
   * those initialised from files the values engine/data/init-files.ts read and checked.
   */
  static create(plan: Plan, seed: number, datasets?: ReadonlyMap<string, Dataset>, files?: InitValues): Network {
    const rng = makeRng(seed);
    const params = new Map<string, tf.Variable>();
    for (const p of plan.params) {
      // Drawn for every parameter, so a file init leaves the random draws of the others as they were.
      const s = rng.int(2 ** 31);
      // A variable shares its initial tensor's data; the initial tensor itself must go.
      const init = 'fromData' in p.init ? dataValue(plan, p, datasets) : 'fromFile' in p.init ? fileValue(p, files) : initialValue(p, s);
      params.set(p.name, tf.variable(init, p.trainable !== false));
      init.dispose();
    }
    return new Network(plan, params);
  }

  /** Adopt given parameter values (copied), e.g. loaded weights; shapes must match the plan. */
  static fromValues(plan: Plan, values: ReadonlyMap<string, tf.Tensor>, seed = 0, datasets?: ReadonlyMap<string, Dataset>, files?: InitValues): Network {
    const net = Network.create(plan, seed, datasets, files);
    for (const [name, v] of values) {
      const target = net.params.get(name);
      if (!target) throw new Error(`weights have a parameter "${name}" that the graph does not`);
      if (!shapesEqual(target.shape, v.shape)) {
        throw new Error(`parameter "${name}": expected shape [${target.shape}], got [${v.shape}]`);
      }
      target.assign(v);
    }
    return net;
  }

  bind(): BoundNet {
    return new BoundNet(this.plan, this.params);
  }

  dispose(): void {
    this.params.forEach((v) => v.dispose());
  }
}

function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The first `rows` examples of a dataset as a [rows, d] parameter, in the dataset's range (2v − 1 when symmetric). */
function dataValue(plan: Plan, p: ParamSpec, datasets: ReadonlyMap<string, Dataset> | undefined): tf.Tensor {
  if (!('fromData' in p.init)) throw new Error('not a data parameter');
  const { dataset } = p.init.fromData;
  const d = datasets?.get(dataset);
  if (!d) throw new Error(`parameter "${p.name}" is taken from dataset "${dataset}", which is not loaded`);
  const [rows, dim] = p.shape;
  const units = d.channels * d.height * d.width;
  if (units !== dim) throw new Error(`dataset "${dataset}" gives ${units} values per example, but "${p.owner}" stores patterns of ${dim}`);
  if (d.count < rows) throw new Error(`dataset "${dataset}" has ${d.count} examples, fewer than the ${rows} patterns "${p.owner}" stores`);
  const spec = plan.datasets.find((x) => x.id === dataset)!;
  const symmetric = dataIsSymmetric(spec, 'images');
  const values = d.images.slice(0, rows * dim).map((v) => (symmetric ? 2 * v - 1 : v));
  return tf.tensor2d(values, [rows, dim]);
}

function fileValue(p: ParamSpec, files: InitValues | undefined): tf.Tensor {
  const values = files?.get(p.name);
  if (!values) throw new Error(`parameter "${p.name}" starts from a file that was not loaded (engine/data/init-files.ts)`);
  return tf.tensor(values, p.shape as number[]);
}

function initialValue(p: ParamSpec, seed: number): tf.Tensor {
  if ('fromData' in p.init || 'fromFile' in p.init) throw new Error('data and file parameters are made by dataValue and fileValue');
  if ('constant' in p.init) return tf.fill(p.shape as number[], p.init.constant);
  const { gain, distribution, fanIn, fanOut } = p.init;
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  const shape = p.shape as number[];
  switch (distribution) {
    case 'zeros':
      return tf.zeros(shape);
    case 'uniform':
      return tf.randomUniform(shape, -std * Math.sqrt(3), std * Math.sqrt(3), 'float32', seed);
    case 'normal':
      return tf.randomNormal(shape, 0, std, 'float32', seed);
  }
}

/**
 * Weights bound for one settle. Net inputs and energies are plain functions of the
 * state, so they can run inside tf.tidy, under tf.grad, or per phase.
 */
export class BoundNet {
  readonly couplings: Map<string, BoundCoupling>;
  readonly biases: Map<string, tf.Tensor>;

  constructor(
    readonly plan: Plan,
    params: ReadonlyMap<string, tf.Tensor>,
  ) {
    this.couplings = new Map(plan.couplings.map((c) => [c.id, couplingKind(c).bind(c, params, kit)]));
    this.biases = new Map(plan.layers.filter((l) => l.bias).map((l) => [l.id, params.get(`${l.id}.b`)!]));
  }

  layer(id: string): LayerSpec {
    return layerById(this.plan, id);
  }

  /** z = Σ terms + b for one layer update: the closed form of −∂(E − barrier)/∂x. */
  netInput(update: LayerUpdate, state: ReadonlyMap<string, tf.Tensor>): tf.Tensor {
    const x = state.get(update.layer)!;
    let z: tf.Tensor | undefined;
    for (const term of update.terms) {
      const t = this.couplings.get(term.coupling)!.netInput(update.layer, state);
      z = z ? tf.add(z, t) : t;
    }
    const b = this.biases.get(update.layer);
    if (!z) return b ? tf.add(tf.zerosLike(x), b) : tf.zerosLike(x);
    return b ? tf.add(z, b) : z;
  }

  /** Per-example energy E = Σ_c E_c − Σ_l b·x_l + Σ_l barrier(x_l). */
  energy(state: ReadonlyMap<string, tf.Tensor>): tf.Tensor1D {
    return tf.tidy(() => this.energyParts(state).reduce((e, p) => tf.add(e, p)) as tf.Tensor1D);
  }

  /**
   * The energy with the size of what it sums: E per example, and S = Σ_c |E_c| + Σ|b·x| +
   * Σ barrier, the scale of its float32 rounding error. E is often far smaller than its parts
   * (couplings and barriers cancel), so a check on E's changes must measure them against S.
   */
  energyWithScale(state: ReadonlyMap<string, tf.Tensor>): { energy: tf.Tensor1D; scale: tf.Tensor1D } {
    return tf.tidy(() => {
      const parts = this.energyParts(state);
      return { energy: parts.reduce((e, p) => tf.add(e, p)) as tf.Tensor1D, scale: parts.reduce((s, p) => tf.add(s, tf.abs(p)), tf.zerosLike(parts[0])) as tf.Tensor1D };
    });
  }

  /** E's parts per example: each coupling's energy, each layer's bias term and its barrier. */
  private energyParts(state: ReadonlyMap<string, tf.Tensor>): tf.Tensor1D[] {
    const batch = state.values().next().value!.shape[0];
    return [tf.zeros([batch]), ...this.energyTerms(state).map((t) => t.energy)];
  }

  /**
   * E's terms per example, named: each coupling's energy (`coupling` = its node id), each
   * layer's bias term −b·x and its barrier (entropy, or ½x² for linear units). They sum to E.
   */
  energyTerms(state: ReadonlyMap<string, tf.Tensor>): { readonly term: string; readonly kind: 'coupling' | 'bias' | 'barrier'; readonly energy: tf.Tensor1D }[] {
    const terms: { term: string; kind: 'coupling' | 'bias' | 'barrier'; energy: tf.Tensor1D }[] = [];
    for (const [id, c] of this.couplings) terms.push({ term: id, kind: 'coupling', energy: c.energy(state) as tf.Tensor1D });
    for (const layer of this.plan.layers) {
      const x = state.get(layer.id)!;
      const b = this.biases.get(layer.id);
      if (b) terms.push({ term: layer.id, kind: 'bias', energy: tf.neg(perExample(tf.mul(x, b))) });
      const barrier = barrierTerms(layer, x);
      if (barrier) terms.push({ term: layer.id, kind: 'barrier', energy: perExample(barrier) });
    }
    return terms;
  }

  dispose(): void {
    // Only what binding derived: the parameters themselves belong to the network.
    for (const c of this.couplings.values()) c.tensors.forEach((t) => t.dispose());
  }
}
