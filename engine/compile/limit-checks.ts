/**
 * The checks that hold a graph to LIMITS (limits.ts): its document before validation, its
 * resolved sizes before a schedule is derived, and what a run of it would allocate.
 */
import type { SettleConfig, TrainingConfig } from '../../nodes/config.js';
import type { DatasetSource } from '../../nodes/kinds/dataset.js';
import type { PathSegment, Problem } from '../../nodes/problems.js';
import { describeShape } from '../../nodes/shapes.js';
import { couplingKind } from '../couplings/registry.js';
import type { GraphIndex } from './graph-index.js';
import { bytesText, countText as n, LIMITS } from './limits.js';
import type { CouplingSpec, DatasetSpec, LayerSpec, ParamSpec } from './plan.js';

// ---- the document, before it is validated -------------------------------------------------

const listLength = (v: unknown) => (Array.isArray(v) ? v.length : 0);

/**
 * Counts checked on the raw JSON before any node is validated, so a file of a million
 * nodes is refused in microseconds rather than validated for minutes.
 */
export function documentLimitProblems(json: unknown): Problem[] {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return [];
  const doc = json as Record<string, unknown>;
  const problems: Problem[] = [];
  const counts: [string, number, string][] = [
    ['nodes', LIMITS.nodes, 'nodes'],
    ['edges', LIMITS.edges, 'edges'],
    ['comments', LIMITS.comments, 'comments'],
  ];
  for (const [key, limit, what] of counts) {
    const count = listLength(doc[key]);
    if (count > limit) problems.push({ severity: 'error', path: [key], message: `the graph has ${n(count)} ${what}; the limit is ${n(limit)}` });
  }
  return problems;
}

// ---- the plan's pieces, after shape inference ---------------------------------------------

export interface LimitInput {
  readonly layers: readonly LayerSpec[];
  readonly couplings: readonly CouplingSpec[];
  readonly params: readonly ParamSpec[];
  readonly datasets: readonly DatasetSpec[];
  readonly settle: SettleConfig;
  readonly training: TrainingConfig;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Checks every size of a resolved graph against LIMITS and reports each excess on the node
 * (and path) that causes it. Runs before the schedule is derived, so nothing after it sees
 * a graph it could not hold.
 */
export function checkLimits(ix: GraphIndex, s: LimitInput): void {
  const { settle, training } = s;
  const before = ix.problems.length;
  // One refusal per node: the first limit it breaks says enough, and the totals below only speak when no part did.
  const refused = new Set<string>();
  const onNode = (id: string, message: string, path: readonly PathSegment[] = []) => {
    if (refused.has(id)) return;
    refused.add(id);
    ix.error(id, message, undefined, [...path]);
  };
  const at = (path: PathSegment[], message: string, nodeId?: string) =>
    ix.problems.push({ severity: 'error', path, message, ...(nodeId !== undefined ? { nodeId } : {}) });
  if (settle.batch > LIMITS.settleBatch) at(['settle', 'batch'], `expected a batch of at most ${n(LIMITS.settleBatch)} examples, got ${n(settle.batch)}`);
  if (settle.steps > LIMITS.steps) at(['settle', 'steps'], `expected at most ${n(LIMITS.steps)} iterations, got ${n(settle.steps)}`);
  if (training.batch > LIMITS.trainBatch) at(['training', 'batch'], `expected a batch of at most ${n(LIMITS.trainBatch)} examples, got ${n(training.batch)}`);
  if (training.steps > LIMITS.steps) at(['training', 'steps'], `expected at most ${n(LIMITS.steps)} iterations, got ${n(training.steps)}`);
  if (training.adjoint.maxSteps > LIMITS.steps) at(['training', 'adjoint', 'maxSteps'], `expected at most ${n(LIMITS.steps)} terms, got ${n(training.adjoint.maxSteps)}`);

  const batch = Math.min(settle.batch, LIMITS.settleBatch);
  const trainBatch = Math.min(training.batch, LIMITS.trainBatch);
  for (const layer of s.layers) {
    if (layer.units > LIMITS.layerUnits) {
      onNode(layer.id, `layer has ${n(layer.units)} units (${describeShape(layer.shape)}); the limit is ${n(LIMITS.layerUnits)} units per layer`, ['params', 'shape']);
    } else if (layer.units * batch > LIMITS.tensorValues) {
      at(['settle', 'batch'], `settling ${n(batch)} examples holds ${n(layer.units * batch)} values for layer "${layer.id}" (${describeShape(layer.shape)}); one tensor holds at most ${n(LIMITS.tensorValues)}: settle fewer examples together`, layer.id);
    } else if (layer.units * trainBatch > LIMITS.tensorValues) {
      at(['training', 'batch'], `a training batch of ${n(trainBatch)} holds ${n(layer.units * trainBatch)} values for layer "${layer.id}" (${describeShape(layer.shape)}); one tensor holds at most ${n(LIMITS.tensorValues)}: use smaller batches`, layer.id);
    }
  }

  let total = 0;
  for (const p of s.params) {
    const values = size(p.shape);
    total += values;
    if (values > LIMITS.tensorValues) {
      onNode(p.owner, `parameter "${p.name}" [${p.shape.map(n).join('×')}] would hold ${n(values)} values (${bytesText(values * 4)}); one tensor holds at most ${n(LIMITS.tensorValues)}`);
    }
  }

  const layerById = new Map(s.layers.map((l) => [l.id, l]));
  const layerOf = (id: string) => layerById.get(id)!;
  let flops = 0;
  let heaviest: { id: string; flops: number } | undefined;
  for (const c of s.couplings) {
    const entry = couplingKind(c);
    for (const w of entry.workspace?.(c) ?? []) {
      const values = w.perExample ? w.values * batch : w.values;
      if (values > LIMITS.tensorValues) {
        const per = w.perExample ? ` for a batch of ${n(batch)}` : '';
        onNode(c.id, `${w.what} would hold ${n(values)} values${per} (${bytesText(values * 4)}); one tensor holds at most ${n(LIMITS.tensorValues)}`, w.path ?? []);
      }
    }
    // Both directions of a coupling that writes two layers.
    const f = entry.writes(c).length * entry.flops(c, layerOf, 1);
    flops += f;
    if (!heaviest || f > heaviest.flops) heaviest = { id: c.id, flops: f };
  }

  for (const d of s.datasets) {
    const values = generatedValues(d.params.source);
    if (values !== undefined && values > LIMITS.datasetValues) {
      onNode(d.id, `the ${d.params.source.kind} source would generate ${n(values)} values (${bytesText(values * 4)}); a dataset holds at most ${n(LIMITS.datasetValues)}`, ['params', 'source', 'count']);
    }
  }

  if (ix.problems.length > before) return;
  if (total > LIMITS.parameterValues) {
    at(['nodes'], `the graph's parameters would hold ${n(total)} values (${bytesText(total * 4)}); the limit is ${n(LIMITS.parameterValues)} for a whole graph`);
  } else if (heaviest && flops > LIMITS.flopsPerExample) {
    onNode(heaviest.id, `one settle iteration would cost ${flops.toExponential(1)} floating-point operations per example (this coupling ${heaviest.flops.toExponential(1)}); the limit is ${LIMITS.flopsPerExample.toExponential(1)}`);
  }
}

/** Values a generated dataset source makes before `limit` picks from it; undefined for files (checked as they are read) and MNIST (fixed). */
export function generatedValues(source: DatasetSource): number | undefined {
  switch (source.kind) {
    case 'random-patterns':
      return source.count * source.size;
    case 'shapes':
      return source.count * source.size * source.size;
    case 'associative-recall':
      return source.count * (source.pairs + 1) * 2 * source.symbols;
    default:
      return undefined;
  }
}

// ---- what a run needs ------------------------------------------------------------------------

/** One part of a run's memory, named for a message. */
export interface MemoryItem {
  readonly what: string;
  readonly bytes: number;
  /** The node it belongs to and where in the file its size is set, when one does. */
  readonly nodeId?: string;
  readonly path?: readonly PathSegment[];
}

export interface RunNeeds {
  /** Examples settled or trained together. */
  readonly batch: number;
  /** Training: iterations on the tape (bptt, every-step) multiply the state; recurrent backprop and settling hold a few. */
  readonly unrolled?: number;
  /** Training keeps gradients and optimiser slots beside each parameter. */
  readonly training?: boolean;
}

/**
 * Bytes a run allocates, largest parts first. Deliberately generous (a few live copies of
 * the state per iteration, three per parameter when training): it decides whether to
 * start, and a refusal is cheaper than a process killed for memory.
 */
export function estimateRun(plan: Pick<LimitInput, 'layers' | 'couplings' | 'params'>, needs: RunNeeds): MemoryItem[] {
  const F32 = 4;
  const stateCopies = 8 * Math.max(1, needs.unrolled ?? 1);
  const items: MemoryItem[] = [];
  const paramCopies = needs.training ? 4 : 2;
  for (const p of plan.params) items.push({ what: `parameter "${p.name}"`, bytes: size(p.shape) * F32 * paramCopies, nodeId: p.owner });
  for (const l of plan.layers) {
    items.push({ what: `the state of layer "${l.id}" (${describeShape(l.shape)}) for ${n(needs.batch)} examples`, bytes: l.units * needs.batch * F32 * stateCopies, nodeId: l.id, path: ['params', 'shape'] });
  }
  for (const c of plan.couplings) {
    for (const w of couplingKind(c).workspace?.(c) ?? []) {
      const copies = w.perExample ? 3 * Math.max(1, needs.unrolled ?? 1) : 1;
      items.push({ what: w.what, bytes: w.values * (w.perExample ? needs.batch : 1) * F32 * copies, nodeId: c.id, ...(w.path ? { path: w.path } : {}) });
    }
  }
  return items.sort((a, b) => b.bytes - a.bytes);
}

export function totalBytes(items: readonly MemoryItem[]): number {
  return items.reduce((s, i) => s + i.bytes, 0);
}
