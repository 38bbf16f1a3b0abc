/** Graph → plan: shape inference, schedule, guarantee. Errors come back as problems, never throws. */
import type { FlatGraph, GraphDoc } from '../../nodes/graph.js';
import type { SettleConfig } from '../../nodes/config.js';
import type { Problem } from '../../nodes/problems.js';
import { GraphIndex } from './graph-index.js';
import { inferStructure } from './structure.js';
import { scheduleGroups } from './schedule.js';
import { deriveGuarantee } from './guarantee.js';
import type { CouplingSpec, LayerUpdate, Phase, Plan } from './plan.js';
import { couplingKind } from '../couplings/registry.js';
import { flattenGraph } from './flatten.js';
import { checkLimits } from './limit-checks.js';

export type SettleOverrides = Partial<SettleConfig>;

export interface CompileResult {
  /** Present when there are no errors (warnings allowed). */
  readonly plan?: Plan;
  readonly problems: readonly Problem[];
}

/** Above this many units, the unit-at-a-time schedule costs one layer net input per unit: warn. */
const ASYNC_UNIT_WARNING = 4096;

export function compileGraph(graph: GraphDoc, overrides: SettleOverrides = {}): CompileResult {
  const flat = flattenGraph(graph);
  if ('problems' in flat) return { problems: flat.problems };
  const result = compileFlat(flat.graph, overrides);
  const problems = result.problems.map(flat.mapProblem);
  if (!result.plan || flat.blocks.length === 0) return { ...result, problems };
  return { plan: { ...result.plan, blocks: flat.blocks }, problems };
}

function compileFlat(graph: FlatGraph, overrides: SettleOverrides): CompileResult {
  const ix = new GraphIndex(graph);
  const settle: SettleConfig = { ...graph.settle, ...definedOnly(overrides) };
  const s = inferStructure(ix);
  if (s.layers.length === 0) ix.problems.push({ severity: 'error', path: ['nodes'], message: 'expected at least one layer node' });
  if (!ix.problems.some((p) => p.severity === 'error')) checkLimits(ix, { ...s, settle, training: graph.training });
  const errors = ix.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) return { problems: ix.problems };

  const unitwise = settle.schedule === 'asynchronous';
  const groups = scheduleGroups(settle.schedule, s.layers, s.couplings);
  const freeUnits = s.layers.filter((l) => !l.fullyClamped).reduce((n, l) => n + l.units, 0);
  if (unitwise && freeUnits > ASYNC_UNIT_WARNING) {
    ix.problems.push({
      severity: 'warning',
      path: ['settle', 'schedule'],
      message: `asynchronous updates of ${freeUnits} units cost one layer net input per unit per iteration; chromatic gives the same guarantee far faster`,
    });
  }
  const writers = writersByLayer(s.couplings);
  const phases: Phase[] = groups.map((group) => ({
    updates: group.map((layer): LayerUpdate => {
      const into = writers.get(layer) ?? [];
      const terms = into.map((c) => couplingKind(c).term(c, layer));
      const damped = dampingOf(layer, into);
      return damped === undefined ? { layer, terms } : { layer, terms, damped };
    }),
  }));
  const plan: Plan = {
    schedule: settle.schedule,
    order: settle.order,
    unitwise,
    ...s,
    phases,
    guarantee: deriveGuarantee(settle.schedule, settle.order, unitwise, groups, s.layers, s.couplings),
    settle,
  };
  return { plan, problems: ix.problems };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The couplings that give each layer net input, in the order of the couplings: the terms
 * z[layer] = Σ terms + b, each the closed form of −∂E_c/∂x[layer]. One pass, so a graph of
 * thousands of layers compiles in linear time.
 */
function writersByLayer(couplings: readonly CouplingSpec[]): Map<string, CouplingSpec[]> {
  const out = new Map<string, CouplingSpec[]>();
  for (const c of couplings) {
    for (const layer of new Set(couplingKind(c).writes(c))) {
      const list = out.get(layer);
      if (list) list.push(c);
      else out.set(layer, [c]);
    }
  }
  return out;
}

/** α of a damped step when a coupling into the layer moves it by damped steps (energy self-attention), else undefined. */
function dampingOf(layer: string, writers: readonly CouplingSpec[]): number | undefined {
  for (const c of writers) {
    const alpha = couplingKind(c).damping?.(c);
    if (alpha !== undefined) return alpha;
  }
  return undefined;
}
