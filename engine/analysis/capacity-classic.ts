/**
 * A group of cells of a classic net, measured together: every trial of every cell is a
 * net of its own (Hebbian weights from its patterns, by the coupling's own `hebbian.store`),
 * all stacked and settled as one batch of probes (retrieval-settle.ts), then measured on
 * the device in one read.
 */
import { tf } from '../tf.js';
import { couplingKind } from '../couplings/registry.js';
import * as kit from '../runtime/tensor-kit.js';
import type { CapacityCell } from '../protocol/capacity.js';
import { compileMemoryNet } from './capacity-net.js';
import type { ResolvedSweep, SweepHooks } from './capacity-grid.js';
import { outcomeOf, trialProbes, type TrialProbes } from './capacity-probes.js';
import { streamSeed } from './corruption.js';
import { measureProbes } from './retrieval-metrics.js';
import { settleProbes } from './retrieval-settle.js';
import { cellOf, type ProbeOutcome } from './retrieval-stats.js';

/** Cells [first, first + count) of one size; null when the gate cancelled the run. */
export async function measureClassicGroup(r: ResolvedSweep, first: number, count: number, hooks: SweepHooks): Promise<CapacityCell[] | null> {
  const started = performance.now();
  const cells = r.cells.slice(first, first + count);
  const n = cells[0].n;
  const { plan, layer, coupling } = compileMemoryNet(r.src, { n, patterns: 1, beta: null }, r);
  const store = couplingKind(coupling).hebbian!;
  const rows = Math.max(...cells.map((c) => c.patterns));
  const nets: TrialProbes[] = cells.flatMap((cell) => Array.from({ length: r.trials }, (_, t) => trialProbes(r, cell, t, rows)));
  const c = nets.length;
  const b = r.probes;
  const stacked = (part: 'clean' | 'start') => tf.tensor3d(concat(nets.map((x) => x[part])), [c, b, n]);
  const memories = tf.tensor3d(concat(nets.map((x) => x.memories)), [c, rows, n]);
  const start = stacked('start');
  const clean = stacked('clean');
  // Zero rows past a net's P add nothing to Σ p pᵀ: each net stores exactly its own patterns.
  const weights = tf.tidy(() => tf.stack(tf.unstack(memories).map((y) => store.store(coupling, layer, y, kit))) as tf.Tensor3D);
  const settling = settleProbes({ weights, start, layer, unitwise: plan.unitwise }, { steps: plan.settle.steps, theta: plan.settle.theta, seed: streamSeed(r.seed, n, first) });
  let final: tf.Tensor3D | undefined;
  try {
    for (;;) {
      const step = await settling.next();
      if (step.done) {
        final = step.value.state;
        const m = await measureProbes(final, start, clean, memories);
        const { tStar, cycle2 } = step.value;
        const ms = (performance.now() - started) / count;
        return cells.map((cell, ci) => {
          const trials: ProbeOutcome[][] = Array.from({ length: r.trials }, (_, t) => {
            const net = ci * r.trials + t;
            return nets[net].targets.map((target, k) => {
              const at = net * b + k;
              return outcomeOf(m, at, target, tStar[at], cycle2[at], null);
            });
          });
          return cellOf(cell, trials, r.tolerance, ms);
        });
      }
      hooks.progress({ first, count, iteration: step.value.iteration, settled: step.value.settled + step.value.cycling, probes: c * b });
      if ((await hooks.gate()) === 'cancel') return null;
    }
  } finally {
    await settling.return(undefined as never);
    final?.dispose();
    [memories, start, clean, weights].forEach((t) => t.dispose());
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
