/** Graph → plan: shape inference, schedule, guarantee. Errors come back as problems, never throws. */
import type { GraphDoc } from '../../nodes/graph.js';
import type { SettleConfig } from '../../nodes/config.js';
import type { Problem } from '../../nodes/problems.js';
import { GraphIndex } from './graph-index.js';
import { inferStructure } from './structure.js';
import { scheduleGroups } from './schedule.js';
import { deriveGuarantee } from './guarantee.js';
import type { CouplingSpec, GridView, LayerUpdate, NetInputTerm, Phase, Plan } from './plan.js';
import type { PositionalSpec } from './attention-structure.js';

export type SettleOverrides = Partial<SettleConfig>;

export interface CompileResult {
  /** Present when there are no errors (warnings allowed). */
  readonly plan?: Plan;
  readonly problems: readonly Problem[];
}

/** Above this many units, the unit-at-a-time schedule costs one layer net input per unit: warn. */
const ASYNC_UNIT_WARNING = 4096;

export function compileGraph(graph: GraphDoc, overrides: SettleOverrides = {}): CompileResult {
  const ix = new GraphIndex(graph);
  const settle: SettleConfig = { ...graph.settle, ...definedOnly(overrides) };
  const s = inferStructure(ix);
  if (s.layers.length === 0) ix.problems.push({ severity: 'error', path: ['nodes'], message: 'expected at least one layer node' });
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
  const phases: Phase[] = groups.map((group) => ({
    updates: group.map((layer): LayerUpdate => {
      const attention = s.couplings.find((c) => c.kind === 'self-attention' && c.layer === layer);
      const terms = termsInto(layer, s.couplings);
      return attention && attention.kind === 'self-attention' ? { layer, terms, damped: attention.step } : { layer, terms };
    }),
  }));
  const plan: Plan = {
    schedule: settle.schedule,
    order: settle.order,
    unitwise,
    ...s,
    phases,
    guarantee: deriveGuarantee(settle.schedule, unitwise, groups, s.layers, s.couplings),
    settle,
  };
  return { plan, problems: ix.problems };
}

/** Which pathways queries and keys read, for the plan a user reads. */
function pathway(p: PositionalSpec | undefined): string {
  if (!p) return 'content pathway only';
  return `content + ${p.encoding} positional pathway, ${p.combine === 'add' ? 'added' : `concatenated (${p.dim} wide)`}`;
}

/** x[layer] as a grid: the layer itself, or its patch tokens put back together by an unpatch node. */
function gridOf(layer: string, view: GridView | undefined): string {
  return view ? `unpatch(x[${layer}])` : `x[${layer}]`;
}

/** A grid-shaped net input, cut back into patch tokens when its layer is seen through an unpatch node. */
function viewed(expr: string, view: GridView | undefined): string {
  return view ? `patches(${expr})` : expr;
}

function unpatched(layer: string, v: GridView): string {
  return `"${layer}" put back as a grid[${v.channels}×${v.height}×${v.width}]`;
}

/** The trailing note of a term: what the unpatch views are, after any note of its own. */
function notes(ends: [string, GridView | undefined][], own: string): string {
  const seen = ends.filter((e): e is [string, GridView] => e[1] !== undefined).map(([l, v]) => `${unpatched(l, v)} of ${v.patch}×${v.patch} patches`);
  const all = [own, ...new Set(seen)].filter((s) => s !== '');
  return all.length > 0 ? `  (${all.join('; ')})` : '';
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The net-input terms z[layer] = Σ terms + b, each the closed form of −∂E_c/∂x[layer]. */
export function termsInto(layer: string, couplings: readonly CouplingSpec[]): NetInputTerm[] {
  const terms: NetInputTerm[] = [];
  for (const c of couplings) {
    switch (c.kind) {
      case 'dense':
        if (c.upper === layer) terms.push({ coupling: c.id, direction: 'up', from: c.lower, math: `z[${layer}] += x[${c.lower}] · ${c.param}` });
        if (c.lower === layer) terms.push({ coupling: c.id, direction: 'down', from: c.upper, math: `z[${layer}] += x[${c.upper}] · ${c.param}ᵀ` });
        break;
      case 'conv': {
        const into = (to: string, view: GridView | undefined, expr: string, note: string) =>
          `z[${to}] += ${viewed(expr, view)}${notes([[c.lower, c.lowerView], [c.upper, c.upperView]], note)}`;
        if (c.upper === layer) terms.push({ coupling: c.id, direction: 'up', from: c.lower, math: into(layer, c.upperView, `conv(${gridOf(c.lower, c.lowerView)}, ${c.param})`, '') });
        if (c.lower === layer) {
          const expr = `conv(${gridOf(c.upper, c.upperView)}, flip(${c.param})ᵀ)`;
          terms.push({ coupling: c.id, direction: 'down', from: c.upper, math: into(layer, c.lowerView, expr, `conv-transpose of ${c.param}`) });
        }
        break;
      }
      case 'dense-within':
        if (c.layer === layer) terms.push({ coupling: c.id, direction: 'within', from: layer, math: `z[${layer}] += x[${layer}] · ½(${c.param} + ${c.param}ᵀ)` });
        break;
      case 'conv-within':
        if (c.layer === layer) {
          const expr = `conv(${gridOf(layer, c.view)}, ½(${c.param} + flip(${c.param})ᵀ))`;
          terms.push({ coupling: c.id, direction: 'within', from: layer, math: `z[${layer}] += ${viewed(expr, c.view)}${notes([[layer, c.view]], '')}` });
        }
        break;
      case 'self-attention':
        if (c.layer === layer) {
          terms.push({
            coupling: c.id,
            direction: 'within',
            from: layer,
            math: `z[${layer}] += Σ_h (A K)·Ŵ_Qᵀ + (Aᵀ Q)·Ŵ_Kᵀ,  A = softmax_N(β Q Kᵀ)  (${c.heads} head${c.heads > 1 ? 's' : ''}, ${c.mask.kind} mask, ${c.tokens} tokens of ${c.dim}${c.view ? ` from ${c.view.patch}×${c.view.patch} patches${c.view.unpatch ? ` of ${unpatched(layer, c.view.unpatch)}` : ''}` : ''}; ${pathway(c.positional)})`,
          });
        }
        break;
      case 'cross-attention':
        // One-way: only the queries feel it.
        if (c.queries === layer) {
          terms.push({
            coupling: c.id,
            direction: 'up',
            from: c.keys,
            math: `z[${layer}] += Σ_h (A K[${c.keys}])·Ŵ_Qᵀ,  A = softmax_N(β Q[${layer}] K[${c.keys}]ᵀ)  (one-way, ${c.heads} head${c.heads > 1 ? 's' : ''})`,
          });
        }
        break;
      case 'hopfield-memory':
        if (c.layer === layer) {
          terms.push({
            coupling: c.id,
            direction: 'within',
            from: layer,
            math:
              c.projection === undefined
                ? `z[${layer}] += Yᵀ softmax(β Y x[${layer}])  (${c.patterns} patterns, β = ${c.beta})`
                : `z[${layer}] += softmax(β x[${layer}]W_Q (YW_K)ᵀ) YW_K W_Qᵀ  (${c.patterns} patterns compared in ${c.projection} dimensions, β = ${c.beta})`,
          });
        }
        break;
    }
  }
  return terms;
}
