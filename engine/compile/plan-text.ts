/** The plan as text for the terminal: schedule and guarantee first, then layers, couplings and phases. */
import { describeShape } from '../../nodes/shapes.js';
import type { CouplingSpec, Plan } from './plan.js';
import { couplingKind } from '../couplings/registry.js';

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function formatPlan(plan: Plan): string {
  const out: string[] = [];
  const phaseWord = plan.phases.length === 1 ? 'phase' : 'phases';
  const order = plan.schedule === 'sequential' || (plan.order === 'shuffled' && plan.phases.length > 1) ? `, ${plan.order} order` : '';
  const unit = plan.unitwise ? ', one unit at a time' : '';
  out.push(`schedule:  ${plan.schedule} (${plan.phases.length} ${phaseWord} per iteration${order}${unit})`);
  out.push(`guarantee: ${plan.guarantee.kind}`);
  out.push(`           ${plan.guarantee.reason}`);
  out.push(...blocksText(plan));
  out.push('layers:');
  const w = plan.layers.reduce((m, l) => Math.max(m, l.id.length), 0);
  // Looked up by id, once: a plan may have thousands of layers.
  const clampsOf = groupBy(plan.clamps, (c) => c.layer);
  const noiseOf = new Map(plan.noise.map((n) => [n.layer, n]));
  const paramOf = new Map(plan.params.map((p) => [p.name, p]));
  const layerOf = new Map(plan.layers.map((l) => [l.id, l]));
  for (const l of plan.layers) {
    const clamps = (clampsOf.get(l.id) ?? []).map((c) => `${c.hold ? 'clamped' : 'starts from data'} by "${c.id}" (${c.mask.kind})`);
    const noise = noiseOf.get(l.id);
    const extra = [...clamps, ...(noise ? [`noise "${noise.id}"`] : [])].join('; ');
    out.push(`  ${pad(l.id, w)}  ${pad(describeShape(l.shape), 18)} ${pad(l.activation, 8)} ${pad(l.role, 8)}${l.bias ? 'bias' : '    '}  ${extra}`.trimEnd());
  }
  if (plan.couplings.length > 0) {
    out.push('couplings:');
    for (const c of plan.couplings) {
      const p = paramOf.get(c.param)!;
      const ends = endsText(c);
      out.push(`  ${pad(c.id, w)}  ${pad(c.kind, 12)} ${pad(ends, 24)} ${c.param} [${p.shape.join('×')}]`);
    }
  }
  plan.phases.forEach((phase, i) => {
    out.push(`phase ${i + 1}:${phase.updates.length > 1 ? ' (in parallel)' : ''}`);
    for (const u of phase.updates) {
      const layer = layerOf.get(u.layer)!;
      const lines = [...u.terms.map((t) => t.math), ...(layer.bias ? [`z[${u.layer}] += b[${u.layer}]`] : [])];
      const move = u.damped === undefined ? `${layer.activation}(z[${u.layer}])` : `(1 − α)·x[${u.layer}] + α·${layer.activation}(z[${u.layer}]),  α = ${u.damped}`;
      out.push(`  ${u.layer} ← ${move}`);
      for (const line of lines) out.push(`      ${line}`);
    }
  });
  const size = (p: Plan['params'][number]) => p.shape.reduce((a, b) => a * b, 1);
  const free = plan.params.filter((p) => p.trainable !== false).reduce((n, p) => n + size(p), 0);
  const fixed = plan.params.filter((p) => p.trainable === false).reduce((n, p) => n + size(p), 0);
  out.push(`parameters: ${free.toLocaleString('en-US')} free${fixed > 0 ? `, ${fixed.toLocaleString('en-US')} fixed (patterns taken from data)` : ''}`);
  return out.join('\n');
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}

/** `a ↺` inside one layer, `a ↔ b` both ways, `q ← k` one way: from what the coupling reads and writes. */
function endsText(c: CouplingSpec): string {
  const entry = couplingKind(c);
  const reads = entry.reads(c);
  const writes = entry.writes(c);
  if (reads.length === 1 && writes.length === 1 && reads[0] === writes[0]) return `${reads[0]} ↺`;
  if (reads.every((r) => writes.includes(r))) return reads.join(' ↔ ');
  return `${writes.join(', ')} ← ${reads.filter((r) => !writes.includes(r)).join(', ')}`;
}

/** The block instances the graph was flattened from, one a line: path, definition, size and overrides. */
function blocksText(plan: Plan): string[] {
  const uses = plan.blocks ?? [];
  if (uses.length === 0) return [];
  const w = Math.max(...uses.map((b) => b.path.length));
  const d = Math.max(...uses.map((b) => definitionText(b).length));
  return [
    'blocks:',
    ...uses.map((b) => {
      const set = Object.entries(b.overrides).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
      const nodes = `${b.nodes} node${b.nodes === 1 ? '' : 's'}`;
      return `  ${pad(b.path, w)}  ${pad(definitionText(b), d)}  ${pad(nodes, 9)}${set.length > 0 ? `  ${set.join(', ')}` : ''}`.trimEnd();
    }),
  ];
}

function definitionText(b: NonNullable<Plan['blocks']>[number]): string {
  return b.name !== undefined && b.name !== b.block ? `${b.block} "${b.name}"` : b.block;
}
