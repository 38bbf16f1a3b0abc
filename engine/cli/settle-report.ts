/**
 * `attractor settle` as text or JSON, rendered from the run driver's events (what the UI
 * gets too) and its outcome: the energy trace, t*, 2-cycles, the final state, recorded
 * attention weights and, under a `descent` guarantee, any rise of the energy.
 */
import type { EnergyRise, FixedPointStability, RunEvent, SettleTotals } from '../protocol/run.js';
import type { PlanSummary } from '../protocol/check.js';
import { unsettledAdvice } from '../protocol/settling-advice.js';
import { attentionShape } from '../run/attention.js';
import type { SettleOutcome } from '../run/settle-run.js';

/** JSON output keeps recorded attention weights up to this many numbers (small graphs). */
const ATTENTION_JSON_LIMIT = 2_000_000;
/** Rises named in the warning line; the JSON has them all. */
const RISES_SHOWN = 6;

interface Started {
  readonly description: string;
  readonly plan: PlanSummary;
  readonly totals: SettleTotals;
}

/** What the run streamed: per-example energies and changes per iteration, and attention weights per block. */
export class SettleTrace {
  started: Started | undefined;
  readonly energy: number[][] = [];
  readonly changes: number[][] = [];
  readonly attention = new Map<string, { shape: number[]; iterations: Float32Array[] }>();

  readonly take = (ev: RunEvent): void => {
    if (ev.type === 'run.started' && ev.kind === 'settle') this.started = { description: ev.backend.description, plan: ev.plan, totals: ev.totals };
    else if (ev.type === 'settle.iteration') {
      this.energy.push(ev.energy);
      if (ev.iter > 0) this.changes.push(ev.maxChange);
    } else if (ev.type === 'settle.attention') {
      const rec = this.attention.get(ev.block) ?? { shape: attentionShape(ev), iterations: [] };
      rec.iterations.push(ev.weights);
      this.attention.set(ev.block, rec);
    }
  };

  get meanEnergy(): number[] {
    return this.energy.map((e) => e.reduce((a, b) => a + b, 0) / e.length);
  }

  get maxChange(): number[] {
    return this.changes.map((c) => Math.max(...c));
  }
}

/** Where a CLI user changes T, the gain and θ. */
export const CLI_WORDS = { steps: '--steps', gain: '"init": { "gain": 0.3 } on each coupling in the graph file', theta: '--theta' } as const;

/** The lines printed as soon as the run starts: backend, weights, schedule, batch, the table's head. */
export function headerLines(s: Started, datasets: readonly string[], batch: number): string[] {
  const { plan, totals } = s;
  const picked = totals.examples;
  const data = datasets.length > 0 ? ` (${datasets.join(', ')}: #${picked.slice(0, 8).join(', #')}${batch > 8 ? ', …' : ''})` : '';
  return [
    s.description,
    totals.weights,
    `schedule: ${plan.schedule}, ${plan.phases} phase${plan.phases === 1 ? '' : 's'}; guarantee: ${plan.guarantee.kind}`,
    `batch: ${batch} example${batch === 1 ? '' : 's'}${data}; θ = ${totals.theta}, at most ${totals.steps} iterations`,
    '  iter   mean energy      max change',
  ];
}

/** The rest of the report once the run has ended (or been interrupted). */
export function bodyLines(trace: SettleTrace, o: SettleOutcome): string[] {
  const lines: string[] = [];
  const energy = trace.meanEnergy;
  const change = trace.maxChange;
  const rows = energy.length;
  for (let i = 0; i < rows; i++) {
    if (rows > 40 && i > 20 && i < rows - 10) {
      if (i === 21) lines.push('   ...');
      continue;
    }
    const c = i === 0 ? '' : change[i - 1].toExponential(2);
    lines.push(`  ${String(i).padStart(4)}   ${energy[i].toFixed(4).padStart(14)}   ${c.padStart(10)}`);
  }
  const converged = o.tStar.filter((t) => t !== null).length;
  lines.push(`t*: ${o.tStar.map((t) => (t === null ? '–' : String(t))).join(' ')}   (${converged}/${o.tStar.length} converged)`);
  const totals = trace.started?.totals;
  const advice = totals && !o.cancelled ? unsettledAdvice({ unsettled: o.tStar.length - converged - o.cycle2.filter(Boolean).length, examples: o.tStar.length, steps: totals.steps, theta: totals.theta }, CLI_WORDS) : null;
  if (advice) lines.push(`warning: ${advice}`);
  const cycles = o.cycle2.flatMap((c, i) => (c ? [i] : []));
  lines.push(`2-cycles: ${cycles.length === 0 ? 'none' : `examples ${cycles.join(', ')}`}`);
  const stability = stabilityLine(o.stability);
  if (stability) lines.push(stability);
  lines.push('final state:');
  for (const l of o.layers ?? []) {
    lines.push(`  ${l.id.padEnd(12)} ${l.shape.padEnd(18)} mean ${fmt(l.mean)}  min ${fmt(l.min)}  max ${fmt(l.max)}  saturated ${(100 * l.saturated).toFixed(0)}%`);
  }
  for (const [id, rec] of trace.attention) {
    lines.push(`attention "${id}": weights [${rec.shape.join('×')}] recorded at ${rec.iterations.length} iterations (use --json to get them)`);
  }
  lines.push(`${o.iterations} iterations in ${o.ms.toFixed(1)} ms (${(o.ms / Math.max(1, o.iterations)).toFixed(2)} ms per iteration)`);
  return lines;
}

/** ρ of the settle step's Jacobian per settled example, and what it says; undefined when none was measured. */
export function stabilityLine(stability: readonly (FixedPointStability | null)[]): string | undefined {
  const measured = stability.filter((s): s is FixedPointStability => s !== null);
  if (measured.length === 0) return undefined;
  const shown = stability.map((s) => (s === null ? '–' : `${s.rho.toFixed(3)}${s.converged ? '' : '?'}`)).join(' ');
  const unstable = measured.filter((s) => s.rho >= 1);
  const verdict =
    unstable.length === 0
      ? 'every fixed point attracts; recurrent backprop’s series converges'
      : `${unstable.length} not attracting under this schedule (${unstable.some((s) => s.dominant === 'negative') ? 'a 2-cycle direction: the neumann series diverges, cg can still apply' : 'a saddle: recurrent backprop tosses them'})`;
  return `stability ρ(J): ${shown}   (${verdict}${measured.some((s) => !s.converged) ? '; ? = estimate not converged' : ''})`;
}

/** One line naming where the energy rose although the plan guarantees descent; undefined when it never did. */
export function riseWarning(rises: readonly EnergyRise[]): string | undefined {
  if (rises.length === 0) return undefined;
  const largest = Math.max(...rises.map((r) => r.to - r.from));
  const byExample = new Map<number, number[]>();
  for (const r of rises) byExample.set(r.example, [...(byExample.get(r.example) ?? []), r.iter]);
  const named = [...byExample].sort(([a], [b]) => a - b).slice(0, RISES_SHOWN).map(([b, its]) => {
    const shown = its.slice(0, RISES_SHOWN);
    return `example ${b} at iteration${its.length === 1 ? '' : 's'} ${shown.join(', ')}${its.length > shown.length ? `, … (${its.length})` : ''}`;
  });
  const more = byExample.size > named.length ? `; and ${byExample.size - named.length} more examples` : '';
  return `warning: the energy rose ${rises.length} time${rises.length === 1 ? '' : 's'} under a descent guarantee (largest rise ${largest.toExponential(2)}): ${named.join('; ')}${more}; the schedule or the weights break what the guarantee assumes`;
}

export function attentionJson(trace: SettleTrace): Record<string, unknown> {
  const total = [...trace.attention.values()].reduce((n, r) => n + r.iterations.length * (r.iterations[0]?.length ?? 0), 0);
  if (total > ATTENTION_JSON_LIMIT) {
    return { attentionOmitted: `${total} recorded weights exceed the JSON limit of ${ATTENTION_JSON_LIMIT}: use a smaller --batch or --steps` };
  }
  const attention: Record<string, { shape: number[]; iterations: number[][] }> = {};
  for (const [id, r] of trace.attention) attention[id] = { shape: r.shape, iterations: r.iterations.map((a) => Array.from(a, (v) => Math.round(v * 1e6) / 1e6)) };
  return { attention };
}

function fmt(v: number): string {
  return (v >= 0 ? ' ' : '') + v.toFixed(3);
}
