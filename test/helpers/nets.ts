/** Seeded random symmetric nets for the math tests: compiled by the real compiler, weights from the real init. */
import { tf } from '../../engine/tf.js';
import { compileGraph } from '../../engine/compile/compile.js';
import type { Plan } from '../../engine/compile/plan.js';
import { Network, type State } from '../../engine/runtime/network.js';
import type { ClampBinding } from '../../engine/runtime/step.js';
import { makeRng, type Rng } from '../../engine/data/rng.js';
import { between, graphOf, grid, layer, vector, within, type Parts } from './graphs.js';

export type Topology = 'dense' | 'conv-within' | 'conv-between' | 'mixed';
export const TOPOLOGIES: Topology[] = ['dense', 'conv-within', 'conv-between', 'mixed'];

const ACTS = ['tanh', 'sigmoid', 'tanh', 'softmax'] as const;

/** A small random graph of the given topology. Activations vary; gains are large enough for real dynamics. */
export function randomGraphParts(topology: Topology, rng: Rng): Parts[] {
  const gain = () => ({ init: { gain: 1 + 3 * rng.next() } });
  const act = () => ACTS[rng.int(ACTS.length)];
  switch (topology) {
    case 'dense': {
      const n = 2 + rng.int(3);
      const parts: Parts[] = [];
      for (let i = 0; i < n; i++) {
        parts.push(layer(`l${i}`, vector(3 + rng.int(10)), { role: i === 0 ? 'visible' : 'hidden', activation: act() }));
        if (i > 0) parts.push(between('dense', `w${i}`, `l${i - 1}`, `l${i}`, gain()));
      }
      return parts;
    }
    case 'conv-within':
      return [layer('g', grid(1 + rng.int(3), 5, 6), { role: 'visible', activation: 'tanh' }), within('conv-within', 'k', 'g', { kernel: 3, ...gain() })];
    case 'conv-between':
      return [
        layer('v', grid(1 + rng.int(2), 6, 5), { role: 'visible', activation: act() === 'sigmoid' ? 'sigmoid' : 'tanh' }),
        layer('h', grid(1 + rng.int(3), 6, 5), { activation: 'tanh' }),
        between('conv', 'k', 'v', 'h', { kernel: 1 + 2 * rng.int(3), ...gain() }),
      ];
    case 'mixed':
      return [
        layer('v', grid(1, 5, 5), { role: 'visible' }),
        layer('h', grid(2, 5, 5)),
        layer('top', vector(6), { activation: act() }),
        between('conv', 'k', 'v', 'h', { kernel: 3, ...gain() }),
        within('conv-within', 'r', 'h', { kernel: 3, ...gain() }),
        between('dense', 'd', 'h', 'top', gain()),
        within('dense-within', 'dw', 'top', gain()),
      ];
  }
}

export function compileOrThrow(parts: Parts[], settle: Record<string, unknown> = {}): Plan {
  const { plan, problems } = compileGraph(graphOf(parts, settle));
  if (!plan) throw new Error(problems.map((p) => p.message).join('\n'));
  return plan;
}

/** Network with random weights and biases (biases too, so fixed points are not trivially at 0). */
export function randomNetwork(plan: Plan, seed: number): Network {
  const net = Network.create(plan, seed);
  const rng = makeRng(seed + 7);
  for (const [name, v] of net.params) {
    if (name.endsWith('.b')) v.assign(tf.tensor(Array.from({ length: v.size }, () => rng.normal() * 0.5), v.shape));
  }
  return net;
}

/** A random start in each layer's range. */
export function randomState(plan: Plan, batch: number, rng: Rng): State {
  const state: State = new Map();
  for (const l of plan.layers) {
    const n = batch * l.units;
    const lo = l.activation === 'tanh' || l.activation === 'sign' ? -1 : 0;
    const v = Float32Array.from({ length: n }, () => (l.activation === 'sign' ? (rng.next() < 0.5 ? -1 : 1) : lo + (1 - lo) * (0.05 + 0.9 * rng.next())));
    let t = tf.tensor(v, [batch, ...l.dims]);
    if (l.activation === 'softmax') {
      const groups = tf.reshape(t, [-1, l.softmaxGroup]);
      const s = tf.reshape(tf.div(groups, tf.sum(groups, 1, true)), [batch, ...l.dims]);
      groups.dispose();
      t.dispose();
      t = s;
    }
    state.set(l.id, t);
  }
  return state;
}

/** Clamp a random subset of the first (visible) layer's units to their current random values. */
export function randomClamp(plan: Plan, state: State, rng: Rng): Map<string, ClampBinding> {
  const l = plan.layers.find((x) => x.role === 'visible')!;
  if (l.activation === 'softmax') return new Map();
  const x = state.get(l.id)!;
  const mask = tf.tensor(Float32Array.from({ length: l.units }, () => (rng.next() < 0.4 ? 1 : 0)), [1, ...l.dims]);
  return new Map([[l.id, { layer: l.id, mask, values: tf.clone(x) }]]);
}
