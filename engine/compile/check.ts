/**
 * One call for the editor's live validation: document schema, then the compiler.
 * Never throws; an unexpected failure comes back as a problem so the editor
 * shows it instead of going blank.
 */
import { validateGraph } from '../../nodes/validate.js';
import { describeShape } from '../../nodes/shapes.js';
import type { CheckResult, PlanSummary } from '../protocol/check.js';
import { formatPlan } from './plan-text.js';
import { compileGraph } from './compile.js';
import { documentLimitProblems } from './limit-checks.js';
import type { Plan } from './plan.js';

export function checkGraph(input: unknown): CheckResult {
  try {
    const tooMany = documentLimitProblems(input);
    if (tooMany.length > 0) return { problems: tooMany };
    const v = validateGraph(input);
    if (!v.ok) return { problems: v.problems };
    const { plan, problems } = compileGraph(v.graph);
    return plan ? { problems, plan: summarizePlan(plan) } : { problems };
  } catch (err) {
    return { problems: [{ severity: 'error', path: [], message: `the compiler failed unexpectedly: ${(err as Error).message}` }] };
  }
}

export function summarizePlan(plan: Plan): PlanSummary {
  const size = (p: Plan['params'][number]) => p.shape.reduce((a, b) => a * b, 1);
  const clampedLayers = new Set(plan.clamps.map((c) => c.layer));
  return {
    schedule: plan.schedule,
    phases: plan.phases.length,
    guarantee: { kind: plan.guarantee.kind, reason: plan.guarantee.reason },
    layers: plan.layers.map((l) => {
      const clamped = l.fullyClamped ? 'fully' : clampedLayers.has(l.id) ? 'partly' : 'no';
      return { id: l.id, shape: describeShape(l.shape), units: l.units, activation: l.activation, clamped };
    }),
    params: {
      free: plan.params.filter((p) => p.trainable !== false).reduce((n, p) => n + size(p), 0),
      fixed: plan.params.filter((p) => p.trainable === false).reduce((n, p) => n + size(p), 0),
    },
    text: formatPlan(plan),
  };
}
