/**
 * A capacity.start for the run protocol: the memory net opened (the graph sent or named,
 * or the textbook net the sweep asks for), the sweep resolved, then measured with the run's
 * gate between reads of the settling probes. Progress and each measured cell stream out as
 * they happen; the closing event carries the ½ crossings.
 */
import { summarizePlan } from '../compile/check.js';
import { measureSweep } from '../analysis/capacity.js';
import { PROTOCOL_WORDS, resolveSweep } from '../analysis/capacity-grid.js';
import { builtMemoryNet, compileMemoryNet, openMemoryNet } from '../analysis/capacity-net.js';
import { retrievalCrossings, type CapacityCell, type CapacityStart, type RunEvent } from '../protocol/run.js';
import type { RunContext } from '../run/context.js';
import { RunInputError } from '../run/input-error.js';
import { resolvePath } from '../run/open.js';

export async function runCapacity(cmd: CapacityStart, ctx: RunContext, hostDir: string): Promise<RunEvent[]> {
  const runId = cmd.runId;
  const fromGraph = (cmd.graph !== undefined && cmd.graph !== null) || cmd.graphPath !== null;
  if (fromGraph && cmd.sweep.net !== undefined) throw new RunInputError('sweep.net: the graph is the net; sweep.net builds one without a graph');
  const src = fromGraph ? await openMemoryNet({ document: cmd.graph, path: cmd.graphPath === null ? null : resolvePath(hostDir, cmd.graphPath), fallbackDir: hostDir }) : builtMemoryNet(cmd.sweep.net ?? 'classic');
  const r = resolveSweep(src, cmd.sweep, PROTOCOL_WORDS);
  const { plan, layer, coupling } = compileMemoryNet(src, r.cells[0], r);
  const started = performance.now();
  ctx.emit({
    type: 'run.started',
    runId,
    kind: 'capacity',
    backend: ctx.backend,
    plan: summarizePlan(plan),
    warnings: [],
    totals: {
      net: src.net,
      source: src.source,
      layer: layer.id,
      coupling: coupling.id,
      activation: layer.activation,
      schedule: plan.schedule,
      update: plan.unitwise ? 'unit-wise' : 'parallel',
      steps: plan.settle.steps,
      theta: plan.settle.theta,
      trials: r.trials,
      probes: r.probes,
      tolerance: r.tolerance,
      patternForm: r.unitPatterns ? 'unit' : 'sign',
      seed: r.seed,
      cells: [...r.cells],
      axis: r.axis,
    },
  });
  let done = 0;
  const outcome = await measureSweep(r, {
    gate: () => ctx.control.gate(),
    progress: (p) => {
      // A read of the settling probes is the unit a step runs while paused.
      ctx.control.position++;
      ctx.emit({ type: 'capacity.progress', runId, cellsDone: done, cells: r.cells.length, settling: p });
    },
    cell: (index, cell: CapacityCell) => {
      done++;
      ctx.emit({ type: 'capacity.cell', runId, index, cell });
    },
  });
  if (outcome.cancelled) return [{ type: 'run.cancelled', runId, at: outcome.cells.length }];
  const crossings = retrievalCrossings(outcome.cells, r.axis);
  return [{ type: 'run.done', runId, summary: { kind: 'capacity', cells: outcome.cells.length, crossings, ms: performance.now() - started } }];
}
