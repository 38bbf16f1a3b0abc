/**
 * A cell of a Hopfield memory block, measured through the engine itself: per trial the
 * cell's net compiled, its stored patterns Y set to the trial's, the probes settled by the
 * runtime's settle loop under the plan's schedule, then measured — including how many
 * memories the attention weights at x* spread over (the metastable states of Ramsauer et
 * al. average several).
 */
import { tf } from '../tf.js';
import { Network } from '../runtime/network.js';
import { settleIterations } from '../runtime/settle.js';
import type { CapacityCell } from '../protocol/capacity.js';
import { compileMemoryNet } from './capacity-net.js';
import type { ResolvedSweep, SweepHooks } from './capacity-grid.js';
import { outcomeOf, trialProbes } from './capacity-probes.js';
import { streamSeed } from './corruption.js';
import { measureProbes, participation } from './retrieval-metrics.js';
import { cellOf, type ProbeOutcome } from './retrieval-stats.js';

/** Cell `index`; null when the gate cancelled the run. */
export async function measureMemoryCell(r: ResolvedSweep, index: number, hooks: SweepHooks): Promise<CapacityCell | null> {
  const started = performance.now();
  const cell = r.cells[index];
  const { n, patterns: p } = cell;
  const { plan, layer, coupling } = compileMemoryNet(r.src, cell, r);
  const b = r.probes;
  const trials: ProbeOutcome[][] = [];
  for (let t = 0; t < r.trials; t++) {
    const probes = trialProbes(r, cell, t);
    const y = tf.tensor2d(probes.memories, [p, n]);
    const network = Network.fromValues(plan, new Map([[coupling.param, y]]), r.seed);
    const bound = network.bind();
    const start = tf.tensor(probes.start, [b, ...layer.dims]);
    const settling = settleIterations({ net: bound, initial: new Map([[layer.id, start]]), clamps: new Map() }, { steps: plan.settle.steps, theta: plan.settle.theta, seed: streamSeed(r.seed, n, index, t), energy: 'none' });
    try {
      for (;;) {
        const step = await settling.next();
        if (!step.done) {
          hooks.progress({ first: index, count: 1, iteration: step.value.iteration, settled: step.value.converged + step.value.cycling, probes: b * r.trials });
          if ((await hooks.gate()) === 'cancel') return null;
          continue;
        }
        const { state, tStar, cycle2 } = step.value;
        try {
          const final = state.get(layer.id)!;
          const as3d = (v: tf.Tensor) => tf.reshape(v, [1, b, n]) as tf.Tensor3D;
          const [x, x0, clean, memories] = [as3d(final), as3d(start), tf.tensor3d(probes.clean, [1, b, n]), tf.reshape(y, [1, p, n]) as tf.Tensor3D];
          const m = await measureProbes(x, x0, clean, memories);
          [x, x0, clean, memories].forEach((v) => v.dispose());
          const weights = tf.tidy(() => bound.couplings.get(coupling.id)!.attention!(state));
          const spread = await participation(weights);
          weights.dispose();
          trials.push(probes.targets.map((target, k) => outcomeOf(m, k, target, tStar[k], cycle2[k], spread[k])));
        } finally {
          state.forEach((v) => v.dispose());
          step.value.snapshots.forEach((snap) => snap.forEach((v) => v.dispose()));
        }
        break;
      }
    } finally {
      await settling.return(undefined as never);
      start.dispose();
      bound.dispose();
      network.dispose();
      y.dispose();
    }
  }
  return cellOf(cell, trials, r.tolerance, performance.now() - started);
}
